"""The sample campaign as git holds it, copied for a test or a benchmark to build.

The tests (tests/site/support.py re-exports copy_sample) and the benchmarks
(bench/run.py, bench/generate_stories.py) both build the sample, never the live
content/ that `make run` and the staff console publish stories into. It lives
here, beside build.py, so that neither has to import the other.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# What a build of the sample reads besides mkdocs.yml: the sample content and the
# example mailing, as the repository holds them.
SAMPLE_FOLDERS = ("content", "mailings")

RUN_FROM_A_CLONE = (
    "The tests and benchmarks build the sample campaign from the files git tracks under"
    " content/, so that stories published there by `make run` never change what they"
    " count: run them from a clone (git clone), not from an unpacked archive."
)


class NotACheckout(RuntimeError):
    """The sample cannot be told apart from a campaign's own additions without git."""


def copy_sample(destination: Path, root: Path = ROOT) -> Path:
    """Copy the sample campaign to ``destination``; return its mkdocs.yml there.

    The sample is what git tracks under content/ and mailings/, read from the
    working tree: a developer's uncommitted edits to sample files are seen,
    while a story `make run` published into content/ (untracked) never is, so
    tests and benchmarks never depend on what a campaign did with its live
    folder. Without git there is no telling the two apart, and counting tests
    would fail far from the cause, so this refuses (NotACheckout) rather than
    copy everything.
    """
    tracked = _tracked(root, "mkdocs.yml", *SAMPLE_FOLDERS)
    if "mkdocs.yml" not in tracked:  # e.g. an archive unpacked inside another repository
        raise NotACheckout(f"git tracks no mkdocs.yml in {root}. {RUN_FROM_A_CLONE}")
    destination.mkdir(parents=True, exist_ok=True)
    for name in tracked:
        source = root / name
        if not source.is_file():
            continue  # deleted in the working tree, not yet in git: gone for the copy too
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return destination / "mkdocs.yml"


def _tracked(root: Path, *paths: str) -> list[str]:
    try:
        listed = subprocess.run(  # noqa: S603 - git, with fixed arguments
            ["git", "-C", str(root), "ls-files", "-z", "--", *paths],  # noqa: S607 - git on PATH
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        said = getattr(error, "stderr", b"") or str(error).encode()
        said = said.decode(errors="replace").strip()
        raise NotACheckout(f"{root} is not a git checkout ({said}). {RUN_FROM_A_CLONE}") from None
    return [name for name in listed.decode().split("\0") if name]
