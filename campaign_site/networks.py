"""What each social network shows of a post, and the most it takes.

The post kit (postkit.py) warns about a text past what a network shows in the
feed before it folds the rest behind "See more", and stops the build on a text
past what the network accepts at all: the scheduler would refuse it, or the
network cut it, the day it goes out.

The folds are not published by the networks; they move with the app and the
screen. These are the phone figures (where most people read their feed) from
PostTruncate's table of every platform's limits
(https://posttruncate.com/en/platform-limits/, checked 2026): Facebook folds at
about 110 characters on a phone (480 on a desktop), Instagram at about 125,
LinkedIn at about 140 (210 on a desktop). X does not fold: a post is whole or
refused. The limits are each network's own: Facebook 63,206 characters,
Instagram 2,200, LinkedIn 3,000, X 280, counting every link as 23 (t.co).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Network:
    name: str  # as the kit shows it
    shown: int | None  # characters shown before "See more"; None: the network never folds
    limit: int  # the most the network accepts
    # What the post's link adds to the count when the network puts it in the text
    # (X shortens every link to 23 characters); None: the link is attached beside it.
    link_weight: int | None = None


NETWORKS = {
    "facebook": Network("Facebook", shown=110, limit=63_206),
    "instagram": Network("Instagram", shown=125, limit=2_200),
    "linkedin": Network("LinkedIn", shown=140, limit=3_000),
    "x": Network("X", shown=None, limit=280, link_weight=23),
}
DEFAULT = "facebook"


def length(network: Network, text: str) -> int:
    """The text's length as the network counts it, its link included where it counts."""
    if network.link_weight is None:
        return len(text)
    return _weighted(text) + 1 + network.link_weight  # a space, then the link


def _weighted(text: str) -> int:
    """X's count (twitter-text, version 3): Latin, Greek, Cyrillic, Hebrew, Arabic and
    most punctuation count one; other characters (Chinese, Japanese, Korean, emoji)
    count two. Text is normalised (NFC) first, as X does."""
    return sum(1 if _light(ord(ch)) else 2 for ch in unicodedata.normalize("NFC", text))


def _light(code: int) -> bool:
    return (
        code <= 0x10FF
        or 0x2000 <= code <= 0x200D
        or 0x2010 <= code <= 0x201F
        or 0x2032 <= code <= 0x2037
    )
