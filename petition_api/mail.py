"""Mail: queued in the outbox by requests, delivered by a worker.

A request never talks to a mail server; it writes an outbox row in the same
transaction as the signature, so a signature and its email stand or fall
together. The worker (`flask mail send`) delivers rows over SMTP, or as .eml
files in development.

Never twice: each message moves queued -> claimed -> sending -> sent, each step
committed. A worker that dies while a row is `claimed` had not started
sending it, so the row is safely queued again; one that dies while a row is
`sending` may or may not have handed it over, so the row becomes `unknown`
and is never retried by itself (`flask mail status` lists them).
"""

from __future__ import annotations

import contextlib
import logging
import random
import smtplib
import threading
from collections import Counter
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .models import Outbox, Petition, Signature, utcnow

log = logging.getLogger(__name__)

CONFIRM = "confirm"
CONFIRM_AGAIN = "confirm_again"
ALREADY_SIGNED = "already_signed"
THANKS = "thanks"

SUBJECTS = {
    CONFIRM: "Please confirm your signature: {title}",
    CONFIRM_AGAIN: "You already signed: please confirm your signature: {title}",
    ALREADY_SIGNED: "You have already signed: {title}",
    THANKS: "Thank you for signing: {title}",
}
CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=6)


class PermanentFailure(Exception):
    """The server refused the message for good (bad address, policy)."""


def enqueue(session: Session, kind: str, signature_id: int, payload: dict | None = None) -> None:
    session.add(Outbox(kind=kind, signature_id=signature_id, payload=payload))


# --- composing ---------------------------------------------------------------


