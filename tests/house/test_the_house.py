"""A newcomer finds where things happen: features over shared infrastructure, arrows down.

These read the source, not the running app: they fail when a change puts a
module in the wrong room, however well it works.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import IN_CI, ROOT

API = ROOT / "petition_api"
INFRASTRUCTURE = {"cache", "config", "db", "errors", "formulas", "headers", "logs",
                  "migrating", "models", "openapi", "production", "ratelimits",
                  "site_look", "states", "audit"}  # fmt: skip
FEATURES = {"signing", "confirming", "counting", "mail", "updates", "bounces", "petitions",
            "congress", "delivery", "exports", "invalidation", "retention", "staff",
            "supporters", "audiences", "stories", "console"}  # fmt: skip
# Development helpers that assemble the app (like create_app) and may import anything;
# commands lists the app's command groups for the manual.
ASSEMBLY = {"__init__", "commands", "devserver", "site"}
CIRCLES_TOOL = ROOT.parent / "shared" / "tools" / "import_circles.py"
LONGEST_MODULE = 400


def modules():
    for path in sorted(API.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, path.relative_to(API).parts


def imported_rooms(path: Path, parts: tuple[str, ...]) -> set[str]:
    """The top-level rooms of petition_api that a module imports (lazy imports too)."""
    rooms = set()
    depth = len(parts) - 1  # how many packages below petition_api the module sits
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            up = node.level - 1
            if up < depth:  # within its own room
                continue
            names = [node.module] if node.module else [a.name for a in node.names]
            rooms.update(n.split(".")[0] for n in names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("petition_api."):
            rooms.add(node.module.split(".")[1])
    return rooms


def room_of(parts: tuple[str, ...]) -> str:
    return parts[0].removesuffix(".py")


def test_every_module_lives_in_a_known_room():
    unknown = {room_of(p) for _, p in modules()} - INFRASTRUCTURE - FEATURES - ASSEMBLY
    assert unknown == set(), "a new top-level module: put it in a feature, or name it here"


def test_shared_infrastructure_never_imports_a_feature():
    upward = {
        "/".join(parts): sorted(imported_rooms(path, parts) & FEATURES)
        for path, parts in modules()
        if room_of(parts) in INFRASTRUCTURE and imported_rooms(path, parts) & FEATURES
    }
    assert upward == {}


def test_nothing_but_the_db_module_opens_sessions_connections_or_transactions():
    allowed = {"db.py", "migrating.py"}  # migrating: Alembic runs on the engine, before any app
    needles = ("sessionmaker", "Session(", ".connect()", ".begin()", "sqlite_write")
    found = [
        f"{'/'.join(parts)}: {needle}"
        for path, parts in modules()
        if "/".join(parts) not in allowed
        for needle in needles
        if needle in path.read_text(encoding="utf-8")
    ]
    assert found == []


# Every module a newcomer reads: the app, the site's plugin, the benchmarks and the
# scripts beside them (petition_api's migrations are written once, never read).
OUR_CODE = ("petition_api", "campaign_site", "bench", "build.py", "sample_campaign.py")


def our_modules():
    for name in OUR_CODE:
        found = (ROOT / name).rglob("*.py") if (ROOT / name).is_dir() else [ROOT / name]
        for path in sorted(found):
            if "migrations" not in path.relative_to(ROOT).parts:
                yield path


def test_no_module_outgrows_a_screenful_of_screens():
    long = {
        path.relative_to(ROOT).as_posix(): n
        for path in our_modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST_MODULE
    }
    assert long == {}


def test_there_are_no_import_circles():
    if not CIRCLES_TOOL.is_file():
        if IN_CI:
            pytest.fail(f"{CIRCLES_TOOL} is missing (CI has ../shared beside the clone)")
        pytest.skip(f"{CIRCLES_TOOL} is not beside this clone")
    result = subprocess.run(
        [sys.executable, str(CIRCLES_TOOL), "petition_api", "campaign_site"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stdout
