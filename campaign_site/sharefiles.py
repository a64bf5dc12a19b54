"""Where a page's share graphics live, one file per format.

The build draws them (campaign_site/graphics), the page's "Share this" box
offers each to download, its ``og:image`` names the link card, and the post
kit links the one a post uses: all of them take the address from here, so a
graphic is never announced at one path and written at another.
"""

from __future__ import annotations

import posixpath

from .checks import page_folder

# Pixel sizes: a link card as Facebook, X and LinkedIn show a shared link, a feed
# post at the tallest the feed shows (4:5), and a full-screen story (9:16).
FORMATS: dict[str, tuple[int, int]] = {
    "card": (1200, 630),
    "portrait": (1080, 1350),
    "vertical": (1080, 1920),
}
LABELS = {
    "card": "Link card, 1200 by 630",
    "portrait": "Feed post, 1080 by 1350",
    "vertical": "Story, 1080 by 1920",
}
# Which formats each kind of page gets: only a supporter's story fills a
# full-screen story frame; a petition's ask and a chart read best wider.
FORMATS_OF = {
    "petition": ("card", "portrait"),
    "statistic": ("card", "portrait"),
    "story": ("card", "portrait", "vertical"),
}


def graphic_path(page_src_uri: str, fmt: str, chart_id: str | None = None) -> str:
    """The graphic's file, from the site's root: petitions/wic.md, "card" ->
    petitions/wic/share/card.png; a statistic page's chart "coverage" ->
    statistics/wic-coverage/share/coverage-card.png."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown share graphic format {fmt!r}")
    name = f"{chart_id}-{fmt}.png" if chart_id else f"{fmt}.png"
    return posixpath.join(page_folder(page_src_uri), "share", name)
