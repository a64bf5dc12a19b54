"""A queued message as an email: subject, headers, plain text and HTML from templates.

Messages about a signature (confirm, confirm again, already signed, thanks) or a
story, and a copy of a person's data, are written here; updates from a mailing are
written by updates/updates.py, which updates/ registers here in its init_app.
Every message wears the campaign site's name and colours (templates/mail/_layout.html,
the site's `look`), comes from the site's name unless MAIL_FROM names a sender, and
has a plain-text part that reads well (plaintext.py). Messages to a supporter carry a
link to their preferences and data page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import site_look
from ..campaign_sender import postal_lines
from ..congress import recipients
from ..models import PERMISSION_DAYS, Mailing, Outbox, Petition, Signature, Story, Supporter, utcnow
from ..petitions import sharing
from . import message_ids, wire
from .outbox import (
    STORY_CONFIRM,
    STORY_PERMISSION,
    SUBJECTS,
    THANKS,
    YOUR_DATA,
)

# Headers folded at 78 characters can break right after "Subject:", and mail
# programs then show the subject with a leading space; 998 is the RFC's limit.
# Only for plain ASCII: other text is written as encoded words, which must stay
# short (75 characters), so the default folding is right for it.
UNFOLDED = policy.default.clone(max_line_length=998)


class Skip(Exception):
    """This message must not go out (its supporter stopped receiving updates)."""


Composer = Callable[[Outbox, Session], "EmailMessage | wire.Prepared"]
# The kinds another feature writes, each with what writes it: updates/ registers
# its own in init_app, since sending must not import what is sent through it.
WRITTEN_ELSEWHERE: dict[str, Composer] = {}


def register(kind: str, composer: Composer) -> None:
    WRITTEN_ELSEWHERE[kind] = composer


def site_url() -> str:
    return current_app.config["SITE_URL"].rstrip("/")


def domain() -> str:
    return parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "localhost"


def links(key: str, mailing_id: int | None = None) -> dict[str, str]:
    """A supporter's own links (their link key never expires)."""
    unsubscribe = f"{site_url()}/unsubscribe/{key}"
    if mailing_id is not None:
        unsubscribe += f"?m={mailing_id}"
    return {"unsubscribe_url": unsubscribe, "preferences_url": f"{site_url()}/preferences/{key}"}


def postal() -> tuple[str, ...]:
    """The campaign's name and postal address, as every email's footer ends."""
    return postal_lines(current_app.config, site_look.current().name)


def sender(name: str | None = None) -> str:
    """The From header: MAIL_FROM's address, shown as `name` (an update's from_name),
    else as MAIL_FROM's own display name, else as the campaign site's name."""
    configured, address = parseaddr(current_app.config["MAIL_FROM"])
    # A quoted name, not formataddr's encoded word: the email package folds an encoded
    # word holding a comma ("Familias Unidas, Peñuelas") into two addresses.
    return str(
        Address(display_name=name or configured or site_look.current().name, addr_spec=address)
    )


def new_message(row: Outbox, subject: str, to: str, from_: str | None = None) -> EmailMessage:
    message = EmailMessage(policy=UNFOLDED if subject.isascii() else policy.default)
    message["Subject"] = subject
    message["From"] = from_ or sender()
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    # Unique per message, and naming its outbox row (message_ids.py).
    message["Message-ID"] = make_msgid(idstring=message_ids.idstring(row.id), domain=domain())
    return message


def about_signature(row: Outbox, signature: Signature, petition: Petition,
                    supporter: Supporter | None, extra: dict) -> EmailMessage:  # fmt: skip
    config = current_app.config
    token = row.payload.get("token") if row.payload else None
    context = {
        "signature": signature,
        "petition": petition,
        "petition_url": site_url() + petition.page,
        "confirm_url": f"{site_url()}/confirm/{token}" if token else None,
        "expires_days": config["CONFIRM_TOKEN_DAYS"],
        # Before confirming, the confirmation link stands for the address.
        "preferences_url": links(supporter.link_key)["preferences_url"]
        if supporter
        else (f"{site_url()}/preferences/{token}" if token else None),
        **extra,
    }
    message = new_message(row, SUBJECTS[row.kind].format(title=petition.title), signature.email)
    return _automatic(message, row.kind, context)


def _automatic(message: EmailMessage, kind: str, context: dict) -> EmailMessage:
    """A message sent because someone did something (not a mailing): its text and HTML
    parts from the kind's two templates."""
    message["Auto-Submitted"] = "auto-generated"
    context = {"postal": postal(), **context}
    message.set_content(render_template(f"mail/{kind}.txt", **context))
    message.add_alternative(render_template(f"mail/{kind}.html", **context), subtype="html")
    return message


