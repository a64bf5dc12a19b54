"""After the build: every internal link, image, stylesheet, script and share image in
the built site leads to a file the build wrote.

MkDocs checks the links editors write in Markdown (``validation:`` in mkdocs.yml).
This reads what the pages hold once built, whoever wrote it: a template, raw HTML in
a story (``<img src="photo.jpg">`` on a story's own page, where it names nothing),
another plugin. A URL is the site's to check when it is relative, starts with ``/``,
or is absolute on site_url's host and path; then it must name a file in site_dir
(a folder: its index.html), and ``#fragment`` an id on that page. Everything else
is left alone: other hosts (never fetched), ``mailto:`` and the like, paths on the
same host outside site_url's path, and the petition API's paths (API_PATHS).

Stylesheets' ``url()`` are checked too. Pages are scanned with regular expressions,
not html.parser: on 1,000 stories (1,179 pages, a 7.9 s build) html.parser alone took
2.7 s of CPU, this whole check 0.7 s. The pages are generated HTML: start tags,
comments and script bodies are all that need telling apart.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from . import staging

log = get_plugin_logger("campaign_site")

# What the petition API answers on the site's origin (the proxy passes these to it:
# docs/pages/production.md): petition_api/site.py's API_PATHS and the staff console. Links
# there are the API's, not files of the site. tests/site checks this against the
# app's routes, so the build never imports Flask.
API_PATHS = (
    "api/",
    "confirm/",
    "confirm-story/",
    "story-permission/",
    "unsubscribe/",
    "preferences/",
    "admin/",
)

# Each tag's attributes that load or lead to something; srcset holds several URLs.
_URL_ATTRIBUTES = {
    "a": ("href",),
    "area": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "link": ("href", "imagesrcset"),
    "script": ("src",),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
}
_SRCSET = {"srcset", "imagesrcset"}
_WHAT = {tag: [(a, f"{tag}[{a}]") for a in names] for tag, names in _URL_ATTRIBUTES.items()}
# Share cards: what a post on social media shows for a page.
_IMAGE_META = {"og:image", "og:image:url", "og:image:secure_url", "twitter:image"}
_DEFAULT_PORTS = {"http": "80", "https": "443"}

# A comment, a script or style element (its body is not markup: a "<a href" in a
# script is a string), or the start tag of an element that holds URLs. Possessive
# (++, *+): a stray quote fails the tag at once instead of backtracking without end.
_MARKUP = re.compile(
    r"<(?:!--.*?-->"
    r"|((?i:script|style))(?=[\s/>])((?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+)>.*?</\1\s*>"
    rf"|((?i:{'|'.join(sorted([*_URL_ATTRIBUTES, 'meta'], key=len, reverse=True))}))"
    r"(?=[\s/>])((?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+)>)",
    re.S,
)
_VALUE = r"""\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))"""
_READ = {a for names in _URL_ATTRIBUTES.values() for a in names} | {"property", "name", "content"}
_ATTRIBUTE = {name: re.compile(rf"(?:^|\s)(?i:{re.escape(name)}){_VALUE}") for name in _READ}
# Every id a page holds, and a few look-alikes (data-id=): a fragment is missing only
# when nothing on the page could be it. Cheap: 0.02 s over 1,179 pages.
_ID = re.compile(rf"id{_VALUE}")
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""")


@dataclass(frozen=True)
class Broken:
    """A URL in the built site that resolves to nothing."""

    page: str  # the file that holds it, as the editor sees it: site/about/index.html
    what: str  # where in the page: img[src], meta[property=og:image], url()
    target: str  # the URL as written there
    elsewhere: int = 0  # how many other pages hold the same broken target

    def __str__(self) -> str:
        line = f"{self.page}: {self.what} {self.target}: resolves to nothing"
        if self.elsewhere:
            pages = "page" if self.elsewhere == 1 else "pages"
            line += f" (and on {self.elsewhere:,} other {pages})"
        return line


class BrokenLinks(PluginError):
    """Raised under --strict with one ``page: tag[attribute] target: resolves to nothing``
    line per broken target."""

    def __init__(self, broken: list[Broken]):
        self.broken = broken
        lines = "\n".join(str(b) for b in broken)
        super().__init__(f"{len(broken)} link(s) in the built site resolve to nothing:\n{lines}")


def check_built_site(config, api_base: str) -> None:
    """After the build (on_post_build): under --strict a broken target fails the build,
    as a content error does; otherwise each is a warning."""
    broken = check(config.site_dir, config.site_url, api_base, _shown(config))
    if broken and config.strict:
        raise BrokenLinks(broken)
    for problem in broken:
        log.warning(str(problem))


