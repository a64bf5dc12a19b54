"""A reader who subscribed to the stories feed at /stories/feed.xml, before it moved to
the site's root, keeps getting every new story there; pages name only /feed.xml (a
feed named in stories/ made mkdocs-material ask for /stories/sitemap.xml on every page),
and both copies say /feed.xml is the feed's own address, for readers that move."""

from __future__ import annotations

import re
from xml.etree import ElementTree

FEED = "feed.xml"
FORMER = "stories/feed.xml"
ATOM = "{http://www.w3.org/2005/Atom}link"
ALTERNATE = re.compile(r'<link rel="alternate" type="application/rss\+xml"[^>]*href="([^"]+)"')


def items(path) -> list[tuple[str, str, str]]:
    channel = ElementTree.parse(path).getroot().find("channel")  # noqa: S314 (ours)
    return [
        (item.findtext("title"), item.findtext("link"), item.findtext("pubDate"))
        for item in channel.findall("item")
    ]


def test_the_former_feed_address_holds_the_same_stories(sample_site):
    now, former = items(sample_site / FEED), items(sample_site / FORMER)
    assert len(now) == 6 and former == now
    assert (sample_site / FORMER).read_bytes() == (sample_site / FEED).read_bytes()


def test_both_copies_name_the_feed_at_the_root_as_their_own_address(sample_site):
    for path in (FEED, FORMER):
        channel = ElementTree.parse(sample_site / path).getroot().find("channel")  # noqa: S314
        [own] = channel.findall(ATOM)
        assert own.attrib == {
            "href": "http://127.0.0.1:8000/feed.xml",
            "rel": "self",
            "type": "application/rss+xml",
        }


def test_pages_name_only_the_feed_at_the_root(sample_site):
    named = set()
    for html in sample_site.rglob("*.html"):
        named.update(ALTERNATE.findall(html.read_text(encoding="utf-8")))
    assert named and not any(href.endswith(FORMER) for href in named)
    assert all(href.endswith(FEED) for href in named)
