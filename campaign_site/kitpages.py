"""The post kit the build writes for the social team: site/post-kit/.

An index of days, a page per day with each post's words to copy, its graphic to
download and its tagged link, and posts.csv with the same rows for a scheduling
tool. The pages are MkDocs pages in the site's theme (post-kit.html), out of the
menus, the search index and sitemap.xml, and ask search engines not to index
them (``robots: noindex``); they are not secret, only unlisted.

The files are added with the others (``files``), and their words written once
MkDocs knows every page's address (``fill``, from the plugin's on_nav): a
story's address is the blog plugin's to make.
"""

from __future__ import annotations

import csv
import datetime
import html
import io
import itertools
from dataclasses import dataclass
from urllib.parse import urlencode

from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import get_relative_url

from . import networks, pageurls, sharefiles
from .postkit import Post

FOLDER = "post-kit"
INDEX = f"{FOLDER}/index.md"
CSV = f"{FOLDER}/posts.csv"
# What a scheduler imports (Buffer, Hootsuite, Meta Business Suite map columns by name).
COLUMNS = ("date", "network", "text", "link", "image_url", "post_id", "variant")
THUMBNAIL_WIDTH = 240
log = get_plugin_logger("campaign_site")
FRONT_MATTER = """\
---
title: "{title}"
template: post-kit.html
robots: noindex
search:
  exclude: true
---
"""


@dataclass(frozen=True)
class Row:
    """A version of a post, as its day's page shows it and posts.csv lists it."""

    post: Post
    variant: str  # "", or a message test's a, b, ...
    content: str  # utm_content
    text: str
    link: str  # the page's address, tagged
    graphic: str | None  # the graphic's path from the site's root
    image_url: str  # its address; "" for a post without one


def day_page(day: datetime.date) -> str:
    return f"{FOLDER}/{day.isoformat()}.md"


def long_day(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


class Kit:
    def __init__(self, posts: list[Post]):
        self.posts = posts
        self.days = sorted({post.date for post in posts})

    def added_to(self, files: Files, config) -> Kit:
        """The kit's pages and CSV among the site's files, empty until ``fill``; none
        when no page has posts."""
        if not self.posts:
            return self
        for page in [INDEX, *(day_page(day) for day in self.days)]:
            hidden = InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, page, content="", inclusion=hidden))
        files.append(File.generated(config, CSV, content=b""))
        return self

    def fill(self, files: Files, config) -> None:
        if not self.posts:
            return
        rows = self.rows(files, config)
        _say_graphics_left_out(self.posts, rows)
        files.get_file_from_path(INDEX).content_string = self._index(rows)
        by_day = itertools.groupby(rows, key=lambda row: row.post.date)
        for day, shown in by_day:
            page = day_page(day)
            at = pageurls.page_url(config, page)
            files.get_file_from_path(page).content_string = _day(day, list(shown), at, config)
        files.get_file_from_path(CSV).content_bytes = as_csv(rows).encode("utf-8")

    def rows(self, files: Files, config) -> list[Row]:
        rows = []
        for post in self.posts:
            page = pageurls.absolute(config, files.get_file_from_path(post.links_to).url)
            graphic = _graphic_url(files, post.graphic)
            image = pageurls.absolute(config, graphic) if graphic else ""
            for variant, content, text in post.versions():
                tags = {
                    "utm_source": post.network,
                    "utm_medium": "social",
                    "utm_campaign": post.campaign,
                    "utm_content": content,
                }
                link = f"{page}?{urlencode(tags)}"
                rows.append(Row(post, variant, content, text, link, graphic, image))
        return rows

    def _index(self, rows: list[Row]) -> str:
        lines = [
            FRONT_MATTER.format(title="Post kit"),
            "# Post kit",
            "",
            "Each day's posts for the social team: the words to copy, the graphic to",
            "download and the link, tagged so the dashboard counts the signatures each",
            "post brings. The same rows are in [posts.csv](posts.csv) for a scheduling",
            f"tool ({', '.join(COLUMNS)}).",
            "",
            "These pages are in no menu and ask search engines to leave them out, but",
            "they are not secret: anyone with the address can read them.",
            "",
            "| Day | Posts | Networks |",
            "| --- | --- | --- |",
        ]
        for day in self.days:
            posts = [row for row in rows if row.post.date == day]
            names = sorted({networks.NETWORKS[row.post.network].name for row in posts})
            link = f"[{long_day(day)}]({day.isoformat()}.md)"
            lines.append(f"| {link} | {len(posts)} | {', '.join(names)} |")
        return "\n".join(lines) + "\n"


