"""An update as each supporter receives it: rendered once per mailing, personalised per person.

The Markdown is rendered and the CSS inlined (css-inline: mail programs ignore
<style> blocks) once per mailing and process, and the same HTML read as plain text
(plaintext.py: no `**`, `##` or `[text](url)` left); each recipient's copy only
substitutes their escaped first name and their own links into that result,
so 200,000 messages cost 200,000 string substitutions, not 200,000 renders.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import lru_cache

import css_inline
import markdown
from flask import render_template
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from ..models import Mailing
from . import plaintext

# The update's <style> goes once written into each element. Nothing is fetched: a
# <link> staff wrote into an update must not make the worker load it.
INLINER = css_inline.CSSInliner(load_remote_stylesheets=False)
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
    mailing_id: int,
    sha256: str,
    subject: str,
    preheader: str | None,
    body: str,
    postal: tuple[str, ...] = (),
) -> Rendered:
    """The mailing's HTML and text with markers where each person's values go; `postal`
    (the footer's address) is part of the key, so a changed setting is never missed."""
    marked = body.replace(FIRST_NAME, NAME_MARK)
    content = html_of(marked)
    page = render_template(
        "mail/update.html",
        subject=subject,
        preheader=preheader,
        content=content,  # staff's own Markdown, rendered here: `safe` in the template
        unsubscribe_url=UNSUBSCRIBE_MARK,
        preferences_url=PREFERENCES_MARK,
        postal=postal,
    )
    text = render_template(
        "mail/update.txt",
        content=plaintext.from_html(content),
        unsubscribe_url=UNSUBSCRIBE_MARK,
        preferences_url=PREFERENCES_MARK,
        postal=postal,
    )
    return Rendered(INLINER.inline(page), text)


class _ButtonInACell(Treeprocessor):
    """A paragraph holding only the update's button becomes a table cell around it, as
    every other email's button is (templates/mail/_parts.html): Outlook for Windows
    draws padding and colour on a cell, never on a link."""

    def run(self, root):
        for parent in list(root.iter()):
            for index, paragraph in enumerate(list(parent)):
                if _only_a_button(paragraph):
                    parent[index] = _in_a_cell(paragraph)


def _in_a_cell(paragraph):
    frame = etree.Element("table", {"class": "button-frame", "role": "presentation"})
    cell = etree.SubElement(etree.SubElement(frame, "tr"), "td", {"class": "button-cell"})
    cell.append(paragraph[0])
    frame.tail = paragraph.tail
    return frame


def _only_a_button(element) -> bool:
    return (
        element.tag == "p"
        and len(element) == 1
        and element[0].tag == "a"
        and "button" in (element[0].get("class") or "").split()
        and not (element.text or "").strip()
        and not (element[0].tail or "").strip()
    )


class _Buttons(Extension):
    def extendMarkdown(self, md):
        # After attr_list (priority 8), which gives the link its class.
        md.treeprocessors.register(_ButtonInACell(md), "button_in_a_cell", 1)


def html_of(body: str) -> str:
    """An update's Markdown as HTML (Python-Markdown's `extra`: tables, footnotes, and
    attributes such as {.button})."""
    return markdown.markdown(
        body, extensions=["extra", "sane_lists", _Buttons()], output_format="html"
    )


def buttons(body: str) -> int:
    """How many links in an update's Markdown are written as its button."""
    return len(re.findall(r'<a [^>]*class="[^"]*\bbutton\b', html_of(body)))


def personal(
    mailing: Mailing,
    first_name: str,
    unsubscribe_url: str,
    preferences_url: str,
    postal: tuple[str, ...] = (),
):
    """(html, text) for one recipient; their name is escaped for HTML, links are ours."""
    base = rendered(
        mailing.id, mailing.sha256, mailing.subject, mailing.preheader, mailing.body, postal
    )
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
