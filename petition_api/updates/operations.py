"""What staff do with an update file, from the CLI or the console: check it, preview
it, queue test copies, send it once, pause and resume it, and follow its figures.

Reading and checking the file, and queueing it to its audience, are in
mailings.py; writing the messages is updates.py's. Every action here is
audited in the same transaction as what it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from .. import audit, db
from ..mail.outbox import UPDATE_TEST
from ..models import (
    ConsentAction,
    ConsentEvent,
    DeliveryEvent,
    Mailing,
    Outbox,
    Priority,
    SubjectTest,
)
from . import deciding, subject_tests, updates
from .mailings import (
    MailingError,
    SentBefore,
    Update,
    audience_size,
    check_names,
    pause,
    queue,
    read,
    sent_before,
)

FIGURES = (
    "recipients",
    "queued",
    "sent",
    "failed",
    "skipped",
    "unknown",
    "bounced",
    "complained",
    "unsubscribed",
)


def figures(session: Session, name: str | None = None) -> list[dict]:
    """Each mailing's progress: queued, sent, failed, skipped, bounced, unsubscribed
    (only the mailings of the file `name`, when given)."""
    ids = select(Mailing.id).where(Mailing.name == name) if name is not None else None

    def mine(column):
        return column.is_not(None) if ids is None else column.in_(ids)

    by_status = {
        (mailing_id, str(status)): count
        for mailing_id, status, count in session.execute(
            select(Outbox.mailing_id, Outbox.status, func.count())
            .where(mine(Outbox.mailing_id))
            .group_by(Outbox.mailing_id, Outbox.status)
        )
    }
    reported = {
        (mailing_id, kind): count
        for mailing_id, kind, count in session.execute(
            select(
                DeliveryEvent.mailing_id,
                DeliveryEvent.kind,
                func.count(func.distinct(DeliveryEvent.supporter_id)),
            )
            .where(mine(DeliveryEvent.mailing_id))
            .group_by(DeliveryEvent.mailing_id, DeliveryEvent.kind)
        )
    }
    # A complaint withdraws consent too, but is counted as a complaint, not here.
    unsubscribed = dict(
        session.execute(
            select(ConsentEvent.mailing_id, func.count())
            .where(
                mine(ConsentEvent.mailing_id),
                ConsentEvent.action == ConsentAction.WITHDRAWN,
                ConsentEvent.source != "complaint",
            )
            .group_by(ConsentEvent.mailing_id)
        ).all()
    )
    tests = {
        test.mailing_id: deciding.state(test)
        for test in session.scalars(select(SubjectTest).where(mine(SubjectTest.mailing_id)))
    }
    mailings = select(Mailing).order_by(Mailing.id)
    if name is not None:
        mailings = mailings.where(Mailing.name == name)
    out = []
    for mailing in session.scalars(mailings):
        count = lambda *states, m=mailing.id: sum(by_status.get((m, s), 0) for s in states)  # noqa: E731
        out.append(
            {
                "id": mailing.id,
                "name": mailing.name,
                "subject": mailing.subject,
                "queued_at": mailing.queued_at,
                "paused": mailing.paused_at is not None,
                "recipients": mailing.recipients,
                "queued": count("queued", "claimed", "sending"),
                "held": count("held"),  # a subject test's rest, waiting for the winner
                "test": tests.get(mailing.id),  # its state, for a subject test
                "sent": count("sent"),
                "failed": count("failed"),
                "unknown": count("unknown"),
                "skipped": count("skipped"),
                "bounced": reported.get((mailing.id, "bounce"), 0),
                "complained": reported.get((mailing.id, "complaint"), 0),
                "unsubscribed": unsubscribed.get(mailing.id, 0),
            }
        )
    return out


def state(row: dict) -> str:
    """A mailing's state in words, as the console and `flask mailings status` say it."""
    if row["paused"]:
        return "paused"
    if row["queued"]:
        return "testing subjects" if row["held"] else "sending"
    if row["held"]:
        return "stopped by the guard" if row["test"] == "stopped" else "waiting for the winner"
    return "finished"


def done(row: dict) -> int:
    """How many of a mailing's messages have been dealt with (sent or not)."""
    return row["sent"] + row["failed"] + row["skipped"] + row["unknown"]


def share(row: dict) -> float:
    """How far a mailing is, 0 to 1 (`flask mailings status`'s bar)."""
    return done(row) / row["recipients"] if row["recipients"] else 1.0


def checked(path: Path) -> Update:
    """An update file read and checked against the database (its petitions, districts)."""
    update_ = read(path)
    with db.reading() as session:
        check_names(session, update_)
    return update_


# Only one send decides at a time whether a file was sent (PostgreSQL; SQLite's
# write lock already serialises them).
SEND_LOCK = 0x67736D6C


