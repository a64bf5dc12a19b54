"""An update as each supporter receives it: rendered once per mailing, personalised per person.

The Markdown is rendered and the CSS inlined (css-inline: mail programs ignore
<style> blocks) once per mailing and process, and the same HTML read as plain text
(mail/plaintext.py: no `**`, `##` or `[text](url)` left); each recipient's copy only
substitutes their escaped first name and their own links into that result,
so 200,000 messages cost 200,000 string substitutions, not 200,000 renders.

Each copy also carries List-Unsubscribe with RFC 8058 one-click, and List-Id. Its
links to the campaign site carry the mailing's tags (tags.py); a subject test's copy
its own subject, and a sample's copy its subject's tag, so each is rendered once per
subject. The mail worker writes the outbox's update rows with `queued` and
`queued_test`, which updates/ registers with mail/compose.py in its init_app.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from functools import lru_cache
from types import SimpleNamespace

import css_inline
import markdown
from flask import current_app, render_template
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..mail import message_ids, plaintext, wire
from ..mail.compose import Skip, domain, links, new_message, postal, sender, site_url
from ..models import Mailing, MailingSubject, Outbox, Supporter
from ..models.mail import SUBJECT_LETTERS
from .tags import TEST_COPY, Tags, content_tag, origin, tagged

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
    tags: Tags | None = None,
) -> Rendered:
    """The mailing's HTML and text with markers where each person's values go; `postal`
    (the footer's address) and `tags` (its links') are part of the key, so a changed
    setting is never missed."""
    marked = body.replace(FIRST_NAME, NAME_MARK)
    content = tagged(html_of(marked), tags)
    page = render_template(
        "updates/update.html",
        subject=subject,
        preheader=preheader,
        content=content,  # staff's own Markdown, rendered here: `safe` in the template
        unsubscribe_url=UNSUBSCRIBE_MARK,
        preferences_url=PREFERENCES_MARK,
        postal=postal,
    )
    text = render_template(
        "updates/update.txt",
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
    copy: Copy | None = None,
):
    """(html, text) for one recipient; their name is escaped for HTML, links are ours."""
    copy = copy or Copy(mailing.subject, None)
    base = rendered(
        mailing.id, mailing.sha256, copy.subject, mailing.preheader, mailing.body, postal, copy.tags
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


@dataclass(frozen=True)
class Copy:
    """What a copy of a mailing carries that another copy may not: its subject line and
    its links' tags."""

    subject: str
    tags: Tags | None


def copy_of(mailing: Mailing, row: Outbox | None, subjects: dict[str, str] | None = None) -> Copy:
    """The subject and tags of one copy: a subject test's copy has its letter's subject,
    and a sample's copy its letter's tag (`subjects`: the mailing's, by letter)."""
    letter = row.subject if row is not None else None
    subject = subjects[letter] if letter else mailing.subject
    in_a_sample = row is not None and row.sample
    # A preview's or a staff member's test copy (no mailing yet) says so in its tag.
    content = content_tag(mailing.id, letter if in_a_sample else None) if mailing.id else TEST_COPY
    return Copy(subject, Tags(origin(site_url()), mailing.name, content))


