"""A newcomer finds where things happen: features over shared infrastructure, arrows down.

These read the source, not the running app: they fail when a change puts a
module in the wrong room, however well it works.
"""

from __future__ import annotations

import pytest

from ..conftest import ROOT
from . import import_graph

API = ROOT / "petition_api"
INFRASTRUCTURE = {"cache", "config", "db", "errors", "formulas", "headers", "logs",
                  "migrating", "models", "openapi", "production", "ratelimits",
                  "site_look", "states", "audit", "email_addresses",
                  "campaign_sender"}  # fmt: skip
FEATURES = {"signing", "confirming", "counting", "mail", "updates", "bounces", "petitions",
            "congress", "delivery", "exports", "invalidation", "retention", "staff",
            "supporters", "audiences", "stories", "reports", "console"}  # fmt: skip
# Development helpers that assemble the app (like create_app) and may import anything;
# commands lists the app's command groups for the manual.
ASSEMBLY = {"__init__", "commands", "devserver", "site"}
LONGEST_MODULE = 400


def modules():
    for path in sorted(API.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, path.relative_to(API).parts


def room_of(parts: tuple[str, ...]) -> str:
    return parts[0].removesuffix(".py")


def test_every_module_lives_in_a_known_room():
    unknown = {room_of(p) for _, p in modules()} - INFRASTRUCTURE - FEATURES - ASSEMBLY
    assert unknown == set(), "a new top-level module: put it in a feature, or name it here"


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


def room(unit: str) -> str | None:
    """The room of petition_api a unit stands in (None outside petition_api)."""
    top, _, rest = unit.partition(".")
    return rest.split(".")[0] if top == "petition_api" and rest else None


def arrows_between(sources, targets) -> dict[str, list[str]]:
    """Each arrow from a unit in `sources` to one in `targets`, with its import lines."""
    graph = import_graph.build()
    return {
        f"{source} -> {target}": graph.why(source, target)
        for source in sorted(graph.units)
        if sources(source)
        for target in sorted(graph.targets(source))
        if targets(target)
    }


def test_no_package_imports_in_a_circle():
    graph = import_graph.build()
    found = [import_graph.describe(graph, group) for group in import_graph.circles(graph)]
    if found:
        pytest.fail("\n".join(found), pytrace=False)


def test_shared_infrastructure_never_imports_a_feature():
    upward = arrows_between(lambda u: room(u) in INFRASTRUCTURE, lambda u: room(u) in FEATURES)
    assert upward == {}


def test_no_feature_imports_the_console():
    upward = arrows_between(
        lambda u: room(u) in FEATURES - {"console"}, lambda u: room(u) == "console"
    )
    assert upward == {}


def test_only_what_assembles_the_app_imports_its_assembly():
    """create_app, the dev server, the site's routes and the manual's command list wire
    features in: a feature or the infrastructure importing them would be an arrow up.
    Tests and benchmarks start the app to try it, so they assemble it too."""
    assembly = {"petition_api"} | {f"petition_api.{name}" for name in ASSEMBLY - {"__init__"}}
    upward = arrows_between(
        lambda u: u not in assembly and u.split(".")[0] not in {"tests", "bench"},
        lambda u: u in assembly,
    )
    assert upward == {}