@dataclass
class Preview:
    subject: str
    text: str
    html: str
    audience: int  # subscribed supporters it would reach now
    subjects: tuple[str, ...] = ()  # a subject test's, A first
    test_problem: str | None = None  # why a subject test could not be sent to `audience`
    sample_size: int = 0  # each sample's size for `audience`
    least: int = 0  # each sample's least size


def fields(update_: Update) -> dict:
    """What a message is made of: kept with a queued test copy, read by updates.queued_test."""
    return {
        "name": update_.name,
        "sha256": update_.sha256,
        "subject": update_.subject,
        "body": update_.body,
        "audience": update_.audience,
        "preheader": update_.preheader,
        "from_name": update_.from_name,
        "subjects": list(update_.subjects),
    }


def sample(update_: Update, first_name: str = updates.SAMPLE_NAME,
           email: str = updates.SAMPLE_EMAIL) -> EmailMessage:  # fmt: skip
    """The update as a recipient would get it, with links that lead nowhere."""
    return updates.sample(fields(update_), first_name, email)


def preview(update_: Update) -> Preview:
    message = sample(update_)
    with db.reading() as session:
        size = audience_size(session, update_.audience)
    shown = Preview(
        subject=update_.subject,
        text=message.get_body(("plain",)).get_content(),
        html=message.get_body(("html",)).get_content(),
        audience=size,
    )
    if update_.test is not None:
        shown.subjects = update_.test.subjects
        shown.sample_size = update_.test.sample_size(size)
        try:
            shown.least = subject_tests.check_size(update_.test, size, current_app.config)
        except subject_tests.PlanError as error:
            shown.test_problem = f"{update_.path}: {error}"
    return shown


def check_address(given: str) -> str:
    """An address a test copy may go to, normalised; MailingError saying what is wrong."""
    try:
        return validate_email(given, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise MailingError(f"{given!r}: {error}") from None


def _test_letters(update_: Update) -> list[str | None]:
    """Which copies a test send makes: one, or one per subject of a subject test."""
    return list(update_.test.letters) if update_.test else [None]


def copies_marked_test(update_: Update, address: str) -> list[EmailMessage]:
    """A copy of the update for `address`, its subject marked [TEST] (one per subject of
    a subject test, marked [TEST A], [TEST B] ...)."""
    shown = fields(update_)
    return [updates.test_copy(shown, address, letter=letter) for letter in _test_letters(update_)]


def queue_test(update_: Update, addresses: list[str], actor: str) -> int:
    """Test copies to each address (copies_marked_test's), queued in the outbox for the
    mail worker (audited); how many."""
    shown = fields(update_)
    copies = [(address, letter) for address in addresses for letter in _test_letters(update_)]
    with db.writing() as session:
        for address, letter in copies:
            session.add(
                Outbox(
                    kind=UPDATE_TEST,
                    priority=int(Priority.PERSONAL),
                    payload={"to": address, "update": shown, "subject": letter},
                )
            )
        audit.add(session, "mailings.test", update_.name, actor, rows=len(copies))
    return len(copies)


def reach(update_: Update) -> int:
    """How many supporters the update would reach now; MailingError when nobody."""
    with db.reading() as session:
        size = audience_size(session, update_.audience)
    if size == 0:
        raise MailingError(
            f"{update_.path}: its audience reaches nobody (0 subscribed supporters): nothing queued"
        )
    if update_.test is not None:
        try:
            subject_tests.check_size(update_.test, size, current_app.config)
        except subject_tests.PlanError as error:
            raise MailingError(f"{update_.path}: {error}") from None
    return size


def send(update_: Update, actor: str, again: bool = False) -> Mailing:
    """Queue the update to its audience, exactly once unless `again` (audited).
    SentBefore when the same file (or name) was sent and `again` is not given."""
    with db.writing() as session:
        if session.bind.dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEND_LOCK})
        earlier = sent_before(session, update_)
        if earlier is not None and not again:
            raise SentBefore(
                f"{update_.path}: already sent as mailing {earlier.id} ({earlier.name}, "
                f"{earlier.queued_at:%Y-%m-%d %H:%M} UTC)",
                earlier,
            )
        mailing = queue(session, update_, actor)
        audit.add(session, "mailings.send", update_.name, actor, rows=mailing.recipients)
    return mailing


def set_paused(mailing_id: int, paused: bool, actor: str) -> Mailing:
    """pause() in a transaction of its own, audited; MailingError when refused."""
    with db.writing() as session:
        pause(session, mailing_id, paused)
        mailing = session.get(Mailing, mailing_id)
        action = "mailings.pause" if paused else "mailings.resume"
        audit.add(session, action, mailing.name, actor, filters={"mailing": mailing_id})
    return mailing