def compose(row: Outbox, signature: Signature, petition: Petition) -> EmailMessage:
    config = current_app.config
    site = config["SITE_URL"].rstrip("/")
    context = {
        "signature": signature,
        "petition": petition,
        "petition_url": site + petition.page,
        "confirm_url": f"{site}/confirm/{row.payload['token']}" if row.payload else None,
        "expires_days": config["CONFIRM_TOKEN_DAYS"],
    }
    message = EmailMessage()
    message["Subject"] = SUBJECTS[row.kind].format(title=petition.title)
    message["From"] = config["MAIL_FROM"]
    message["To"] = signature.email
    message["Date"] = formatdate(localtime=False)
    domain = config["MAIL_FROM"].rpartition("@")[2].rstrip(">") or "localhost"
    # A stable id per outbox row: if a message ever did go out twice, mail
    # systems that de-duplicate by Message-ID would fold the copies.
    message["Message-ID"] = make_msgid(idstring=f"outbox-{row.id}", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(render_template(f"mail/{row.kind}.txt", **context))
    message.add_alternative(render_template(f"mail/{row.kind}.html", **context), subtype="html")
    return message


# --- transports --------------------------------------------------------------


class FileTransport:
    """Development: one .eml file per message."""

    def __init__(self, directory: str):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def send(self, row_id: int, message: EmailMessage) -> None:
        final = self.directory / f"{utcnow():%Y%m%dT%H%M%S}-{row_id:08d}.eml"
        partial = final.with_suffix(".part")
        partial.write_bytes(bytes(message))
        partial.rename(final)  # readers never see half a message

    def close(self) -> None:
        pass


class SMTPTransport:
    """One SMTP connection reused for a batch, reopened when it drops."""

    def __init__(self, config):
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        if c["SMTP_SECURITY"] == "tls":
            connection = smtplib.SMTP_SSL(c["SMTP_HOST"], c["SMTP_PORT"], timeout=c["SMTP_TIMEOUT"])
        else:
            connection = smtplib.SMTP(c["SMTP_HOST"], c["SMTP_PORT"], timeout=c["SMTP_TIMEOUT"])
            if c["SMTP_SECURITY"] == "starttls":
                connection.starttls()
        if c["SMTP_USERNAME"]:
            connection.login(c["SMTP_USERNAME"], c["SMTP_PASSWORD"])
        return connection

    def send(self, row_id: int, message: EmailMessage) -> None:
        if self.connection is None:
            self.connection = self._connect()
        try:
            self.connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            if all(500 <= code < 600 for code in codes):
                raise PermanentFailure(f"recipient refused: {codes}") from None
            raise
        except smtplib.SMTPResponseException as error:
            if 500 <= error.smtp_code < 600:
                raise PermanentFailure(f"refused with {error.smtp_code}") from None
            self.close()
            raise
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()
            raise

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.connection.quit()
            self.connection = None


def transport(config):
    if config["MAIL_BACKEND"] == "smtp":
        return SMTPTransport(config)
    if config["MAIL_BACKEND"] == "file":
        return FileTransport(config["MAIL_DIR"])
    raise ValueError(f"GROUNDSWELL_MAIL_BACKEND={config['MAIL_BACKEND']!r}: expected smtp or file")


# --- the worker --------------------------------------------------------------


def recover(session: Session) -> dict[str, int]:
    """After a crash: requeue rows claimed but never started, set aside rows caught mid-send."""
    stale = utcnow() - CLAIM_TIMEOUT
    requeued = session.execute(
        update(Outbox)
        .where(Outbox.status == "claimed", Outbox.claimed_at < stale)
        .values(status="queued", claimed_at=None)
    ).rowcount
    unknown = session.execute(
        update(Outbox)
        .where(Outbox.status == "sending", Outbox.claimed_at < stale)
        .values(status="unknown", last_error="worker stopped while sending; not retried")
    ).rowcount
    session.commit()
    return {"requeued": requeued, "unknown": unknown}


def claim(session: Session, limit: int) -> list[int]:
    """Take up to `limit` due messages for this worker; other workers skip them."""
    now = utcnow()
    due = (
        select(Outbox.id)
        .where(Outbox.status == "queued", Outbox.next_attempt_at <= now)
        .order_by(Outbox.id)
        .limit(limit)
    )
    if session.bind.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = session.scalars(
        update(Outbox)
        .where(Outbox.id.in_(due.scalar_subquery()), Outbox.status == "queued")
        .values(status="claimed", claimed_at=now)
        .returning(Outbox.id)
    ).all()
    session.commit()
    return sorted(ids)


def deliver(session: Session, row_id: int, sender) -> str:
    """Send one claimed message; returns its new status."""
    row = session.get(Outbox, row_id)
    signature = session.get(Signature, row.signature_id)
    petition = session.get(Petition, signature.petition_id)
    message = compose(row, signature, petition)
    row.status = "sending"
    session.commit()
    try:
        sender.send(row.id, message)
    except PermanentFailure as error:
        _finish(session, row, "failed", str(error))
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        _retry_later(session, row, f"{type(error).__name__}: {error}")
    else:
        _finish(session, row, "sent", None)
    return row.status


def _finish(session: Session, row: Outbox, status: str, error: str | None) -> None:
    row.status = status
    row.attempts += 1
    row.last_error = error
    row.payload = None  # the confirmation token leaves the database with the message
    if status == "sent":
        row.sent_at = utcnow()
    session.commit()


def _retry_later(session: Session, row: Outbox, error: str) -> None:
    row.attempts += 1
    row.last_error = error[:500]
    if row.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        _finish(session, row, "failed", row.last_error)
        return
    delay = min(timedelta(seconds=30 * 2 ** (row.attempts - 1)), MAX_BACKOFF)
    row.next_attempt_at = utcnow() + delay * random.uniform(0.8, 1.2)
    row.status = "queued"
    row.claimed_at = None
    session.commit()
    log.warning("outbox %s: attempt %s failed, retrying in %s", row.id, row.attempts, delay)


def send_batch(session: Session, sender) -> Counter[str]:
    return Counter(
        deliver(session, row_id, sender)
        for row_id in claim(session, current_app.config["MAIL_BATCH"])
    )


def run_worker(
    session_factory, once: bool, poll_seconds: float = 1.0, stop: threading.Event | None = None
) -> Counter[str]:
    """Deliver until stopped (or, with `once`, until nothing is due)."""
    stop = stop or threading.Event()
    sender = transport(current_app.config)
    totals: Counter[str] = Counter()
    with session_factory() as session:
        recover(session)
    try:
        while not stop.is_set():
            with session_factory() as session:
                counts = send_batch(session, sender)
            totals.update(counts)
            if not counts:
                if once:
                    break
                sender.close()  # don't hold an idle SMTP connection open
                stop.wait(poll_seconds)
    finally:
        sender.close()
    return totals


def status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Outbox.status, func.count()).group_by(Outbox.status)).all()
    return dict(rows)