def _shown(config) -> str:
    """site_dir as the editor knows it: from mkdocs.yml's folder when inside it."""
    here = os.path.dirname(config.config_file_path or "mkdocs.yml") or "."
    site_dir = staging.final(config.site_dir)
    shown = os.path.relpath(site_dir, here)
    if shown == ".." or shown.startswith(f"..{os.sep}"):
        return site_dir.replace(os.sep, "/")
    return shown.replace(os.sep, "/")


class _Site:
    """The built files, and how a URL on one of the site's pages names one of them."""

    def __init__(self, site_dir: str, site_url: str | None, api_base: str):
        self.files, self.folders = _walk(site_dir)
        site = urlsplit(site_url or "/")
        self.origin = (site.scheme.lower(), _host(site))
        self.base = site.path if site.path.endswith("/") else site.path + "/"
        api = urlsplit(api_base)
        api_here = not api.netloc or (api.scheme.lower(), _host(api)) == self.origin
        api_root = api.path.rstrip("/") + "/" if api_here else None
        self.api_prefixes = tuple(api_root + path for path in API_PATHS) if api_root else ()
        # Pages in one folder share most links (the menus): each is resolved once.
        self._resolved: dict[tuple[str, str], tuple[str, str] | None] = {}

    def resolve(self, url: str, page: str, folder: str) -> tuple[str, str] | None:
        """(file in site_dir, fragment) that ``url`` on ``page`` (a file in site_dir, in
        ``folder``) names, or None when it is not the site's to check."""
        if url.startswith(("#", "?")):  # this page
            return page, unquote(url.partition("#")[2])
        while url.startswith("../") and folder:
            # The same target from any folder this deep: the menus' links on every story.
            url, folder = url[3:], folder.rpartition("/")[0]
        key = (url, folder)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(url, folder)
        return self._resolved[key]

    def _resolve(self, url: str, folder: str) -> tuple[str, str] | None:
        try:
            parts = urlsplit(url)
            origin = (parts.scheme.lower() or self.origin[0], _host(parts))
        except ValueError:  # not a URL a browser would follow (a bad port, say)
            return None
        if parts.scheme or parts.netloc:
            if origin != self.origin:
                return None
            path = parts.path or "/"
        elif parts.path.startswith("/"):
            path = parts.path
        else:
            path = self.base + (f"{folder}/" if folder else "") + parts.path
        path = unquote(path)
        wants_folder = path.endswith("/") or posixpath.basename(path) in (".", "..")
        path = posixpath.normpath(path).replace("//", "/")
        path = path.rstrip("/") + "/" if wants_folder or path == "/" else path
        if path.startswith(self.api_prefixes) or not (path + "/").startswith(self.base):
            return None
        return self._file(path[len(self.base) :]), unquote(parts.fragment)

    def _file(self, site_path: str) -> str:
        """The file a server answers with: a folder (with or without its slash) gives
        its index.html, as MkDocs' pages and our development server expect."""
        folder = site_path.rstrip("/")
        if site_path.endswith("/") or site_path == "" or folder in self.folders:
            return f"{folder}/index.html" if folder else "index.html"
        return site_path


class _Findings:
    """Broken targets, each with the first page that holds it and how many others do."""

    def __init__(self, shown_as: str):
        self.shown_as = shown_as
        self.first: dict[tuple[str, str, str], Broken] = {}

    def add(self, page: str, what: str, url: str, key: tuple[str, str, str]) -> None:
        known = self.first.get(key)
        if known is None:
            self.first[key] = Broken(f"{self.shown_as}/{page}", what, url)
        else:
            self.first[key] = replace(known, elsewhere=known.elsewhere + 1)

    def sorted(self) -> list[Broken]:
        not_found_page = f"{self.shown_as}/404.html"
        return sorted(self.first.values(), key=lambda b: (b.page == not_found_page, b.page))


