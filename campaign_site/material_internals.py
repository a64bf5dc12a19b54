"""The one place that reaches into mkdocs-material's internals, on the versions we tested.

The build shortcuts (blogspeed.py, templatecache.py) stand in for parts of
mkdocs-material as it is inside, not as it is documented: the blog plugin's
YAML loader (a name in ``material.plugins.blog.structure``), its list of
posts, each excerpt's ``render`` and Markdown parser, and the theme's
``partials/nav.html``, ``tabs.html``, ``search.html`` and ``language.html``
(wrapped or copied in ``theme_shortcuts/``). Any release may change those,
and a shortcut that no longer matches would change pages without a word.

So the installed version is read once, at import, and compared with the
minor versions the shortcuts were tested with (the ones pyproject.toml
allows). On any other version the build warns and takes the public path:
nothing is swapped or wrapped, the theme's partials are used as they are,
and the pages are the theme's own, only slower to build.
"""

from __future__ import annotations

from collections import Counter
from importlib import metadata
from pathlib import Path

import jinja2
import yaml
from mkdocs.plugins import get_plugin_logger

from . import blogspeed, templatecache

# Minor versions whose pages tests/site found byte-identical with and without shortcuts.
TESTED_MINORS = ("9.8",)
# What the build reports using, in this order (tests/site checks every one was used).
SHORTCUTS = (
    "front matter by libyaml",
    "posts found by identity",
    "story bodies dropped",
    "excerpts reused",
    "excerpts on one parser",
    "nav from cache",
    "tabs from cache",
    "search from cache",
    "words from cache",
)
PARTIALS = str(Path(__file__).resolve().parent / "theme_shortcuts")
UPSTREAM = "gs-upstream"  # our partials include the theme's own as gs-upstream/partials/...
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
_SEARCH_DIALOG_NAMED = _SEARCH_DIALOG.replace('role="dialog"', 'role="dialog" aria-label="Search"')

log = get_plugin_logger("campaign_site")


def _installed() -> str | None:
    try:
        return metadata.version("mkdocs-material")
    except metadata.PackageNotFoundError:
        return None


def _is_tested(installed: str | None) -> bool:
    if installed is not None and ".".join(installed.split(".")[:2]) in TESTED_MINORS:
        return True
    log.warning(
        "mkdocs-material %s is not a version the build shortcuts were tested with (%s): "
        "building without them, slower, same pages. To use them, add this version to "
        "TESTED_MINORS in %s and to pyproject.toml, and keep it if tests/site passes.",
        installed,
        ", ".join(TESTED_MINORS),
        __name__,
    )
    return False


INSTALLED = _installed()
TESTED = _is_tested(INSTALLED)


def name_the_search_dialog(html: str) -> str:
    """Give the theme's search overlay the name a dialog needs (axe-core: aria-dialog-name).

    Naming it in the page spares us a copy of the theme's partial. Matched by
    its exact markup: if a release changes it, nothing is replaced.
    """
    return html.replace(_SEARCH_DIALOG, _SEARCH_DIALOG_NAMED, 1)


class Shortcuts:
    """The build shortcuts for one build: all of them, or none."""

    def __init__(self, config, wanted: bool) -> None:
        self.off_because = None
        if not wanted:
            self.off_because = "shortcuts: false"
        elif not TESTED:
            self.off_because = f"mkdocs-material {INSTALLED} is untested"
        self.used: Counter = Counter()
        blog = config.plugins.get("material/blog")
        self._blog = blog if self.on and blog is not None and blog.config.enabled else None
        self._fragments = templatecache.FragmentCache(self.used)
        self._parser = None  # the first excerpt's, shared by all
        # Template folders to put in front of the theme's own.
        self.partials = [PARTIALS] if self.on else []
        if TESTED:
            _read_blog_front_matter_fast(self._blog is not None)

    @property
    def on(self) -> bool:
        return self.off_because is None

    def on_nav(self) -> None:
        if self._blog is None:
            return
        blog = self._blog.blog
        blog.posts = blogspeed.PostList(blog.posts)
        self.used["posts found by identity"] = len(blog.posts)
        if _blog_front_matter_loader() is not yaml.SafeLoader:
            self.used["front matter by libyaml"] = len(blog.posts)

    def on_env(self, env: jinja2.Environment, config) -> None:
        if not self.on:
            return
        dirs = config.theme.dirs
        upstream = jinja2.FileSystemLoader(dirs[dirs.index(PARTIALS) + 1 :])
        env.loader = jinja2.ChoiceLoader([env.loader, jinja2.PrefixLoader({UPSTREAM: upstream})])
        self._fragments.install(env)

    def on_story_markdown(self, page) -> None:
        """Wrap the excerpt the blog plugin has just made for this story."""
        excerpt = getattr(page, "excerpt", None)
        if self._blog is None or excerpt is None or "render" in vars(excerpt):
            return
        excerpt.render = blogspeed.ExcerptOncePerLinkClass(excerpt, excerpt.render, self.used)
        if self._parser is None:
            self._parser = excerpt.md
        excerpt.md = blogspeed.SharedParser(self._parser, excerpt.md)
        self.used["excerpts on one parser"] += 1

    def on_story_content(self, page) -> None:
        """The story's page is rendered: keep only what its excerpt needs."""
        if self._blog is None:
            return
        separator = self._blog.config.post_excerpt_separator
        shorter = blogspeed.without_the_body(page.markdown or "", separator)
        if shorter is not None:
            page.markdown = shorter
            self.used["story bodies dropped"] += 1

    def summary(self) -> str:
        if not self.on:
            return f"build shortcuts off ({self.off_because})"
        used = ", ".join(f"{name} {self.used[name]}" for name in SHORTCUTS)
        return f"build shortcuts used: {used}"


def _read_blog_front_matter_fast(fast: bool) -> None:
    """Set the loader the blog plugin reads story front matter with, for this build.

    A module attribute lives as long as the process, so it is set on every
    build: a build without shortcuts after one with them gets PyYAML's again.
    Our own check has read every file with libyaml already, so a story that
    either loader rejects has stopped the build before this.
    """
    from material.plugins.blog import structure

    structure.SafeLoader = (
        getattr(yaml, "CSafeLoader", yaml.SafeLoader) if fast else yaml.SafeLoader
    )


def _blog_front_matter_loader():
    from material.plugins.blog import structure

    return structure.SafeLoader