def as_csv(rows: list[Row]) -> str:
    """RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote or line
    break quoted. A text that starts like a formula never gets here (postkit.py)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        post = row.post
        writer.writerow(
            (post.date.isoformat(), post.network, row.text, row.link, row.image_url, post.id,
             row.variant)
        )  # fmt: skip
    return out.getvalue()


def _graphic_url(files: Files, path: str | None) -> str | None:
    """Where the graphic is served: the blog plugin moves a story's files out of its
    posts folder (stories/posts/x/share/card.png -> stories/x/share/card.png), so a
    graphic the build added to the files is where MkDocs put it. None when the build
    drew none (``share_graphics: false``)."""
    made = files.get_file_from_path(path) if path else None
    return made.url if made else None


def _say_graphics_left_out(posts: list[Post], rows: list[Row]) -> None:
    """One warning for the posts whose graphic the build did not draw: the kit lists
    them without it rather than link a picture that is not there."""
    left_out = {row.post.id for row in rows if row.post.graphic and not row.graphic}
    if left_out:
        log.warning(
            "post kit: %d of %d posts name a graphic, and share_graphics is false, so "
            "the build draws none: they are listed without one",
            len(left_out),
            len(posts),
        )


def _day(day: datetime.date, rows: list[Row], at: str, config) -> str:
    title = f"Posts for {long_day(day)}"
    lines = [FRONT_MATTER.format(title=title), f"# {title}", ""]
    lines.append(f"[All days](index.md) · {len(rows)} to post · also in [posts.csv](posts.csv)")
    for post, versions in itertools.groupby(rows, key=lambda row: row.post):
        network = networks.NETWORKS[post.network]
        lines += ["", f"## {post.id} on {network.name}", "", _post_html(list(versions), at)]
    return "\n".join(lines) + "\n"


def _post_html(rows: list[Row], at: str) -> str:
    """Raw HTML (Markdown passes it through): one block, no blank line inside it."""
    e = html.escape
    post = rows[0].post
    parts = ['<div class="gs-kit-post">']
    if rows[0].graphic:
        src = e(get_relative_url(rows[0].graphic, at))
        width, height = sharefiles.FORMATS[post.fmt]
        label = sharefiles.LABELS[post.fmt]
        thumb_height = round(THUMBNAIL_WIDTH * height / width)
        parts.append(
            f'<figure class="gs-kit-graphic"><a href="{src}" download>'
            f'<img src="{src}" alt="{e(label)}: the share graphic of {e(post.page)}" '
            f'width="{THUMBNAIL_WIDTH}" height="{thumb_height}" loading="lazy"></a>'
            f'<figcaption><a href="{src}" download>Download the {e(label.lower())}</a>'
            "</figcaption></figure>"
        )
    parts.append('<div class="gs-kit-words">')
    parts.append(
        f'<p class="gs-kit-about">{e(post.date.isoformat())} · '
        f"{e(networks.NETWORKS[post.network].name)} · "
        f"campaign <code>{e(post.campaign)}</code></p>"
    )
    for row in rows:
        parts.append(_version_html(row))
    parts.append("</div></div>")
    return "\n".join(parts)


def _version_html(row: Row) -> str:
    e = html.escape
    name = f"{row.content}".replace(".", "-")
    heading = f"Variant {row.variant.upper()}" if row.variant else "Text"
    # A line break would end Markdown's raw block: written as a character reference.
    text = e(row.text).replace("\n", "&#10;")
    rows = min(8, 2 + len(row.text) // 60 + row.text.count("\n"))
    return (
        f'<div class="gs-kit-version"><label for="{name}-text">{heading}</label>'
        f'<textarea id="{name}-text" readonly rows="{rows}">{text}</textarea>'
        f'<p class="gs-kit-count">{e(_count(row))}</p>'
        f'<label for="{name}-link">Link (utm_content <code>{e(row.content)}</code>)</label>'
        f'<input id="{name}-link" type="url" readonly value="{e(row.link)}">'
        f'<p><a href="{e(row.link)}">Open the link</a></p></div>'
    )


def _count(row: Row) -> str:
    network = networks.NETWORKS[row.post.network]
    count = networks.length(network, row.text)
    if network.shown:
        return f'{count} characters; {network.name} shows about {network.shown} before "See more".'
    return f"{count} of {network.limit} characters, the link counted as {network.link_weight}."
