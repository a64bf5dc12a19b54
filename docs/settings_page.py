"""MkDocs hook: the manual's configuration page lists every setting the API reads.

The list is written at build time from petition_api.config.SETTINGS, the list
create_app reads, so a setting added there is documented with its default and its
description the next time the manual is built; pages/configuration.md marks where.
"""

from __future__ import annotations

from mkdocs.exceptions import PluginError

from petition_api.config import SETTINGS

MARKER = "<!-- settings -->"


def on_page_markdown(markdown: str, page, **_) -> str:
    if MARKER in markdown:
        return markdown.replace(MARKER, settings_list())
    if page.file.src_uri == "configuration.md":
        raise PluginError(f"configuration.md lost its {MARKER} line: the settings go there")
    return markdown


def settings_list() -> str:
    """One item a setting, rather than a table: names and addresses this long leave a
    table's columns a few letters wide on a phone."""
    return "\n".join(
        f"- `GROUNDSWELL_{s.name}`, default {f'`{s.default}`' if s.default else '(empty)'}: "
        f"{s.help}"
        for s in SETTINGS
    )
