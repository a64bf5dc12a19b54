"""The words a story's share graphic quotes when its front matter gives no share.quote."""

from __future__ import annotations

import html
import re

from petition_api.states import STATES

QUOTE_CHARACTERS = 220  # about what a feed graphic shows at a readable size
_SENTENCE_END = re.compile('(?<=[.!?\u2026\u3002\uff01\uff1f])["\u201d\u2019)]*\\s+')
_TAG = re.compile(r"<[^>]+>")
_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[*_`]+|\{[^}]*\}")


def first_sentences(body: str) -> str:
    """The story's first paragraph of its own words (not a heading, byline or photo), as
    plain text, cut after the last sentence that fits in ``QUOTE_CHARACTERS``."""
    for paragraph in re.split(r"\n\s*\n", body):
        stripped = paragraph.strip()
        if not stripped or stripped.startswith(("#", "<!--", "!!!", "![")):
            continue
        if 'class="gs-story-by"' in stripped:
            continue
        words = " ".join(html.unescape(_MARKUP.sub(r"\1", _TAG.sub(" ", stripped))).split())
        if words:
            return _cut(words)
    return ""


def _cut(words: str) -> str:
    if len(words) <= QUOTE_CHARACTERS:
        return words
    kept = ""
    for sentence in _SENTENCE_END.split(words):
        if kept and len(kept) + 1 + len(sentence) > QUOTE_CHARACTERS:
            break
        kept = f"{kept} {sentence}".strip()
    return kept  # one long sentence stays whole: the graphic fits it or ends it with "…"


def teller(told: object) -> str | None:
    """Who told a supporter's story, as its graphic names them: "Rosa in New York" only
    with the name consent, else "a parent in New York"; None for a story staff wrote."""
    if not isinstance(told, dict):
        return None
    place = STATES.get(told.get("state") or "", told.get("state") or "their state")
    named = told.get("teller")
    if "name" in (told.get("consents") or {}) and isinstance(named, str) and named.strip():
        return named.strip()
    return f"a parent in {place}"
