"""The pages of a petition's variants (variants.py), among the site's files.

Each variant page's Markdown is the petition page's text under front matter of its
own, written beside the petition page's file (petitions/wic.v.babies.md), so
MkDocs resolves its links and pictures from the same folder, and served at the
variant's address (petitions/wic/v/babies/). It is in no menu (NOT_IN_NAV), out
of search (``search: exclude``) and sitemap.xml (``robots: noindex``, which
main.html writes into the head with ``gs:variant``); its canonical link is the
petition page, while its ``og:url`` stays its own, so a network that reads the
variant's address shows the variant's card.
"""

from __future__ import annotations

import html
import os
import posixpath
import re

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import get_relative_url

from . import frontmatter, pageurls
from .checks import Content, Petition, Site, page_folder
from .variants import Variant

# What a variant page keeps of its petition page's front matter: how it is laid out.
KEPT_META = ("template", "hide")

# The page's own heading: its tag (with the id its anchor and the contents link
# name), its words, and the permalink Markdown's toc extension adds.
_H1 = re.compile(r'(<h1\b[^>]*>)(.*?)(<a class="headerlink".*?</a>)?</h1>', re.S)
_HEADING = re.compile(r"<h[1-6]\b")
# A picture on its own: Markdown's ![alt](file) (linked or not), or a figure.
_PICTURE = re.compile(
    r"<p>\s*(?:<a\b[^>]*>\s*)?<img\b[^>]*>\s*(?:</a>\s*)?</p>|<figure\b.*?</figure>", re.S
)


def source(petition_page: str, name: str) -> str:
    """The variant page's Markdown among the site's files, beside the petition page's
    so its links lead where that page's do: petitions/wic.md -> petitions/wic.v.babies.md."""
    return f"{petition_page.removesuffix('.md')}.v.{name}.md"


def address_source(petition_page: str, name: str) -> str:
    """Where the variant is served, as a page's file: petitions/wic.md ->
    petitions/wic/v/babies.md (its URL petitions/wic/v/babies/, its share graphics
    in petitions/wic/v/babies/share/)."""
    return posixpath.join(page_folder(petition_page), "v", f"{name}.md")


def markdown(docs_dir, petition_page: str, meta: dict, variant: Variant) -> str:
    """The variant page's source: the petition page's text under its own front matter
    (the headline as title, the lead as description; out of search; search engines
    asked to leave it out)."""
    text = (docs_dir / petition_page).read_text(encoding="utf-8")
    body = frontmatter.split(text)[1]
    front = {key: meta[key] for key in KEPT_META if meta.get(key)}
    front |= {
        "title": variant.headline,
        "description": variant.lead or meta.get("description") or "",
        "robots": "noindex",
        "search": {"exclude": True},
    }
    return f"---\n{yaml.safe_dump(front, allow_unicode=True, sort_keys=False)}---\n{body}"


def place(content: str, variant: Variant, image_url: str | None) -> str:
    """The petition page's HTML with the variant's headline (where the page has its own
    ``# heading``), lead and picture in place of what the page says before its first
    heading: its opening words and its opening picture. What the variant leaves out
    stays the petition page's."""
    start = 0
    h1 = _H1.search(content)
    if h1 and not _HEADING.search(content, 0, h1.start()):
        tag, _, permalink = h1.groups()
        heading = f"{tag}{html.escape(variant.headline)}{permalink or ''}</h1>"
        content = content[: h1.start()] + heading + content[h1.end() :]
        start = h1.start() + len(heading)
    after = _HEADING.search(content, start)
    end = after.start() if after else len(content)
    opening = content[start:end]
    pictures = _PICTURE.findall(opening)
    words = _PICTURE.sub("", opening).strip()
    if variant.lead:
        # A paragraph as the petition page's are, so the test compares words, not looks.
        words = f"<p>{html.escape(variant.lead)}</p>"
    if variant.image:
        alt = html.escape(variant.image_alt or "")
        pictures = [f'<p><img src="{html.escape(image_url or "")}" alt="{alt}"></p>']
    picture_first = bool(_PICTURE.match(opening.lstrip()))
    parts = [*pictures, words] if picture_first else [words, *pictures]
    opened = "\n".join(part for part in parts if part)
    before = f"{content[:start]}\n" if start else ""
    return f"{before}{opened}\n{content[end:]}" if opened else content


class Pages:
    """The site's variant pages, by the src_uri of their Markdown."""

    def __init__(self) -> None:
        self.of: dict[str, tuple[Petition, Variant]] = {}
        self._petition_pages: dict[str, object] = {}  # the petition's Page, by variant src_uri
        self._lent = None  # the petition's Page while a variant page is drawn

    def added_to(self, files: Files, config, content: Content, site: Site) -> Pages:
        for petition in content.petitions:
            meta = content.meta.get(petition.page, {})
            for variant in petition.variants:
                src_uri = source(petition.page, variant.name)
                at = address_source(petition.page, variant.name)
                for taken in (src_uri, at):  # its Markdown's place, and its page's
                    if files.get_file_from_path(taken) is not None:
                        raise PluginError(
                            f"{site.shown_as}/{taken}: the build writes variant "
                            f"{variant.name!r} of {petition.page} there: rename this file"
                        )
                text = markdown(site.docs_dir, petition.page, meta, variant)
                hidden = InclusionLevel.NOT_IN_NAV
                file = File.generated(config, src_uri, content=text, inclusion=hidden)
                _serve_at(file, config, at)
                files.append(file)
                self.of[src_uri] = (petition, variant)
        return self

    def get(self, src_uri: str) -> tuple[Petition, Variant] | None:
        return self.of.get(src_uri)

    def on_page(self, page, values: dict, config, files: Files) -> dict:
        """The petition partials' ``values`` for the variant's page: the form sends its
        name and its page; the page points search engines at the petition page."""
        petition, variant = self.of[page.file.src_uri]
        self._petition_pages[page.file.src_uri] = files.get_file_from_path(petition.page).page
        page.meta["gs_variant"] = variant.name
        page.meta["og_url"] = pageurls.absolute(config, page.url)
        page.canonical_url = pageurls.absolute(config, files.get_file_from_path(petition.page).url)
        return values | {
            "variant": variant.name,
            "page_path": pageurls.base_path(config) + page.url,
        }

    def lend_menus(self, page) -> None:
        """While a variant page is drawn, the menus show it as its petition page's (that
        tab and section open, on_page_context), so the two differ only in their words;
        ``return_menus`` (on_post_page) puts them back."""
        self._lent = self._petition_pages.get(page.file.src_uri)
        if self._lent is not None:
            self._lent.active = True

    def return_menus(self) -> None:
        if self._lent is not None:
            self._lent.active = False
            self._lent = None

    def placed(self, content: str, page, files: Files) -> str:
        _, variant = self.of[page.file.src_uri]
        image = files.get_file_from_path(variant.image) if variant.image else None
        return place(content, variant, get_relative_url(image.url, page.url) if image else None)


def _serve_at(file: File, config, address: str) -> None:
    """The generated page at the variant's address, not beside its Markdown."""
    url = pageurls.page_url(config, address)
    file.url = url
    file.dest_uri = f"{url}index.html" if url.endswith("/") else url
    file.abs_dest_path = os.path.normpath(os.path.join(config.site_dir, file.dest_uri))
