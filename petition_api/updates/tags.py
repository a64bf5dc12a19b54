"""The tags an update's links to the campaign site carry, so what people do there counts.

Every link in an update's body that leads to the campaign site (SITE_URL's scheme
and host) gets

    utm_source=updates&utm_medium=email&utm_campaign=<the file's name>&utm_content=<copy>

where <copy> is `mailing-<id>` (a plain mailing, and the rest of a subject test),
or `mailing-<id>.<letter>` (a subject test's sample: `mailing-12.b`). The site's
forms send these back with a signature or a story (signing/, stories/), which keep
them; judging.py counts a sample's actions by its <copy>. The tags name the mailing
and the subject, never the person: every copy of a sample carries the same links.
Tags staff wrote on such a link are replaced; links elsewhere are left as written.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

HREF = re.compile(r'(<a\b[^>]*?\bhref=")([^"]*)(")', re.IGNORECASE)
SOURCE, MEDIUM = "updates", "email"
TEST_COPY = "test-copy"  # what a staff member's test copy's links carry


def content_tag(mailing_id: int, letter: str | None = None) -> str:
    """The utm_content of a mailing's copies: `mailing-12`, or a sample's `mailing-12.b`."""
    return f"mailing-{mailing_id}" + (f".{letter.lower()}" if letter else "")


@dataclass(frozen=True)
class Tags:
    site: str  # the campaign site's scheme://host[:port]
    campaign: str  # utm_campaign: the update file's name
    content: str  # utm_content (content_tag)

    def pairs(self) -> list[tuple[str, str]]:
        return [
            ("utm_source", SOURCE),
            ("utm_medium", MEDIUM),
            ("utm_campaign", self.campaign),
            ("utm_content", self.content),
        ]


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def tagged(page: str, tags: Tags | None) -> str:
    """`page` (an update's body as HTML) with its links to the site tagged."""
    if tags is None:
        return page

    def tag(found: re.Match) -> str:
        url = html.unescape(found.group(2))
        parts = urlsplit(url)
        if origin(url) != tags.site or parts.scheme not in ("http", "https"):
            return found.group(0)
        kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                if not k.startswith("utm_")]  # fmt: skip
        url = urlunsplit(parts._replace(query=urlencode(kept + tags.pairs())))
        return found.group(1) + html.escape(url) + found.group(3)

    return HREF.sub(tag, page)
