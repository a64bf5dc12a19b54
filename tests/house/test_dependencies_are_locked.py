"""Every install takes the same files: requirements.lock pins each package with its hashes.

`make run`, `make test` and CI install from the lock with `--require-hashes`,
so a release swapped on the index, or a range that drifted, is refused rather
than run. The manual says how to update it (`make lock`, docs/pages/getting-started.md).
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from ..conftest import ROOT

PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)", re.MULTILINE)


def locked() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    groups = project["project"]["optional-dependencies"].values()
    texts = [*project["build-system"]["requires"], *project["project"]["dependencies"]]
    return [Requirement(text) for text in texts + [t for group in groups for t in group]]


def test_every_declared_dependency_is_locked_within_its_range():
    pins = locked()
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not in requirements.lock: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {name}=={pins[name]}, outside {requirement}: run make lock"
        )


def test_every_locked_file_has_its_hash():
    entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / "requirements.lock").read_text("utf-8"))
    pinned = [entry for entry in entries if PIN.match(entry)]
    assert len(pinned) == len(locked()) > 50
    for entry in pinned:
        assert "--hash=sha256:" in entry, f"no hash for {entry.splitlines()[0]}"


def test_this_environment_was_installed_from_the_lock():
    """What make installed is exactly what the lock says (pip, setuptools and all)."""
    for name, version in locked().items():
        assert metadata.version(name) == version, f"{name} is not the locked {version}"
