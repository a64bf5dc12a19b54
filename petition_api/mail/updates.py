"""An update as each supporter receives it: rendered once per mailing, personalised per person.

The Markdown is rendered and the CSS inlined (css-inline: mail programs ignore
<style> blocks) once per mailing and process; each recipient's copy only
substitutes their escaped first name and their own links into that result,
so 200,000 messages cost 200,000 string substitutions, not 200,000 renders.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache

import css_inline
import markdown
from flask import render_template

from ..models import Mailing

# Media queries (phone widths) and the hidden preheader cannot be inlined: kept as well.
INLINER = css_inline.CSSInliner(keep_style_tags=True)
# What staff may write in an update's text; each stands for the recipient's own value.
FIRST_NAME = "{{ first_name }}"
# Markers that survive Markdown and CSS inlining untouched, replaced per recipient.
NAME_MARK = "GSWLNAME7f3a"
UNSUBSCRIBE_MARK = "GSWLUNSUB7f3a"
PREFERENCES_MARK = "GSWLPREFS7f3a"


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str


@lru_cache(maxsize=16)
def rendered(
    mailing_id: int, sha256: str, subject: str, preheader: str | None, body: str
) -> Rendered:
    """The mailing's HTML and text with markers where each person's values go."""
    marked = body.replace(FIRST_NAME, NAME_MARK)
    content = markdown.markdown(marked, extensions=["extra", "sane_lists"], output_format="html")
    page = render_template(
        "mail/update.html",
        subject=subject,
        preheader=preheader,
        content=content,  # staff's own Markdown, rendered here: `safe` in the template
        unsubscribe_url=UNSUBSCRIBE_MARK,
        preferences_url=PREFERENCES_MARK,
    )
    text = render_template(
        "mail/update.txt",
        content=marked,
        unsubscribe_url=UNSUBSCRIBE_MARK,
        preferences_url=PREFERENCES_MARK,
    )
    return Rendered(INLINER.inline(page), text)


def personal(mailing: Mailing, first_name: str, unsubscribe_url: str, preferences_url: str):
    """(html, text) for one recipient; their name is escaped for HTML, links are ours."""
    base = rendered(mailing.id, mailing.sha256, mailing.subject, mailing.preheader, mailing.body)
    name = first_name.strip() or "friend"
    page = (
        base.html.replace(NAME_MARK, html.escape(name))
        .replace(UNSUBSCRIBE_MARK, html.escape(unsubscribe_url))
        .replace(PREFERENCES_MARK, html.escape(preferences_url))
    )
    text = (
        base.text.replace(NAME_MARK, name)
        .replace(UNSUBSCRIBE_MARK, unsubscribe_url)
        .replace(PREFERENCES_MARK, preferences_url)
    )
    return page, text
