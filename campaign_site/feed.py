"""An RSS 2.0 feed of the newest stories.

Our own few lines rather than a plugin: mkdocs-rss-plugin wants git history
and network-free builds are a rule here.
"""

from __future__ import annotations

import datetime
import email.utils
from dataclasses import dataclass
from xml.etree import ElementTree as ET

ITEMS = 20
# Where the feed is written: at the site's root, the address pages name; and where
# it was until the root took it, stories/feed.xml, for readers subscribed there.
# Only the first is named by pages: mkdocs-material fetches sitemap.xml beside
# every feed a page names, and there is none in stories/.
ADDRESS = "feed.xml"
FORMER_ADDRESS = "{blog_dir}/feed.xml"


def addresses(blog_dir: str) -> tuple[str, str]:
    """(the feed's address, its former one), relative to the site's root."""
    return ADDRESS, FORMER_ADDRESS.format(blog_dir=blog_dir)


@dataclass(frozen=True)
class Story:
    title: str
    url: str  # absolute
    description: str
    published: datetime.datetime
    authors: tuple[str, ...]
    categories: tuple[str, ...]


def rss(title: str, link: str, description: str, stories: list[Story], own_url: str) -> bytes:
    """The feed; `own_url` is its address (atom:link rel=self, as the RSS Advisory
    Board advises), the same in the copy at its former address, so a reader that
    follows it moves its subscription."""
    newest = sorted(stories, key=lambda s: (s.published, s.url), reverse=True)[:ITEMS]
    channel_el = ET.Element("channel")
    _add(channel_el, "title", title)
    _add(channel_el, "link", link)
    _add(channel_el, "description", description)
    ET.SubElement(
        channel_el,
        "atom:link",
        {"href": own_url, "rel": "self", "type": "application/rss+xml"},
    )
    if newest:
        # The newest story's date, not the build time, so rebuilding changes nothing.
        _add(channel_el, "lastBuildDate", email.utils.format_datetime(newest[0].published))
    for story in newest:
        item = ET.SubElement(channel_el, "item")
        _add(item, "title", story.title)
        _add(item, "link", story.url)
        _add(item, "guid", story.url)
        _add(item, "description", story.description)
        _add(item, "pubDate", email.utils.format_datetime(story.published))
        for author in story.authors:
            _add(item, "dc:creator", author)
        for category in story.categories:
            _add(item, "category", category)
    root = ET.Element(
        "rss",
        {
            "version": "2.0",
            "xmlns:dc": "http://purl.org/dc/elements/1.1/",
            "xmlns:atom": "http://www.w3.org/2005/Atom",
        },
    )
    root.append(channel_el)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def as_datetime(value: datetime.date | dict) -> datetime.datetime:
    """The blog plugin's date (a date, a datetime or {created: ...}) in UTC."""
    if isinstance(value, dict):
        value = value.get("created")
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time())
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def _add(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = text
