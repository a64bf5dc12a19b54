"""A newcomer reads the manual's package map and finds the tree it describes.

docs/pages/architecture.md maps every package and top-level module of
petition_api, every other top-level folder of Python (campaign_site, bench) and
top-level module (build.py, sample_campaign.py), and every folder of tests: a
table row each, its path in the first cell, from the folder the table's header
names (`petition_api/`) or else from the repository's root. A package added
without a row fails here, and so does a row for one that was moved or removed;
so does any module the page names (`signing/routes.py`) that is not where it says.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass

from ..conftest import ROOT

PAGE = ROOT / "docs" / "pages" / "architecture.md"
MAP_HEADING = "## The package map"
CELL = re.compile(r"(?<!\\)\|")
CODE = re.compile(r"`([^`]+)`")
MODULE = re.compile(r"[\w./]*\w\.py\b")
SEPARATOR = re.compile(r"^\|[\s|:-]+\|$")


@dataclass(frozen=True)
class Row:
    line: str
    place: str  # the path from the root that the row maps


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


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in CELL.split(line.strip().strip("|"))]


def rows() -> list[Row]:
    """The map's table rows; a header's code span (`petition_api/`) is where its rows are."""
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    start = lines.index(MAP_HEADING) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    found, folder = [], ""
    for at in range(start, end):
        line = lines[at]
        if not line.startswith("|") or SEPARATOR.match(line):
            continue
        first = cells(line)[0]
        if at + 1 < end and SEPARATOR.match(lines[at + 1]):  # a table's header
            named = CODE.search(first)
            folder = named.group(1) if named else ""
        elif named := CODE.match(first):
            found.append(Row(line, folder + named.group(1)))
    return found


def on_the_map() -> list[str]:
    return [row.place for row in rows()]


def test_every_package_and_module_is_on_the_map():
    unmapped = sorted(in_the_tree() - set(on_the_map()))
    assert not unmapped, f"give each a row in {PAGE.relative_to(ROOT)}: {', '.join(unmapped)}"


def test_the_map_names_nothing_that_is_not_in_the_tree():
    gone = [place for place in on_the_map() if not (ROOT / place).exists()]
    assert not gone, f"moved or removed, yet on {PAGE.relative_to(ROOT)}: {', '.join(gone)}"


def test_the_map_names_each_place_once():
    named = on_the_map()
    assert sorted({place for place in named if named.count(place) > 1}) == []


def test_every_module_the_page_names_is_where_it_says():
    """A module named in a row's job is inside that row's package; anywhere else on the
    page (prose, the diagrams) it is a path from the root or from petition_api/."""
    packages = {row.line: row.place for row in rows() if row.place.endswith("/")}
    named = {
        (packages.get(line, ""), module)
        for line in PAGE.read_text(encoding="utf-8").splitlines()
        for module in MODULE.findall(line)
    }
    missing = sorted(
        package + module
        for package, module in named
        if not any((place / module).is_file() for place in (ROOT / package, ROOT / "petition_api"))
    )
    assert not missing, f"named on {PAGE.relative_to(ROOT)}, not in the tree: {', '.join(missing)}"
