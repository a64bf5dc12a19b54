"""The manual (docs/) as `make docs` builds it, and what its built pages say.

Tests read the built HTML rather than docs/pages/: the configuration and commands
pages are written from the code at build time, so only the build shows them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "docs" / "mkdocs.yml"
PAGES = ROOT / "docs" / "pages"
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass
class Section:
    """One heading of a page and everything under it until the next heading."""

    heading: str
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


@dataclass
class BuiltManual:
    folder: Path
    log: str
    returncode: int

    def sections(self, page: str) -> list[Section]:
        """The sections of a built page (`commands` for commands.md), in order."""
        html = (self.folder / f"{page}.html").read_text(encoding="utf-8")
        article = re.search(r"<article\b.*?</article>", html, re.DOTALL)
        assert article, f"{page}.html has no article"
        reader = _SectionReader()
        reader.feed(article.group(0))
        return reader.sections

    def section(self, page: str, heading: str) -> Section:
        found = [s for s in self.sections(page) if s.heading == heading]
        assert found, f"{page}.html has no heading {heading!r}"
        return found[0]


def build(folder: Path) -> BuiltManual:
    """`make docs` into ``folder``: strict, so any warning fails the build."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(CONFIG), "-d", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        # mkdocs-material prints a banner about its successor on every build.
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    return BuiltManual(folder, result.stdout + result.stderr, result.returncode)


def words(text: str) -> str:
    """Text as a reader sees it: whitespace folded, Markdown's backticks gone."""
    return " ".join(text.replace("`", "").split())


class _SectionReader(HTMLParser):
    """Splits an article at its headings, keeping each section's text, table rows and
    list items (a heading's permalink sign left out)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections: list[Section] = []
        self._heading: list[str] | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._item: list[str] | None = None
        self._in_permalink = False

    def handle_starttag(self, tag, attrs):
        if tag in HEADINGS:
            self._heading = []
        elif tag == "a" and ("class", "headerlink") in attrs:
            self._in_permalink = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "li":
            self._item = []

    def handle_endtag(self, tag):
        if tag in HEADINGS and self._heading is not None:
            self.sections.append(Section(words("".join(self._heading))))
            self._heading = None
        elif tag == "a":
            self._in_permalink = False
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(words("".join(self._cell)))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self.sections:
                self.sections[-1].rows.append(self._row)
            self._row = None
        elif tag == "li" and self._item is not None:
            if self.sections:
                self.sections[-1].items.append(words("".join(self._item)))
            self._item = None

    def handle_data(self, data):
        if self._in_permalink:
            return
        if self._heading is not None:
            self._heading.append(data)
        elif self.sections:
            self.sections[-1].text += data
        if self._cell is not None:
            self._cell.append(data)
        if self._item is not None:
            self._item.append(data)
