"""Render the menus once for all the pages that get the same menus, look words up once.

mkdocs-material renders the navigation sidebar and the tabs into every page.
With thousands of stories that is most of the template time, yet every story
page gets the very same HTML: a story is never itself in the menus (the blog
makes its index the active entry), and every link in the menus is relative
to a story's folder in the same way (``../../../../petitions/``).

So ``partials/nav.html`` and ``partials/tabs.html`` in ``theme_shortcuts/``
wrap the theme's own partials in ``gs_cached``, which keeps the HTML under a
key made of everything those partials read from the page: the URL of each
menu link as the page's ``url`` filter writes it, and which entries are
active. A page that is itself in the menus (or one of the pages of a
paginated list in the menus) gets the theme's partial rendered as usual,
since its entry shows its own table of contents. ``partials/search.html``
(the search box) reads nothing from the page at all and is rendered once.

The theme also translates its few dozen interface words (``lang.t``) on every
page by building its whole table of words for each one;
``partials/language.html`` there keeps each answer for the rest of the build
(``gs_translated``) instead.

material_internals.py puts those partials in front of the theme's, and only
on the mkdocs-material versions they were written against.
"""

from __future__ import annotations

from collections import Counter

import jinja2

from . import relurls


class FragmentCache:
    def __init__(self, used: Counter) -> None:
        self._html: dict[tuple, str] = {}
        self._words: dict[str, str] = {}
        self._menus: _Menus | None = None
        self._last: tuple = (None, None)  # (page, key): nav and tabs ask for the same page
        self.used = used

    def install(self, env: jinja2.Environment) -> None:
        env.globals["gs_cached"] = self.cached
        env.globals["gs_translated"] = self.translated

    def translated(self, key, translate, fallback) -> str:
        """The theme's ``lang.t(key) or fallback.t(key) or key``, once per key and build."""
        if not isinstance(key, str):
            return translate(key) or fallback(key) or key
        words = self._words.get(key)
        if words is None:
            words = self._words[key] = translate(key) or fallback(key) or key
        else:
            self.used["words from cache"] += 1
        return words

    @property
    def cached(self):
        @jinja2.pass_context
        def gs_cached(context, name: str, caller, same_on_every_page: bool = False):
            key = () if same_on_every_page else self._key(context)
            if key is None:
                return caller()
            key = (name, key)
            html = self._html.get(key)
            if html is None:
                html = self._html[key] = caller()
            else:
                self.used[f"{name} from cache"] += 1
            return html

        return gs_cached

    def _key(self, context) -> tuple | None:
        page, nav = context.get("page"), context.get("nav")
        if page is None or nav is None or not isinstance(getattr(page, "url", None), str):
            return None
        if self._last[0] is page:
            return self._last[1]
        if self._menus is None or self._menus.nav is not nav:
            self._menus = _Menus(nav, context.get("config"))
        key = self._menus.key(page)
        self._last = (page, key)
        return key


class _Menus:
    """The menus' entries and link targets, gathered once per build."""

    def __init__(self, nav, config) -> None:
        self.nav = nav
        self.items: list = []
        self.in_menus: set[int] = set()  # ids of pages whose own entry is in the menus
        targets = [_homepage(nav, config), _logo(config)]
        stack = list(reversed(nav.items))
        while stack:
            item = stack.pop()
            self.items.append(item)
            self.in_menus.add(id(item))
            pages = getattr(item, "pages", None)  # the pages of a blog list, shown as its entry
            if isinstance(pages, list):
                self.in_menus.update(id(p) for p in pages)
            targets.append(getattr(item, "url", None))
            stack.extend(reversed(getattr(item, "children", None) or []))
        self.prefixes = relurls.prefixes(targets)

    def key(self, page) -> tuple | None:
        """What the menus of ``page`` depend on, or None if the page is in them.

        The menus' links depend on the page's URL only as relurls.link_class
        says; the rest is which entries are active.
        """
        if id(page) in self.in_menus:
            return None
        active = tuple(bool(item.active) for item in self.items)
        return relurls.link_class(page.url, self.prefixes), active


def _homepage(nav, config) -> str | None:
    extra = (config or {}).get("extra") or {}
    homepage = getattr(nav, "homepage", None)
    return extra.get("homepage") or (homepage.url if homepage is not None else None)


def _logo(config) -> str | None:
    theme = (config or {}).get("theme")
    return theme["logo"] if theme is not None and "logo" in theme else None
