"""Plain text that reads well in any mail program: paragraphs wrapped at 72 columns,
every address whole (never split across lines), and a button's address on a line
of its own so it can be tapped or copied.

Two ways in: `wrapped`, the filter every text template (templates/mail/*.txt)
puts its paragraphs through, and `from_html`, which reads an update's Markdown,
once rendered to HTML, the way a person reads the HTML email: bold is just text,
headings are underlined, a link is its text with the address after it.
"""

from __future__ import annotations

import re
import textwrap
from html.parser import HTMLParser

WIDTH = 72
ADDRESS = re.compile(r"^(https?://|mailto:)\S+$")
UNDERLINE = re.compile(r"^(=+|-+)$")  # under a heading (`underlined`)
SPACES = re.compile(r"[ \t\n\r\f\v]+")  # not the no-break space: staff may mean it
BREAK = "\u2028"  # a <br> inside a paragraph, until the paragraph is wrapped
UNDERLINES = {"h1": "=", "h2": "-", "h3": "-"}  # smaller headings: a line of their own
SKIPPED = {"head", "style", "script", "title"}
BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dl", "dt", "dd"}


def _is_address(text: str) -> bool:
    return bool(ADDRESS.match(text))


def _alone(line: str) -> bool:
    """A line that keeps a line of its own: an address, or a heading's underline."""
    return bool(ADDRESS.match(line) or UNDERLINE.match(line))


def _collapsed(text: str) -> str:
    return SPACES.sub(" ", text).strip()


def _fill(text: str, first: str = "", rest: str = "", width: int = WIDTH) -> list[str]:
    """One paragraph's lines, an address never broken or hyphenated."""
    if _is_address(text):
        return [first + text]
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first.rstrip()]


def wrapped(text: str) -> str:
    """A text template's paragraphs (blank-line separated) reflowed to WIDTH.

    Within a paragraph, a line that is an address (or a heading's underline) stays
    on its own line, and a line starting "- " starts a list item (its continuation
    indented under it); other lines are joined, so templates break their lines
    where they like."""
    paragraphs = [p for p in re.split(r"\n[ \t]*\n", text) if p.strip()]
    return "".join(_reflowed(p) + "\n\n" for p in paragraphs)


def _reflowed(paragraph: str) -> str:
    units: list[list[str]] = []
    for line in (line.strip() for line in paragraph.splitlines()):
        if not line:
            continue
        starts = not units or line.startswith("- ") or _alone(line) or _alone(units[-1][-1])
        if starts:
            units.append([line])
        else:
            units[-1].append(line)
    lines = []
    for unit in units:
        joined = " ".join(unit)
        lines += _fill(joined, rest="  " if joined.startswith("- ") else "")
    return "\n".join(lines)


def underlined(title: str, mark: str = "=") -> str:
    """A heading: the title wrapped, then a line of `mark` as long as its longest line."""
    lines = _fill(" ".join(title.split()))
    return "\n".join(lines) + "\n" + mark * max(len(line) for line in lines)