def _update_headers(mailing: Mailing, supporter: Supporter, copy: Copy):
    """(headers every copy shares, this copy's own headers, html, text)."""
    config = current_app.config
    own = links(supporter.link_key, mailing.id)
    page, text = personal(mailing, supporter.first_name, postal=postal(), copy=copy, **own)
    unsubscribe_by_mail = config["MAIL_UNSUBSCRIBE_ADDRESS"] or f"unsubscribe@{domain()}"
    shared = (
        ("Subject", copy.subject),
        ("From", sender(mailing.from_name)),
        ("List-Id", f"{config['MAIL_LIST_NAME']} <updates.{domain()}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    )
    own_headers = (
        (
            "List-Unsubscribe",
            f"<{own['unsubscribe_url']}>, "
            f"<mailto:{unsubscribe_by_mail}?subject=unsubscribe-{supporter.link_key}>",
        ),
    )
    return shared, own_headers, page, text


def message(
    row: Outbox, mailing: Mailing, supporter: Supporter | None, copy: Copy | None = None
) -> EmailMessage:
    """An update as an EmailMessage (previews, tests, and addresses that are not ASCII)."""
    if supporter is None or supporter.status != "subscribed":
        raise Skip
    copy = copy or copy_of(mailing, row)
    shared, own_headers, page, text = _update_headers(mailing, supporter, copy)
    email = new_message(row, copy.subject, supporter.email, dict(shared)["From"])
    for name, value in (*shared[2:], *own_headers):
        email[name] = value
    email.set_content(text)
    email.add_alternative(page, subtype="html")
    return email


def on_the_wire(
    row: Outbox, mailing: Mailing, supporter: Supporter | None, copy: Copy | None = None
):
    """The same update as bytes ready to send (mail/wire.py), the way a mailing goes out."""
    if supporter is None or supporter.status != "subscribed":
        raise Skip
    copy = copy or copy_of(mailing, row)
    shared, own_headers, page, text = _update_headers(mailing, supporter, copy)
    if not (supporter.email.isascii() and all(v.isascii() for _, v in own_headers)):
        return message(row, mailing, supporter, copy)  # the email package knows SMTPUTF8
    return wire.prepared(
        mailing.id, mailing.sha256, shared, idstring=message_ids.idstring(row.id),
        envelope_from=parseaddr(current_app.config["MAIL_FROM"])[1], to=supporter.email,
        domain=domain(), own_headers=own_headers, text=text, html=page,
    )  # fmt: skip


# Who a preview or a test copy is written for: links in it lead nowhere.
SAMPLE_NAME, SAMPLE_EMAIL = "Alex", "alex@example.org"


def sample(
    shown: dict, first_name: str = SAMPLE_NAME, email: str = SAMPLE_EMAIL, row_id: int = 0
) -> EmailMessage:
    """An update (its file's sha256, subject, body, preheader and from_name) as a
    recipient would get it, with links that lead nowhere."""
    mailing = Mailing(
        id=0,
        name=shown.get("name", "preview"),  # copies queued before tags named no file
        sha256=shown["sha256"],
        subject=shown["subject"],
        body=shown["body"],
        preheader=shown["preheader"],
        from_name=shown["from_name"],
    )
    person = SimpleNamespace(
        first_name=first_name,
        email=email,
        status="subscribed",
        link_key="preview-link-does-nothing",
    )
    return message(Outbox(id=row_id), mailing, person)


def test_copy(shown: dict, address: str, row_id: int = 0, letter: str | None = None):
    """One copy of an update for `address`, its subject marked [TEST]; of a subject
    test, the copy with subject `letter`, marked [TEST A] and so on."""
    subject = shown["subject"]
    if letter is not None:
        subject = shown["subjects"][SUBJECT_LETTERS.index(letter)]
    copy = sample({**shown, "subject": subject}, SAMPLE_NAME, address, row_id)
    copy.replace_header("Subject", f"[TEST{' ' + letter if letter else ''}] {subject}")
    return copy


def queued(row: Outbox, session: Session):
    """An outbox row of a mailing, as the worker sends it (its mailing and supporter
    are in `session` already: mail/compose.py's compose_many loads them)."""
    supporter = session.get(Supporter, row.supporter_id) if row.supporter_id else None
    mailing = session.get(Mailing, row.mailing_id)
    subjects = subjects_of(session, mailing) if row.subject else None
    return on_the_wire(row, mailing, supporter, copy_of(mailing, row, subjects))


# A test's subjects by mailing, read once per process: they never change once queued
# (the key holds the file's hash too, so a new database's mailing 1 is not the old one).
_SUBJECTS: dict[tuple[int, str], dict[str, str]] = {}


def subjects_of(session: Session, mailing: Mailing) -> dict[str, str]:
    key = (mailing.id, mailing.sha256)
    if key not in _SUBJECTS:
        if len(_SUBJECTS) > 64:
            _SUBJECTS.clear()
        found = session.execute(
            select(MailingSubject.letter, MailingSubject.subject).where(
                MailingSubject.mailing_id == mailing.id
            )
        )
        _SUBJECTS[key] = dict(found.all())
    return _SUBJECTS[key]


def queued_test(row: Outbox, session: Session) -> EmailMessage:
    """A test copy staff asked for (operations.queue_test)."""
    return test_copy(row.payload["update"], row.payload["to"], row.id, row.payload.get("subject"))