def check(site_dir: str, site_url: str | None, api_base: str, shown_as: str) -> list[Broken]:
    """Every URL in site_dir's pages and stylesheets that resolves to nothing, one per
    target; ``shown_as`` is site_dir as the editor names it (e.g. "site")."""
    site = _Site(site_dir, site_url, api_base)
    ids: dict[str, set[str]] = {}  # each page read so far: its ids
    later: list[tuple[str, str, str, str, str]] = []  # fragments of pages not read yet
    findings = _Findings(shown_as)
    # The theme's 404 page last: a target missing from every page is named on a page
    # the editor knows.
    pages = sorted((p for p in site.files if p.endswith((".html", ".css"))), key=_reading_order)
    for page in pages:
        text = _read(os.path.join(site_dir, page))
        folder = page.rpartition("/")[0]
        if page.endswith(".html"):
            ids[page] = _ids(text)
            references = _page_references(text)
        else:
            references = (("url()", url) for url in _css_urls(text))
        for what, url in references:
            named = site.resolve(url, page, folder)
            if named is None:
                continue
            file, fragment = named
            if file not in site.files:
                findings.add(page, what, url, (what, file, ""))
            elif _always_there(fragment) or not file.endswith(".html"):
                continue
            elif file not in ids:
                later.append((page, what, url, file, fragment))
            elif fragment not in ids[file]:
                findings.add(page, what, url, (what, file, fragment))
    for page, what, url, file, fragment in later:
        if fragment not in ids[file]:
            findings.add(page, what, url, (what, file, fragment))
    return findings.sorted()


def _reading_order(path: str) -> tuple[bool, str]:
    return path == "404.html", path


def _always_there(fragment: str) -> bool:
    """No fragment, "#top" (the page's top, with or without an id) or a text fragment."""
    return not fragment or fragment.lower() == "top" or fragment.startswith(":~:")


def _page_references(text: str) -> Iterator[tuple[str, str]]:
    """(tag[attribute], URL) for every URL in a page that loads or leads somewhere."""
    for match in _MARKUP.finditer(text):
        tag = (match.group(1) or match.group(3) or "").lower()
        if tag in ("", "style"):  # a comment, or a style element
            continue
        attributes = match.group(2) or match.group(4) or ""
        if tag == "meta":
            yield from _meta_image(attributes)
            continue
        for name, what in _WHAT[tag]:
            value = _attribute(attributes, name)
            if not value:
                continue
            if name in _SRCSET:
                for url in _srcset_urls(value):
                    yield what, url
            else:
                yield what, value


def _meta_image(attributes: str) -> Iterator[tuple[str, str]]:
    for key in ("property", "name"):
        kind = _attribute(attributes, key).lower()
        if kind in _IMAGE_META:
            url = _attribute(attributes, "content")
            if url:
                yield f"meta[{key}={kind}]", url


def _attribute(attributes: str, name: str) -> str:
    """An attribute's value, its character references decoded; "" when it has none."""
    match = _ATTRIBUTE[name].search(attributes)
    if match is None:
        return ""
    value = match.group(match.lastindex)  # the one of its three forms that matched
    return (html.unescape(value) if "&" in value else value).strip()


def _srcset_urls(value: str) -> list[str]:
    """The URLs in a srcset, "a.png 1x, b.png 2x", read as browsers do: a URL runs to
    the next space (a comma inside it, as in data: URLs, is part of it; one at its end
    is not), then descriptors run to the next comma."""
    urls, at = [], 0
    while at < len(value):
        start = at
        while start < len(value) and (value[start].isspace() or value[start] == ","):
            start += 1
        end = start
        while end < len(value) and not value[end].isspace():
            end += 1
        url = value[start:end]
        if url.endswith(","):
            url, at = url.rstrip(","), end
        else:
            comma = value.find(",", end)
            at = len(value) if comma < 0 else comma + 1
        if url:
            urls.append(url)
    return urls


def _ids(text: str) -> set[str]:
    return {html.unescape(m.group(m.lastindex)) for m in _ID.finditer(text)}


def _css_urls(text: str) -> Iterator[str]:
    for match in _CSS_URL.finditer(text):
        url = (match.group(match.lastindex) if match.lastindex else "").strip()
        if url and not url.startswith("data:"):
            yield url


def _read(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def _walk(site_dir: str) -> tuple[set[str], set[str]]:
    files, folders = set(), set()
    for root, dirs, names in os.walk(site_dir):
        here = os.path.relpath(root, site_dir).replace(os.sep, "/")
        prefix = "" if here == "." else f"{here}/"
        folders.update(prefix + d for d in dirs)
        files.update(prefix + n for n in names)
    return files, folders


def _host(parts) -> str:
    """host[:port] in lower case, without the scheme's default port."""
    host = (parts.hostname or "").lower()
    port = parts.port
    if port is None or str(port) == _DEFAULT_PORTS.get(parts.scheme.lower()):
        return host
    return f"{host}:{port}"