def from_html(html: str) -> str:
    """Readable plain text for an HTML fragment (an update's rendered Markdown)."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.text()


class _Reader(HTMLParser):
    """Walks the HTML, collecting each block's inline text, then writes it wrapped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, bool]] = []  # (text, follows the previous one tightly)
        self.words: list[str] = []  # the open block's inline text
        self.items: list[list[str]] = []  # open list items: [first line's indent, the rest's]
        self.lists: list[list] = []  # open lists: [tag, next number]
        self.links: list[tuple[str, str, int]] = []  # open links: (href, class, where text starts)
        self.row: list[str] | None = None  # the open table row's cells
        self.quotes = 0
        self.frames = 0  # inside the table that only frames a button (updates/updates.py)
        self.skipping = 0
        self.preformatted: list[str] | None = None
        self.tight = False  # inside a list or table: blocks follow each other line by line

    # Tags

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in SKIPPED:
            self.skipping += 1
        elif tag == "table" and "button-frame" in (attributes.get("class") or ""):
            self._flush()
            self.frames += 1
        elif tag in ("tr", "td", "th") and self.frames:
            pass  # the button's frame: its words are a paragraph, not a table's cells
        elif tag in BLOCKS or tag in ("ul", "ol", "table", "hr", "pre"):
            self._flush()
            self._open_block(tag)
        elif tag == "li":
            self._open_item()
        elif tag in ("tr", "td", "th"):
            self._open_cell(tag)
        elif tag == "br":
            self.words.append(BREAK)
        elif tag == "img" and attributes.get("alt"):
            self.words.append(attributes["alt"])
        elif tag == "a":
            self.links.append(
                (attributes.get("href") or "", attributes.get("class") or "", len(self.words))
            )

    def _open_block(self, tag):
        if tag == "blockquote":
            self.quotes += 1
        elif tag in ("ul", "ol"):
            if not self.lists:
                self.tight = False  # a blank line before the list, then one item a line
            self.lists.append([tag, 1])
        elif tag == "table":
            self.tight = False
        elif tag == "hr":
            self._add("----")
        elif tag == "pre":
            self.preformatted = []

    def _open_item(self):
        self._flush()
        base = self.items[-1][1] if self.items else ""
        kind = self.lists[-1] if self.lists else ["ul", 1]
        marker = "- " if kind[0] == "ul" else f"{kind[1]}. "
        kind[1] += 1
        self.items.append([base + marker, base + " " * len(marker)])

    def _open_cell(self, tag):
        if tag == "tr":
            self.row = []
        self.words = []

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag == "table" and self.frames:
            self._flush()
            self.frames -= 1
        elif tag in ("tr", "td", "th") and self.frames:
            pass
        elif tag == "a" and self.links:
            self._close_link(*self.links.pop())
        elif tag in ("td", "th") and self.row is not None:
            self.row.append(self._inline())
        elif tag == "tr" and self.row is not None:
            cells, self.row = self.row, None
            if any(cells):
                self._add(" | ".join(cells))
                self.tight = True
        elif tag == "pre" and self.preformatted is not None:
            code, self.preformatted = "".join(self.preformatted).rstrip("\n"), None
            self._add("\n".join("    " + line for line in code.split("\n")), wrap=False)
        elif tag in BLOCKS or tag in ("li", "ul", "ol", "table"):
            self._close_block(tag)

    def _close_block(self, tag):
        self._flush(UNDERLINES.get(tag))
        if tag == "blockquote":
            self.quotes = max(self.quotes - 1, 0)
        elif tag == "li" and self.items:
            self.items.pop()
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.tight = bool(self.lists)
        elif tag == "table":
            self.tight = False

    def _close_link(self, href: str, classes: str, start: int):
        label = _collapsed("".join(self.words[start:]))
        shown = href.removeprefix("mailto:")
        if "footnote-backref" in classes:  # the footnote's "↩" back to the text
            written = []
        elif "footnote-ref" in classes:
            written = [f"[{label}]"]
        elif "button" in classes.split() and href:
            # The button: its words, then its address on a line of its own.
            words = label if label.endswith((":", ".", "!", "?")) else label + ":"
            written = [BREAK, words, BREAK, href, BREAK]
        elif not href or href.startswith("#") or shown == label or not label:
            written = [label or shown]
        else:
            written = [f"{label} ({shown})"]
        self.words[start:] = written

    # Text

    def handle_data(self, data):
        if self.skipping:
            return
        if self.preformatted is not None:
            self.preformatted.append(data)
        else:
            self.words.append(data)

    def _inline(self) -> str:
        """A table cell's words on one line (a cell's <br> or button too)."""
        text, self.words = "".join(self.words), []
        return _collapsed(text.replace(BREAK, " "))

    def _flush(self, underline: str | None = None):
        """The open block, if it has any words, as wrapped lines."""
        if self.row is not None:
            return  # inside a table row, a cell's words wait for its cell to end
        lines = [_collapsed(part) for part in "".join(self.words).split(BREAK)]
        self.words = []
        lines = [line for line in lines if line]
        if not lines:
            return
        if underline:
            self._add(underlined(" ".join(lines), underline), wrap=False, tight=False)
            return
        item = self.items[-1] if self.items else None
        first, rest = (item[0], item[1]) if item else ("", "")
        if item:
            item[0] = item[1]  # a second paragraph in the item lines up with its text
        wrapped_lines = []
        for line in lines:
            wrapped_lines += _fill(line, first, rest, WIDTH - 2 * self.quotes)
            first = rest
        self._add("\n".join(wrapped_lines), wrap=False)
        if self.lists:
            self.tight = True

    def _add(self, text: str, wrap: bool = True, tight: bool | None = None):
        if wrap:
            text = "\n".join(_fill(text))
        if self.quotes:
            text = "\n".join(("> " * self.quotes + line).rstrip() for line in text.split("\n"))
        self.blocks.append((text, self.tight if tight is None else tight))

    def close(self):
        super().close()
        self._flush()

    def text(self) -> str:
        written = ""
        for text, tight in self.blocks:
            if written:
                written += "\n" if tight else "\n\n"
            written += text
        return written + "\n"
