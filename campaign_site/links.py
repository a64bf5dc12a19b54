"""Find the internal links in a page's Markdown and say which lead nowhere.

Editors link to source files (``../petitions/wic.md``) as MkDocs expects; a
regular expression over the body is enough for that and keeps the check fast
on thousands of pages. Code is blanked first so examples are not checked.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,}).*?^\1\2[`~]*[ \t]*$", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_INLINE = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)]*)?\)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#|/)")


def _blank(match: re.Match) -> str:
    # Keep newlines so line numbers in messages stay right.
    return re.sub(r"[^\n]", " ", match.group(0))


def internal_links(body: str) -> Iterator[tuple[str, int]]:
    """Yield (target, line offset in body) for each relative link."""
    text = _CODE_SPAN.sub(_blank, _FENCE.sub(_blank, body))
    for pattern in (_INLINE, _REFERENCE):
        for match in pattern.finditer(text):
            target = match.group(1)
            if target and not _EXTERNAL.match(target):
                yield target, text.count("\n", 0, match.start())


def resolve(src_uri: str, target: str) -> str | None:
    """The docs path a link from ``src_uri`` points to, or None if it leaves the docs."""
    path = target.split("#", 1)[0].split("?", 1)[0]
    if not path:
        return src_uri
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), path))
    if joined == ".." or joined.startswith("../"):
        return None
    return "" if joined == "." else joined


def exists(path: str, known: set[str]) -> bool:
    """True if ``path`` names a known file, or a folder with an index page."""
    path = path.rstrip("/")
    if path in known:
        return True
    folder = f"{path}/" if path else ""
    return f"{folder}index.md" in known or f"{folder}README.md" in known
