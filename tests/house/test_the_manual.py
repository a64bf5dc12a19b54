"""A reader finds the manual whole: built without a warning, every page in its menu,
every command the app registers documented with its options, and no link that
leads out of the repository (README included).

The settings page is checked beside the settings, in
tests/api/test_operators_configure.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import yaml

from petition_api import create_app

from ..conftest import ROOT, test_settings
from ..manual import CONFIG, PAGES

# Links in Markdown: [words](target) and <https://...>; code is not a link.
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)|<([a-z][a-z0-9+.-]*:[^>\s]+)>")
CODE = re.compile(r"^```.*?^```|``.+?``|`[^`\n]+`", re.DOTALL | re.MULTILINE)
BUILT_LINK = re.compile(r"\b(?:href|src|action|srcset)=\"([^\"]*)\"")
ELSEWHERE = re.compile(r"^([a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def nav_pages(entries) -> set[str]:
    """Every page a nav names, however deep its sections go."""
    found = set()
    for entry in entries:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        found |= nav_pages(value) if isinstance(value, list) else {value}
    return found


def registered_commands(group: click.Group, path: str = "flask"):
    """(`flask mail send`, its command) for every command under ``group``."""
    for name, command in sorted(group.commands.items()):
        if command.hidden:
            continue
        yield f"{path} {name}", command
        if isinstance(command, click.Group):
            yield from registered_commands(command, f"{path} {name}")


def links(markdown_file: Path) -> list[str]:
    text = CODE.sub("", markdown_file.read_text(encoding="utf-8"))
    return [a or b for a, b in MARKDOWN_LINK.findall(text)]


def test_the_manual_builds_without_a_warning(manual):
    assert manual.returncode == 0, manual.log
    assert "WARNING" not in manual.log


def test_every_page_is_in_the_nav_and_every_nav_entry_is_a_page():
    nav = nav_pages(yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["nav"])
    pages = {path.relative_to(PAGES).as_posix() for path in PAGES.rglob("*.md")}
    assert pages - nav == set(), "pages no menu leads to"
    assert nav - pages == set(), "menu entries with no page"


def test_the_commands_page_documents_every_command_and_option_the_app_registers(manual, tmp_path):
    app = create_app(test_settings(f"sqlite:///{tmp_path}/g.db", tmp_path))
    commands = list(registered_commands(app.cli))
    assert len(commands) > 40  # the walk reached the subcommands
    for path, command in commands:
        section = manual.section("commands", path)
        usage = " ".join([path, *command.collect_usage_pieces(click.Context(command))])
        assert usage in section.text, f"{path}: its arguments are not documented"
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                for opt in param.opts + param.secondary_opts:
                    assert opt in section.text, f"{path}: {opt} is not documented"


def test_the_commands_page_says_where_each_group_is_explained(manual, tmp_path):
    app = create_app(test_settings(f"sqlite:///{tmp_path}/g.db", tmp_path))
    overview = manual.section("commands", "Commands").rows[1:]
    assert sorted(row[0] for row in overview) == sorted(f"flask {n}" for n in app.cli.commands)
    assert all(row[2] for row in overview), "a group with no page that explains it"


def test_the_readme_and_the_manual_link_only_to_files_in_the_repository():
    for markdown_file in [ROOT / "README.md", *sorted(PAGES.rglob("*.md"))]:
        inside = PAGES if PAGES in markdown_file.parents else ROOT
        for target in links(markdown_file):
            where = f"{markdown_file.relative_to(ROOT)}: {target}"
            assert not ELSEWHERE.match(target), f"{where} leads out of the repository"
            path = target.split("#", 1)[0]
            if path:
                resolved = (markdown_file.parent / path).resolve()
                assert resolved.is_relative_to(inside), f"{where} leads out of {inside.name}/"
                assert resolved.exists(), f"{where} leads nowhere"


def test_the_built_manual_loads_and_links_nothing_from_elsewhere(manual):
    for page in sorted(manual.folder.rglob("*.html")):
        for target in BUILT_LINK.findall(page.read_text(encoding="utf-8")):
            assert not ELSEWHERE.match(target), f"{page.name}: {target}"


def test_every_option_of_the_campaign_site_plugin_is_documented():
    """An editor finds each option under `plugins: - campaign-site:` in writing.md,
    written as code (`share_graphics`), as the settings page does for the API's."""
    from campaign_site.config import CampaignSiteConfig, StoryConsentsConfig

    writing = (PAGES / "writing.md").read_text(encoding="utf-8")
    options = [name for name, _ in CampaignSiteConfig._schema]
    options += [f"story_consents.{name}" for name, _ in StoryConsentsConfig._schema]
    missing = [name for name in options if f"`{name.rsplit('.', 1)[-1]}`" not in writing]
    assert missing == []