def about_story(row: Outbox, story: Story, petition: Petition | None) -> EmailMessage:
    """The link that confirms a story before staff see it, or the one where its author
    gives or refuses the consents it lacks."""
    config = current_app.config
    confirming = row.kind == STORY_CONFIRM
    path = "confirm-story" if confirming else "story-permission"
    context = {
        "story": story,
        "petition": petition,
        "link": f"{site_url()}/{path}/{row.payload['token']}",
        "expires_days": config["CONFIRM_TOKEN_DAYS"] if confirming else PERMISSION_DAYS,
        "unconfirmed_days": config["RETAIN_UNCONFIRMED_DAYS"],
    }
    return _automatic(new_message(row, SUBJECTS[row.kind], story.email), row.kind, context)


def your_data(row: Outbox, supporter: Supporter | None, session: Session) -> EmailMessage:
    """Everything held about an address, attached, with a button to what its owner can
    do next (`_next_for_your_data`)."""
    email = row.payload["email"]
    message = new_message(row, SUBJECTS[YOUR_DATA], email)
    _automatic(message, YOUR_DATA, _next_for_your_data(row, supporter, session))
    data = json.dumps(row.payload["data"], indent=2, ensure_ascii=False)
    message.add_attachment(
        data.encode(), maintype="application", subtype="json", filename="your-data.json"
    )
    return message


def _next_for_your_data(row: Outbox, supporter: Supporter | None, session: Session) -> dict:
    """A supporter's copy links to their preferences page by their key. A signer not
    confirmed yet has no key: their copy links back with the confirmation link that asked
    for it (`key`), while it works; once it does not, to the petition, to sign again."""
    signature = session.get(Signature, row.signature_id) if row.signature_id else None
    if supporter is None and signature is not None:  # confirmed since asking, perhaps
        supporter = session.scalar(
            select(Supporter).where(Supporter.email_canonical == signature.email_canonical)
        )
    if supporter is not None:
        return {"preferences_url": links(supporter.link_key)["preferences_url"]}
    if signature is None:
        return {}
    petition = session.get(Petition, signature.petition_id)
    context = {
        "pending": True,
        "petition_url": site_url() + petition.page,
        "deleted_days": current_app.config["RETAIN_UNCONFIRMED_DAYS"],
    }
    key = row.payload.get("key") or ""
    # As supporters/routes.py reads the link: its token, unexpired (signing again
    # sends a new one and this one stops working).
    if (
        key
        and signature.confirm_token_hash == Signature.token_hash(key)
        and signature.confirm_expires_at > utcnow()
    ):
        context["preferences_url"] = f"{site_url()}/preferences/{key}"
        context["works_until"] = _day(signature.confirm_expires_at)
    return context


def _day(moment) -> str:
    """December 21, 2026"""
    return f"{moment:%B} {moment.day}, {moment.year}"


def compose(row: Outbox, session: Session) -> EmailMessage | wire.Prepared:
    """The email for an outbox row, read in `session`; raises Skip for an update whose
    supporter no longer receives updates."""
    if row.kind in WRITTEN_ELSEWHERE:
        return WRITTEN_ELSEWHERE[row.kind](row, session)
    if row.kind in (STORY_CONFIRM, STORY_PERMISSION):
        story = session.get(Story, row.payload["story_id"])
        petition = session.get(Petition, story.petition_id) if story.petition_id else None
        return about_story(row, story, petition)
    supporter = session.get(Supporter, row.supporter_id) if row.supporter_id else None
    if row.kind == YOUR_DATA:
        return your_data(row, supporter, session)
    signature = session.get(Signature, row.signature_id)
    petition = session.get(Petition, signature.petition_id)
    if supporter is None:
        supporter = session.scalar(
            select(Supporter).where(Supporter.email_canonical == signature.email_canonical)
        )
    extra = {}
    if row.kind == THANKS:  # who receives it, and what the supporter can do next
        extra = {
            "offices": recipients.for_signature(signature),
            "share_links": sharing.share_links(
                petition, site_url(), content="thanks-email", ref=signature.referral_code
            ),
            "story_url": sharing.story_url(petition, site_url()),
        }
    return about_signature(row, signature, petition, supporter, extra)


def compose_many(
    session: Session, ids: list[int]
) -> dict[int, EmailMessage | wire.Prepared | Exception]:
    """Each row's email, or why it has none (Skip, or the error composing it); rows that
    no longer exist are left out. Three queries for the group, whatever its size."""
    rows = session.scalars(select(Outbox).where(Outbox.id.in_(ids))).all()
    # Loaded into the session's identity map, where compose's get() finds them (kept
    # referenced here: the identity map only holds objects someone holds).
    loaded = []
    for model, column in ((Supporter, "supporter_id"), (Mailing, "mailing_id")):
        wanted = {getattr(row, column) for row in rows} - {None}
        if wanted:
            loaded += session.scalars(select(model).where(model.id.in_(wanted))).all()
    composed: dict[int, EmailMessage | wire.Prepared | Exception] = {}
    for row in rows:
        try:
            composed[row.id] = compose(row, session)
        except (Skip, ValueError, TypeError, LookupError, AttributeError) as error:
            composed[row.id] = error
    return composed
