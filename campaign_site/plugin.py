"""The MkDocs plugin that turns validated content into the campaign site.

mkdocs.yml names it under ``plugins:`` as ``campaign-site`` (the entry point
in pyproject.toml), with the options in config.py. It puts its templates
(``theme/``) in front of mkdocs-material's, so a campaign needs only its
``content/`` and mkdocs.yml. MkDocs makes a new plugin object for every
build, and every rebuild under ``--serve``.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import jinja2
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from petition_api.states import STATES

from . import (
    chartfigures,
    checks,
    feed,
    home,
    kitpages,
    linkcheck,
    material_internals,
    pageurls,
    petitions,
    postkit,
    sharebox,
    sharegraphics,
    stories,
    storysearch,
    variantpages,
)
from .config import CampaignSiteConfig

THEME = str(Path(__file__).resolve().parent / "theme")
log = get_plugin_logger("campaign_site")


class ContentError(PluginError):
    """Raised with one ``file: field: what is wrong`` line per problem."""

    def __init__(self, problems: list[checks.Problem]):
        self.problems = problems
        lines = "\n".join(str(p) for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the content:\n{lines}")


class CampaignSitePlugin(BasePlugin[CampaignSiteConfig]):
    def on_config(self, config):
        if "api_base" in (config.extra or {}):
            # Ignoring it would point every form at the site's own host.
            raise PluginError(
                f"{config.config_file_path}: extra.api_base: moved to the campaign-site "
                "plugin's own option: under plugins, `- campaign-site:` then `api_base: ...`"
            )
        self.content = checks.Content()
        self.site = _site(config, self.config.story_page)
        self.cache = self._cache_dir(config)
        self.petition_of_thanks: dict[str, checks.Petition] = {}
        self.chart_figures = chartfigures.ChartFigures()
        self.stories: list[feed.Story] = []
        self.home_stories: list[home.Story] = []  # for the featured story
        self.story_search: list[dict] = []
        self._summarised: set[str] = set()  # stories indexed by summary, not full text
        self.shortcuts = material_internals.Shortcuts(config, self.config.shortcuts)
        _in_front_of_the_theme(config.theme, [*self.shortcuts.partials, THEME])
        return config

    def on_files(self, files: Files, /, *, config) -> Files:
        self.content = checks.check(self.site)
        posts = postkit.read(self.site, self.content, config.site_name)
        if self.content.problems:
            raise ContentError(self.content.problems)
        postkit.warn(posts, self.site, self.config)
        self.kit = kitpages.Kit(posts).added_to(files, config)
        pictures = self.cache / "pictures" if self.cache else None
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
        for thanks in sorted(self.content.story_thanks_missing):
            if files.get_file_from_path(thanks) is None:
                files.append(
                    File.generated(
                        config,
                        thanks,
                        content=stories.THANKS_PAGE,
                        inclusion=InclusionLevel.NOT_IN_NAV,
                    )
                )
        self.variants = variantpages.Pages().added_to(files, config, self.content, self.site)
        self._out_of_the_menus(files)
        stories.warn_of_story_page(self.content, self.site, self.config.story_page)
        for src_uri, drawn in self.content.charts.items():
            for item in drawn:
                chart_file = checks.chart_file(src_uri, item.chart.id)
                self.chart_figures.draw(files, config, pictures, chart_file, item)
        # Last: charts drawn, so a pool's workers start with matplotlib loaded.
        self.share = sharegraphics.ShareGraphics(config, pictures)
        self.share.plan(files, self.content, self.site, self.config.share_graphics)
        return files

    # After the blog plugin (priority -50) has built its list of posts.
    @event_priority(-100)
    def on_nav(self, nav, /, *, config, files):
        self.shortcuts.on_nav()
        if self.config.share_graphics:
            self.share.plan_stories(files, self.content, self.site)
        self.share.keep_in_place()
        self.kit.fill(files, config)  # now that every page has its address
        return nav

    def on_env(self, env, /, *, config, files):
        self.share.finish()  # before MkDocs writes the site's files
        env.globals["gs_states"] = STATES.items()
        env.globals["gs_not_found"] = petitions.not_found(config, self.content)  # 404.html
        # A generated file's URL from its path (the blog moves a post's files).
        env.filters["gs_file"] = lambda path: getattr(files.get_file_from_path(path), "url", path)
        self.env = env
        self.shortcuts.on_env(env, config)
        if self.cache is not None and env.bytecode_cache is None:
            # Compiled templates kept between builds (Jinja checks each against its source).
            folder = self.cache / "templates"
            folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
        return env

    # After the blog plugin (priority -50) has made the story's excerpt.
    @event_priority(-100)
    def on_page_markdown(self, markdown, /, *, page, config, files):
        src_uri = page.file.src_uri
        meta = self.content.meta.get(src_uri, {})
        petition, variant = self._petition_shown_on(src_uri)
        if petition:
            values = self._template_values(petition, files, config)
            if variant:
                values = self.variants.on_page(page, values, config, files)
            page.meta["petition"] = values
            # The signing panel needs the width the table of contents would take.
            page.meta["hide"] = sorted({*(page.meta.get("hide") or []), "toc"})
        form = self.content.story_forms.get(src_uri)
        if form:
            page.meta["story_form"] = self._story_form_values(form, config)
        else:
            page.meta.pop("story_form", None)
        if home.PETITION_CARDS.search(markdown):
            page.meta["petition_cards"] = self._petition_cards(files, config)
        thanked = self.petition_of_thanks.get(src_uri)
        if thanked:
            page.meta["thanks_for"] = self._template_values(thanked, files, config)
        page.meta["share_image"] = self._og_image(src_uri, meta)
        if self._is_story(page):
            if storysearch.leave_out_of_full_text(page):
                self._summarised.add(src_uri)
            self.shortcuts.on_story_markdown(page)
        return markdown

    def on_page_content(self, html, /, *, page, config, files):
        src_uri = page.file.src_uri
        if self.variants.get(src_uri):
            html = self.variants.placed(html, page, files)
        drawn = self.content.charts.get(src_uri)
        if drawn:
            html = self.chart_figures.place(html, page, drawn)
        if self._is_story(page):
            self.stories.append(self._story(page))
            meta = self.content.meta.get(src_uri, {})
            self.home_stories.append(home.story(page, meta, self.content.authors))
            if src_uri in self._summarised:
                meta = self.content.meta.get(src_uri, {})
                entry = storysearch.entry(page, meta.get("description") or "", meta.get("tags"))
                self.story_search.append(entry)
            self.shortcuts.on_story_content(page)
        return html

    def on_page_context(self, context, /, *, page, config, nav):
        """The story form after the page's text, whatever the template (a petition's,
        the blog's): rendered into the content, with the page's context for its links.
        After the search plugin (listed first) has indexed the text without it."""
        self.variants.lend_menus(page)
        if page.meta.get("story_form"):
            form = self.env.get_template("partials/story-form.html").render(context)
            page.content = f"{page.content or ''}\n{form}"
        if page.content:
            page.content = self._place_home_parts(page.content, context)
        end = self._is_story(page) and self._story_end(page, config)
        if end:
            ending = self.env.get_template("partials/story-end.html")
            page.content = f"{page.content or ''}\n{ending.render(context, gs_story_end=end)}"
        if page.content:  # after each chart, at a story's end; after search's index too
            box = self.env.get_template("partials/petition-share.html")
            page.content = sharebox.boxes(
                page,
                lambda values: box.render(context, **values),
                self.content.charts.get(page.file.src_uri, []),
                pageurls.absolute(config, page.url),
                self.content.meta.get(page.file.src_uri, {}),
                self._is_story(page),
                self.share.alts,
            )
        return context

    def on_post_page(self, output, /, *, page, config):
        self.variants.return_menus()
        return material_internals.name_the_search_dialog(output)

    # After the search plugin has written its index (stories are added to it).
    @event_priority(-100)
    def on_post_build(self, *, config):
        site_dir = config.site_dir
        manifest = petitions.site_manifest(config, self.content, self.config, self.share.alts)
        _write(os.path.join(site_dir, "petitions.json"), manifest.encode())
        if self.site.story_dir:
            blog_dir = self.site.story_dir.split("/", 1)[0]
            addresses = feed.addresses(blog_dir)
            body = feed.rss(
                f"{config.site_name}: stories",
                pageurls.absolute(config, f"{blog_dir}/"),
                config.site_description or "",
                self.stories,
                pageurls.absolute(config, addresses[0]),
            )
            for address in addresses:  # the same feed at its former address too
                _write(os.path.join(site_dir, *address.split("/")), body)
        storysearch.add_to_index(site_dir, self.story_search)
        # Last: every file the build writes is there to be linked to.
        linkcheck.check_built_site(config, self.config.api_base)
        log.info(self.shortcuts.summary())
        log.info(self.share.summary())

    def on_build_error(self, *, error):
        share = getattr(self, "share", None)
        if share is not None:
            share.close()

    # ---------------------------------------------------------------------

    def _og_image(self, src_uri: str, meta: dict) -> dict:
        """The page's og:image: an editor's ``image``, its own card, or the site's."""
        if meta.get("image"):
            alt = (meta.get("share") or {}).get("alt") or meta.get("description") or ""
            return {"path": meta["image"], "alt": alt}
        og = self.share.og.get(src_uri) or self.share.default
        return {"path": og.path, "width": og.width, "height": og.height, "alt": og.alt}

    def _out_of_the_menus(self, files: Files) -> None:
        """Thank-you pages an editor wrote are reached from a form, never from the menus,
        like the ones the build writes: MkDocs need not report them missing from nav."""
        thanks = {*self.petition_of_thanks, self.content.story_thanks}
        thanks |= {form.thanks_page for form in self.content.story_forms.values()}
        for src_uri in thanks - {None}:
            file = files.get_file_from_path(src_uri)
            if file is not None and file.inclusion is InclusionLevel.INCLUDED:
                file.inclusion = InclusionLevel.NOT_IN_NAV

    def _petition_shown_on(self, src_uri: str) -> tuple:
        """(the petition a page shows, the variant it shows or None): a petition's own
        page, or a page of one of its variants; (None, None) for any other page."""
        shown = self.variants.get(src_uri)
        if shown:
            return shown
        return next((p for p in self.content.petitions if p.page == src_uri), None), None

    def _cache_dir(self, config) -> Path | None:
        if not self.config.cache_dir:
            return None
        here = os.path.dirname(config.config_file_path or "mkdocs.yml")
        return Path(here, self.config.cache_dir).resolve()

    def _template_values(self, petition: checks.Petition, files: Files, config) -> dict:
        page_file = files.get_file_from_path(petition.page)
        thanks_file = files.get_file_from_path(checks.thanks_page(petition.page))
        return petitions.template_values(
            petition,
            page_file.url,
            thanks_file.url,
            pageurls.base_path(config),
            self.config.api_base,
            config.site_url,
            self.config.comment_share_consent,
            sharebox.words(self.content.meta.get(petition.page, {})),
            drawn=self.share.alts,
        )

    def _petition_cards(self, files: Files, config) -> list[dict]:
        return petitions.cards(
            [
                (
                    self._template_values(petition, files, config),
                    self.content.meta.get(petition.page, {}).get("description") or "",
                )
                for petition in self.content.petitions
            ]
        )

    def _place_home_parts(self, html: str, context) -> str:
        """The petition cards and featured story where the page marks them (home.py);
        after every page's content, so every story is known."""
        if home.PETITION_CARDS.search(html):
            cards = self.env.get_template("partials/petition-cards.html").render(context)
            html = home.place(html, home.PETITION_CARDS, cards)
        if home.FEATURED_STORY.search(html):
            chosen = home.featured(self.home_stories)
            told = chosen and self.env.get_template("partials/featured-story.html").render(
                context, gs_story=chosen
            )
            html = home.place(html, home.FEATURED_STORY, told or "")
        return html

    def _story_form_values(self, form: checks.StoryForm, config) -> dict:
        titles = {petition.slug: petition.title for petition in self.content.petitions}
        return stories.template_values(
            form,
            pageurls.base_path(config) + pageurls.page_url(config, form.page),
            self.config.api_base,
            stories.consents(self.config.story_consents),
            titles,
        )

    def _story_end(self, page, config) -> dict | None:
        """A supporter's story ends with a call to sign the petition it names."""
        told = page.meta.get("supporter_story")
        end = stories.story_end(
            told,
            self.content.petitions,
            lambda petition: pageurls.page_url(config, petition.page),
            self.config.story_page,
            datetime.date.today(),
        )
        if end and end["petition"] is None and told.get("petition"):
            log.warning(
                "%s: supporter_story.petition %r is not a petition of this site: the story "
                "ends with no button to sign",
                page.file.src_uri,
                told["petition"],
            )
        return end

    def _is_story(self, page) -> bool:
        """A published story (a draft is in no list, the feed or search)."""
        story_dir = self.site.story_dir
        if not story_dir or page.meta.get("draft"):
            return False
        return page.file.src_uri.startswith(f"{story_dir}/")

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


def _site(config, story_page: str) -> checks.Site:
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
    return checks.Site(Path(docs_dir), shown_as, story_dir, authors_file, story_page)


def _in_front_of_the_theme(theme, folders: list[str]) -> None:
    """Our templates before mkdocs-material's, and behind a campaign's own custom_dir."""
    at = 1 if theme.custom_dir else 0
    theme.dirs[at:at] = [folder for folder in folders if folder not in theme.dirs]


def _write(path: str, body: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(body)
