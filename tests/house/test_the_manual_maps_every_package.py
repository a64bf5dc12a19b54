"""A newcomer reads the manual's package map and finds the tree it describes.

docs/pages/architecture.md maps every package and top-level module of
petition_api, every other top-level folder of Python (campaign_site, bench) and
module (build.py, sample_campaign.py), and every folder of tests: one table row
each, its path from the repository's root in the first cell. A package added
without a row fails here, and so does a row for one that was moved or removed.
Every module the page names elsewhere (`signing/routes.py`) must exist too.
"""

from __future__ import annotations

import re
import subprocess

from ..conftest import ROOT

PAGE = ROOT / "docs" / "pages" / "architecture.md"
MAP_HEADING = "## The package map"
CELL = re.compile(r"(?<!\\)\|")
CODE = re.compile(r"`([^`]+)`")
MODULE = re.compile(r"[\w./]*\w\.py\b")


def tracked_python() -> list[str]:
    """The Python files git tracks, as paths from the root."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--", "*.py"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def in_the_tree() -> set[str]:
    """What the map must name: petition_api's packages and top-level modules, the other
    top-level folders and modules of Python, and each folder of tests."""
    names = set()
    for path in tracked_python():
        parts = path.split("/")
        if parts[0] in ("petition_api", "tests") and len(parts) > 2:
            names.add(f"{parts[0]}/{parts[1]}/")
        elif parts[0] == "petition_api" or len(parts) == 1:
            names.add(path)
        elif parts[0] != "tests":
            names.add(f"{parts[0]}/")
    return names


def map_section() -> list[str]:
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    start = lines.index(MAP_HEADING) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return lines[start:end]


def rows() -> list[tuple[str, list[str]]]:
    """The map's table rows, each with its cells (header and separator rows left out)."""
    found = []
    for line in map_section():
        if not line.startswith("|") or set(line) <= set("|- "):
            continue
        cells = [cell.strip() for cell in CELL.split(line.strip().strip("|"))]
        if CODE.match(cells[0]):
            found.append((line, cells))
    return found


def on_the_map() -> list[str]:
    return [CODE.match(cells[0]).group(1) for _, cells in rows()]


def test_every_package_and_module_is_on_the_map():
    unmapped = sorted(in_the_tree() - set(on_the_map()))
    assert not unmapped, f"give each a row in {PAGE.relative_to(ROOT)}: {', '.join(unmapped)}"


def test_the_map_names_nothing_that_is_not_in_the_tree():
    gone = [name for name in on_the_map() if not (ROOT / name).exists()]
    assert not gone, f"moved or removed, yet on {PAGE.relative_to(ROOT)}: {', '.join(gone)}"


def test_the_map_names_each_place_once():
    named = on_the_map()
    assert sorted({name for name in named if named.count(name) > 1}) == []


def test_every_module_the_page_names_is_where_it_says():
    """A module named in a row of the map is inside that row's package; anywhere else
    on the page (prose, the diagrams) it is a path from the root or from petition_api/."""
    packages = {line: CODE.match(cells[0]).group(1) for line, cells in rows()}
    named = {
        (package if package.endswith("/") else "", module)
        for line in PAGE.read_text(encoding="utf-8").splitlines()
        for package in [packages.get(line, "")]
        for module in MODULE.findall(line)
    }
    missing = sorted(
        package + module
        for package, module in named
        if not any((place / module).is_file() for place in (ROOT / package, ROOT / "petition_api"))
    )
    assert not missing, f"named on {PAGE.relative_to(ROOT)}, not in the tree: {', '.join(missing)}"
