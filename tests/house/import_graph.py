"""Who imports whom among our packages, read from the source with `ast`.

Every import counts, a lazy one inside a function as much as one at the top:
Python runs it later, a reader follows it all the same. Modules fold into their
package (petition_api.mail, tests.api, ...), since a circle between packages is
a tangle whichever modules make it. A module sitting directly in a top package
(petition_api/config.py, bench/run.py, tests/conftest.py) is a room of its own,
and so is the top package's __init__ (petition_api's is create_app).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..conftest import ROOT

PACKAGES = ("petition_api", "campaign_site", "bench", "tests")


@dataclass
class Graph:
    units: set[str] = field(default_factory=set)
    # unit -> unit it imports -> the import lines that make the arrow
    arrows: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )

    def targets(self, unit: str) -> set[str]:
        return set(self.arrows.get(unit, {}))

    def why(self, source: str, target: str) -> list[str]:
        return self.arrows[source][target]


def source_files(root: Path = ROOT) -> dict[str, Path]:
    """Each module's dotted name and file: our packages and the modules beside them."""
    files = {path.stem: path for path in root.glob("*.py")}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:  # Alembic's scripts, run by path
                continue
            parts = path.relative_to(root).with_suffix("").parts
            files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return files


def unit_of(name: str, path: Path) -> str:
    """The package a module folds into (or the module, when it is a room of its own)."""
    if path.name == "__init__.py" or name.count(".") <= 1:
        return name
    return name.rpartition(".")[0]


def imported_names(name: str, path: Path, known: set[str]):
    """(line, text, module) for each of our modules that `name` imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    source = path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source, str(path))):
        if isinstance(node, ast.Import):
            wanted = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            # `from pkg import mod` imports pkg.mod; `from mod import thing`, mod (_ours).
            wanted = [f"{_absolute(package, node)}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in {_ours(imported, known) for imported in wanted} - {""}:
            yield node.lineno, ast.get_source_segment(source, node), target


def _ours(name: str, known: set[str]) -> str:
    """The module of ours that an imported name lies in ("" for another project's)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name


def _absolute(package: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def build(root: Path = ROOT) -> Graph:
    files = source_files(root)
    graph = Graph(units={unit_of(name, path) for name, path in files.items()})
    for name, path in files.items():
        source = unit_of(name, path)
        for line, text, target in imported_names(name, path, set(files)):
            destination = unit_of(target, files[target])
            if destination != source:
                where = f"{path.relative_to(root)}:{line}: {' '.join(text.split())}"
                if where not in graph.why(source, destination):  # two modules, one line
                    graph.arrows[source][destination].append(where)
    return graph


def circles(graph: Graph) -> list[list[str]]:
    """Groups of units that each reach every other one (the graph is small: plain search)."""
    reach = {unit: _reachable(graph, unit) for unit in sorted(graph.units)}
    found = []
    for unit in sorted(graph.units):
        group = sorted(u for u in reach[unit] if unit in reach[u])
        if len(group) > 1 and group not in found:
            found.append(group)
    return found


def _reachable(graph: Graph, start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for target in graph.targets(todo.pop()) - seen:
            seen.add(target)
            todo.append(target)
    return seen


def describe(graph: Graph, group: list[str]) -> str:
    lines = ["circle: " + ", ".join(group)]
    for source in group:
        for target in sorted(graph.targets(source) & set(group)):
            lines.append(f"  {source} -> {target}")
            lines.extend(f"      {why}" for why in graph.why(source, target))
    return "\n".join(lines)
