"""When two pages get the same relative links: the rule both our template and excerpt caches use.

MkDocs writes a link from a page to a target as a path relative to the
page's folder (mkdocs.utils.get_relative_url): as many ``..`` as the page's
folder is deep past the folders it shares with the target, then the rest of
the target. So for a fixed set of targets, a page's links depend only on how
deep its folder is and on the longest leading run of its folders that begins
any target: two pages alike in both get byte-identical links to every target.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

_LINK = re.compile(r"""\b(?:href|src)=(["'])(.*?)\1""", re.S)


def segments(url: str) -> tuple[str, ...]:
    path = posixpath.normpath("/" + url)[1:]
    return tuple(path.split("/")) if path else ()


def folder(page_url: str) -> tuple[str, ...]:
    """The folder links on a page start from (a last part with a dot names a file)."""
    head, _, last = page_url.rpartition("/")
    return segments(head if "." in last else page_url)


def is_relative(url: str) -> bool:
    parts = urlsplit(url)
    return not (parts.scheme or parts.netloc or url.startswith(("/", "#")))


def prefixes(targets: Iterable[str | None]) -> set[tuple[str, ...]]:
    """Every leading run of folders of the relative targets, e.g. ("stories", "archive")."""
    found: set[tuple[str, ...]] = {()}
    for url in targets:
        if isinstance(url, str) and is_relative(url):
            parts = segments(url)
            found.update(parts[:n] for n in range(1, len(parts) + 1))
    return found


def link_class(page_url: str, target_prefixes: set[tuple[str, ...]]) -> tuple:
    """Equal for two pages exactly when their links to those targets are written alike."""
    where = folder(page_url)
    shared = 0
    while shared < len(where) and where[: shared + 1] in target_prefixes:
        shared += 1
    return len(where), where[:shared]


def targets_in(html: str, page_url: str) -> list[str]:
    """The site paths that the relative href and src values in ``html`` point to."""
    base = "/".join(folder(page_url))
    found = []
    for _, value in _LINK.findall(html):
        path = value.split("#", 1)[0].split("?", 1)[0]
        if path and is_relative(path):
            found.append(posixpath.normpath(posixpath.join("/", base, path))[1:])
    return found
