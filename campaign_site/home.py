"""The home page's petition cards and featured story, placed where an editor marks them.

An editor writes ``<!-- petition cards -->`` and ``<!-- featured story -->`` on a
page (the sample's content/index.md does), and the build puts there a card for
each petition of the site (its count and progress come live from the API) and
the featured story: the newest story with ``featured: true`` in its front
matter, or the newest story when none has it. A page without the marks gets
neither, and a mark with nothing to show (no petitions, no stories) leaves nothing.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from . import feed

PETITION_CARDS = re.compile(r"<!--\s*petition cards\s*-->")
FEATURED_STORY = re.compile(r"<!--\s*featured story\s*-->")


@dataclass(frozen=True)
class Story:
    """A published story as the home page shows it."""

    url: str  # the page's URL from the site's root, as MkDocs gives it
    title: str
    description: str
    date: str  # as readers see it: November 20, 2026
    authors: tuple[str, ...]  # display names
    image: str | None  # the story's own share picture, path from the docs folder
    featured: bool
    published: datetime.datetime


def story(page, meta: dict, authors: dict[str, str]) -> Story:
    published = feed.as_datetime(meta["date"])
    return Story(
        url=page.url,
        title=page.title or "",
        description=meta.get("description") or "",
        date=f"{published:%B} {published.day}, {published.year}",
        authors=tuple(authors.get(name, name) for name in meta.get("authors") or ()),
        image=meta.get("image"),
        featured=bool(meta.get("featured")),
        published=published,
    )


def featured(stories: list[Story]) -> Story | None:
    """The newest story marked featured, or else the newest story."""
    marked = [s for s in stories if s.featured]
    return max(marked or stories, key=lambda s: (s.published, s.url), default=None)


def place(html: str, mark: re.Pattern, rendered: str) -> str:
    """``rendered`` where the editor put ``mark`` (every time they did)."""
    return mark.sub(lambda _match: rendered, html)
