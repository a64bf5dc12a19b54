"""The linters read every Python file we wrote: an exclusion meant for the build's
output (site/) or the virtual environment never hides a folder of our own.

ruff leaves out any folder named like a bare pattern ("site" hid tests/site/), and
bandit any path merely containing one ("site" hid campaign_site/); pyproject.toml
anchors both to the repository's root.
"""

from __future__ import annotations

import json
import subprocess
import sys

from ..conftest import ROOT

# What tests/resilience/test_security.py gives bandit (tests are ruff's, with S rules).
BANDIT_TARGETS = ("petition_api", "campaign_site", "bench")


def tracked_python(*folders: str) -> set[str]:
    """The Python files git tracks, under ``folders`` (none: anywhere)."""
    patterns = [f"{folder}/*.py" for folder in folders] or ["*.py"]
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--", *patterns],
        capture_output=True,
        check=True,
    ).stdout.decode()
    return {name for name in listed.split("\0") if name and (ROOT / name).is_file()}


def test_ruff_checks_every_python_file_git_tracks():
    shown = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--show-files", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    checked = {line.removeprefix(f"{ROOT}/") for line in shown.splitlines()}
    assert tracked_python() - checked == set()
    assert {"tests/site/support.py", "campaign_site/plugin.py"} <= checked


def test_bandit_reads_every_python_file_of_the_code_it_is_given():
    report = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-c", "pyproject.toml", "-f", "json", "-r",
         *BANDIT_TARGETS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    read = set(json.loads(report.stdout)["metrics"]) - {"_totals"}
    assert tracked_python(*BANDIT_TARGETS) - read == set()
