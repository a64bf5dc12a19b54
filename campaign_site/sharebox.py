"""What the "Share this" box (partials/petition-share.html) shows under a petition,
a chart and a story: the page's share graphics to download (sharefiles.py says
where they are), the suggested post to copy, and the plain share links.

A petition's links are the API's own (petitions.share_links, one list for each
place that offers them); a chart's and a story's come from the same builder
(sharing.page_links) and lead to the chart on its statistics page or to the
story. The suggested post is the page's ``share.text`` when its front matter
has one, else words from the page itself, then the page's link.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Mapping

from petition_api.petitions import sharing

from .checks import page_folder
from .sharefiles import FORMATS, FORMATS_OF, LABELS, graphic_path

_BOX_PLACE = re.compile(r"<!-- gs-share-box: ([a-z0-9-]+) -->")


def downloads(
    kind: str, src_uri: str, chart_id: str | None = None, *, drawn: Mapping[str, str]
) -> list[dict]:
    """Each format ``kind`` (FORMATS_OF) the build ``drawn`` (path -> alt text,
    ShareGraphics.alts) gets: its file from the site's root, its label and pixel
    size, a name to save it as that says whose it is, and the words its og:image:alt
    gives. A box never offers a picture the site does not have (none at all with
    ``share_graphics: false``), nor describes one in other words than its tag."""
    name = posixpath.basename(page_folder(src_uri)) or "home"
    stem = f"{name}-{chart_id}" if chart_id else name
    return [
        {
            "format": fmt,
            "label": LABELS[fmt],
            "width": FORMATS[fmt][0],
            "height": FORMATS[fmt][1],
            "path": path,
            "filename": f"{stem}-{fmt}.png",
            "alt": drawn[path],
        }
        for fmt in FORMATS_OF[kind]
        if (path := graphic_path(src_uri, fmt, chart_id)) in drawn
    ]


def described(pictures: list[dict]) -> str:
    """What the box's pictures show (one graphic, in each format): its og:image:alt."""
    return pictures[0]["alt"] if pictures else ""


def words(meta: dict) -> str | None:
    """The page's own suggested post (front matter's ``share.text``), if it has one."""
    return (meta.get("share") or {}).get("text")


def chart_words(item) -> str:
    """A chart's headline number and what it says, as its graphic shows them
    ("Fewer than half of eligible children aged 1 to 4 get WIC."), then its source."""
    chart = item.chart
    said = " ".join(part for part in (item.headline_number, item.headline or chart.title) if part)
    stop = "" if said.endswith((".", "!", "?")) else "."
    return f"{said}{stop} Source: {chart.source}" if chart.source else f"{said}{stop}"


def box(links: list[dict], words: str, lead: str, **values) -> dict:
    """The partial's values: ``links`` (the place's list), the suggested post
    (``words``, then ``lead`` and the link to copy), and ``values`` named as the
    partial takes them without their ``share_`` (heading, id, downloads, alt, level,
    boxed)."""
    link = next(link for link in links if link["network"] == "link")
    return {
        "share": links,
        "share_text": sharing.post_text(words, link["url"], lead),
        **{f"share_{key}": value for key, value in values.items()},
    }


def chart_box(item, address: str, src_uri: str, meta: dict, drawn: Mapping[str, str]) -> dict:
    """Under a chart (``item``, a checks.DrawnChart): its graphics, and links to the
    chart on its page (``address``)."""
    chart = item.chart
    links = sharing.page_links(
        address,
        chart.title,
        f"{chart.title}\n\nSee the chart:",
        "Link to this chart",
        content=f"chart-{chart.id}",
        fragment=f"#chart-{chart.id}",
    )
    return box(
        [link._asdict() for link in links],
        words(meta) or chart_words(item),
        "",
        heading="Share this chart",
        id=f"gs-share-chart-{chart.id}",
        downloads=(pictures := downloads("statistic", src_uri, chart.id, drawn=drawn)),
        alt=described(pictures),
        boxed=True,
    )


def story_box(title: str, address: str, src_uri: str, meta: dict, drawn: Mapping[str, str]) -> dict:
    """At the end of a story: its graphics, and links to the story. The description is
    HTML (the theme writes it into a meta tag as it is; the API escapes a supporter's
    name in it), and the box's words are plain text."""
    description = html.unescape(meta.get("description") or "") or title
    links = sharing.page_links(
        address, title, f"{description}\n\nRead the story:", "Link to this story", "story-page"
    )
    return box(
        [link._asdict() for link in links],
        words(meta) or description,
        "",
        heading="Share this story",
        id="gs-share-story",
        downloads=(pictures := downloads("story", src_uri, drawn=drawn)),
        alt=described(pictures),
        level=2,
        boxed=True,
    )


def boxes(
    page,
    render: Callable[[dict], str],
    charts_drawn: list,
    address: str,
    meta: dict,
    story: bool,
    drawn: Mapping[str, str],
) -> str:
    """The page's HTML with a box after each of its ``charts_drawn`` (where ``marker``
    left room) and, for a ``story``, one at its end. ``render`` makes a box from its
    values; ``address`` is the page's; ``drawn``: the share graphics the build drew,
    as ``downloads`` takes them."""
    src_uri = page.file.src_uri
    charts = {item.chart.id: item for item in charts_drawn}
    shown = _BOX_PLACE.sub(
        lambda found: render(chart_box(charts[found.group(1)], address, src_uri, meta, drawn)),
        page.content,
    )
    if story:
        end = story_box(page.title or "", address, src_uri, meta, drawn)
        shown = f"{shown}\n{render(end)}"
    return shown


def marker(chart_id: str) -> str:
    """Where a chart's box goes (after its figure), until the page is rendered."""
    return f"<!-- gs-share-box: {chart_id} -->"
