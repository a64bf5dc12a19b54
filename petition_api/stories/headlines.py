"""A published story's headline: the title of its post, in its author's words.

Staff write or edit it (the console's story page and `flask stories headline`,
both through reviewing.set_headline); until they do, it is the story's own
first sentence, cut at a word near DEFAULT_LENGTH characters. It is never
"Rosa in Ohio": who told the story is the post's byline (publishing.who_told).

A headline reaches the page's <title> and header as the theme writes them,
unescaped, so it never holds < or >; the post's heading is written as Markdown
with everything else escaped (markdown_heading).
"""

from __future__ import annotations

import html
import re

from ..models import Story

MAX_HEADLINE = 120  # the column's length
DEFAULT_LENGTH = 70
SHORT_SENTENCE = 25
TAG = re.compile(r"<[^<>]*>")  # what looks like markup in a story is left out of a headline
NOT_IN_A_HEADLINE = re.compile(r"[<>\x00-\x1f\x7f]")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
SENTENCE_END = re.compile(r"(?<=[.!?])\s")
# What Markdown would read as markup in a heading: emphasis, code, links, an attribute
# list, a closing #. Escaped with a backslash, it shows as itself.
MARKDOWN_MARKS = re.compile(r"([\\`*_{}\[\]#])")


def default(text: str) -> str:
    """The story's first sentence (two, when the first is a few words: "Hi. I'm Rosa."),
    cut at a word before DEFAULT_LENGTH characters."""
    paragraph = PARAGRAPH_BREAK.split(text.strip(), maxsplit=1)[0]
    words = " ".join(NOT_IN_A_HEADLINE.sub(" ", TAG.sub("", paragraph)).split())
    first, *rest = SENTENCE_END.split(words)
    for sentence in rest:
        if len(first) >= SHORT_SENTENCE:
            break
        first = f"{first} {sentence}"
    if len(first) > DEFAULT_LENGTH:
        cut = first[: DEFAULT_LENGTH + 1]
        cut = cut.rsplit(" ", 1)[0] if " " in cut else cut[:DEFAULT_LENGTH]
        # Never ending on a comma or a dash; the ellipsis says there is more.
        first = cut.rstrip(" ,;:-\u2013\u2014") + "\u2026"
    return first.rstrip(".") or "A supporter's story"


def of(story: Story) -> str:
    """The headline the story's post has: staff's, or the default from its words."""
    return story.headline or default(story.edited or story.text)


def cleaned(headline: str) -> str:
    return " ".join(headline.split())


def problem(headline: str) -> str | None:
    """What is wrong with staff's headline (once cleaned), or None."""
    if not headline:
        return "the headline is empty"
    if len(headline) > MAX_HEADLINE:
        return f"the headline is {len(headline)} characters: at most {MAX_HEADLINE}"
    if NOT_IN_A_HEADLINE.search(headline):
        return "a headline cannot hold < or > or control characters"
    return None


def markdown_heading(headline: str) -> str:
    """`# headline` as Markdown that shows every character as typed."""
    return "# " + MARKDOWN_MARKS.sub(r"\\\1", html.escape(headline, quote=True))
