"""The MkDocs events that turn validated content into the campaign site.

Loaded through ``hooks:`` in mkdocs.yml (see hooks.py) so no entry point or
plugin registry is needed. MkDocs keeps hook modules between builds in one
process, so every build starts from a fresh ``on_config``.
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import get_relative_url

from . import (
    blogspeed,
    charts,
    checks,
    drawcache,
    feed,
    petitions,
    sharecard,
    storysearch,
    templatecache,
)
from .states import STATES

DEFAULT_SHARE_IMAGE = "assets/share.png"
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
_SEARCH_DIALOG_NAMED = _SEARCH_DIALOG.replace('role="dialog"', 'role="dialog" aria-label="Search"')
_CHART_PLACE = re.compile(r"<!--\s*chart:\s*([a-z0-9-]+)\s*-->")


class ContentError(PluginError):
    """Raised with one ``file: field: what is wrong`` line per problem."""

    def __init__(self, problems: list[checks.Problem]):
        self.problems = problems
        lines = "\n".join(str(p) for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the content:\n{lines}")


class CampaignSite:
    def on_config(self, config):
        self.content = checks.Content()
        self.site = _site(config)
        self.petition_of_thanks: dict[str, checks.Petition] = {}
        self.stories: list[feed.Story] = []
        self.story_search: list[dict] = []
        self._summarised: set[str] = set()  # stories indexed by summary, not full text
        self._excerpt_parser: dict = {}
        self.fragments = templatecache.FragmentCache()
        blogspeed.read_front_matter_with_libyaml(config)
        return config

    def on_files(self, files: Files, config) -> Files:
        self.content = checks.check(self.site)
        if self.content.problems:
            raise ContentError(self.content.problems)
        cache = drawcache.cache_dir(config.config_file_path)
        self._add(files, config, DEFAULT_SHARE_IMAGE, _card(cache, config, config.site_description))
        for petition in self.content.petitions:
            thanks = checks.thanks_page(petition.page)
            self.petition_of_thanks[thanks] = petition
            if files.get_file_from_path(thanks) is None:
                # Reached from the form, never from the menus.
                files.append(
                    File.generated(
                        config,
                        thanks,
                        content=petitions.thanks_markdown(petition),
                        inclusion=InclusionLevel.NOT_IN_NAV,
                    )
                )
            self._add(
                files, config, _share_image(petition.page), _card(cache, config, petition.title)
            )
        for src_uri, drawn in self.content.charts.items():
            for item in drawn:
                svg = drawcache.drawn(
                    cache,
                    (item.chart, item.labels, item.series),
                    ".svg",
                    lambda item=item: charts.draw(item.chart, item.labels, item.series),
                )
                self._add(files, config, checks.chart_file(src_uri, item.chart.id), svg)
        return files

    def on_nav(self, nav, config, files):
        blogspeed.index_posts_by_identity(config)
        return nav

    def on_env(self, env, config, files):
        env.globals["gs_states"] = STATES
        self.fragments.install(env)
        cache = drawcache.cache_dir(config.config_file_path)
        if cache is not None and env.bytecode_cache is None:
            # Compiled templates kept between builds (Jinja checks each against its source).
            folder = cache.with_name("campaign_site_templates")
            folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
        return env

    def on_page_markdown(self, markdown, page, config, files):
        src_uri = page.file.src_uri
        meta = self.content.meta.get(src_uri, {})
        petition = self._petition_declared_by(src_uri)
        if petition:
            page.meta["petition"] = self._template_values(petition, files, config)
            # The signing panel needs the width the table of contents would take.
            page.meta["hide"] = sorted({*(page.meta.get("hide") or []), "toc"})
        thanked = self.petition_of_thanks.get(src_uri)
        if thanked:
            page.meta["thanks_for"] = self._template_values(thanked, files, config)
        if meta.get("image"):
            page.meta["share_image"] = meta["image"]
        elif petition or thanked:
            page.meta["share_image"] = _share_image((petition or thanked).page)
        else:
            page.meta["share_image"] = DEFAULT_SHARE_IMAGE
        story = self._is_story(src_uri) and not page.meta.get("draft")
        if story and storysearch.leave_out_of_full_text(page):
            self._summarised.add(src_uri)
        if story and self.fragments.enabled:
            blogspeed.convert_each_excerpt_once_per_link_class(page)
            blogspeed.share_one_parser(page, self._excerpt_parser)
        return markdown

    def on_page_content(self, html, page, config, files):
        src_uri = page.file.src_uri
        drawn = self.content.charts.get(src_uri)
        if drawn:
            html = self._place_charts(html, page, drawn)
        if self._is_story(src_uri) and not page.meta.get("draft"):
            self.stories.append(self._story(page))
            if src_uri in self._summarised:
                meta = self.content.meta.get(src_uri, {})
                entry = storysearch.entry(page, meta.get("description") or "", meta.get("tags"))
                self.story_search.append(entry)
            blogspeed.keep_only_the_excerpt(page, config)
        return html

    def on_post_page(self, output, page, config):
        # The theme's search overlay is a dialog without a name (axe-core:
        # aria-dialog-name); naming it here spares us a copy of the partial.
        return output.replace(_SEARCH_DIALOG, _SEARCH_DIALOG_NAMED, 1)

    def on_post_build(self, config):
        site_dir = config.site_dir
        _write(os.path.join(site_dir, "petitions.json"), self._manifest(config).encode())
        if self.site.story_dir:
            blog_dir = self.site.story_dir.split("/", 1)[0]
            body = feed.rss(
                f"{config.site_name}: stories",
                _absolute(config, f"{blog_dir}/"),
                config.site_description or "",
                self.stories,
            )
            _write(os.path.join(site_dir, blog_dir, "feed.xml"), body)
        storysearch.add_to_index(site_dir, self.story_search)

    # ---------------------------------------------------------------------

    @staticmethod
    def _add(files: Files, config, src_uri: str, content: str | bytes) -> None:
        files.append(File.generated(config, src_uri, content=content))

    def _petition_declared_by(self, src_uri: str) -> checks.Petition | None:
        return next((p for p in self.content.petitions if p.page == src_uri), None)

    def _template_values(self, petition: checks.Petition, files: Files, config) -> dict:
        page_file = files.get_file_from_path(petition.page)
        thanks_file = files.get_file_from_path(checks.thanks_page(petition.page))
        api_base = config.extra.get("api_base") or ""
        return petitions.template_values(
            petition, page_file.url, thanks_file.url, _base_path(config), api_base
        )

    def _place_charts(self, html: str, page, drawn: list[checks.DrawnChart]) -> str:
        figures = {}
        for item in drawn:
            src = get_relative_url(checks.chart_file(page.file.src_uri, item.chart.id), page.url)
            figures[item.chart.id] = charts.figure_html(item.chart, src, item.labels, item.series)
        placed = set()

        def place(match: re.Match) -> str:
            placed.add(match.group(1))
            return figures.get(match.group(1), match.group(0))

        html = _CHART_PLACE.sub(place, html)
        # Charts the editor did not place go at the end, in the order declared.
        rest = [figure for chart_id, figure in figures.items() if chart_id not in placed]
        return "\n".join([html, *rest])

    def _is_story(self, src_uri: str) -> bool:
        return bool(self.site.story_dir) and src_uri.startswith(f"{self.site.story_dir}/")

    def _story(self, page) -> feed.Story:
        meta = self.content.meta.get(page.file.src_uri, {})
        return feed.Story(
            title=page.title or "",
            url=page.canonical_url or page.abs_url or page.url,
            description=meta.get("description") or "",
            published=feed.as_datetime(meta["date"]),
            authors=tuple(self.content.authors.get(a, a) for a in meta.get("authors") or ()),
            categories=tuple(meta.get("categories") or ()),
        )

    def _manifest(self, config) -> str:
        base = _base_path(config)
        entries = []
        for petition in self.content.petitions:
            page = base + _page_url(config, petition.page)
            thanks = base + _page_url(config, checks.thanks_page(petition.page))
            entries.append((petition, page, thanks))
        return petitions.manifest(entries)


def _site(config) -> checks.Site:
    docs_dir = config.docs_dir
    config_dir = os.path.dirname(config.config_file_path or docs_dir)
    shown_as = os.path.relpath(docs_dir, config_dir).replace(os.sep, "/")
    blog = config.plugins.get("material/blog")
    story_dir = authors_file = None
    if blog is not None and blog.config.enabled:
        blog_dir = blog.config.blog_dir
        story_dir = blog.config.post_dir.format(blog=blog_dir)
        if blog.config.authors:
            authors_file = blog.config.authors_file.format(blog=blog_dir)
    return checks.Site(Path(docs_dir), shown_as, story_dir, authors_file)


def _base_path(config) -> str:
    """The path the site is served under: "/" or e.g. "/campaign/"."""
    return urlsplit(config.site_url or "/").path or "/"


def _page_url(config, src_uri: str) -> str:
    folder = checks.page_folder(src_uri)
    if config.use_directory_urls:
        return f"{folder}/" if folder else ""
    return posixpath.splitext(src_uri)[0] + ".html"


def _card(cache, config, headline: str | None) -> bytes:
    inputs = (config.site_name, headline or "")
    return drawcache.drawn(cache, inputs, ".png", lambda: sharecard.draw(*inputs))


def _share_image(page_src_uri: str) -> str:
    return posixpath.join(checks.page_folder(page_src_uri), "share.png")


def _absolute(config, path: str) -> str:
    return (config.site_url or "/").rstrip("/") + "/" + path


def _write(path: str, body: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(body)
