"""`flask mail bounces FILE`: returned messages, complaints and unsubscribe requests by mail.

Reads an mbox file or a Maildir folder and changes nothing in it (archive or
empty it afterwards). Each message is one of:

- an unsubscribe request: a Subject carrying `unsubscribe-<link key>`, as the
  List-Unsubscribe mailto of every update writes it (sent to
  MAIL_UNSUBSCRIBE_ADDRESS; the address it reached is not checked, as
  forwarding rewrites it: the key is the secret, as in the unsubscribe link);
- a complaint: an ARF feedback report (RFC 5965, multipart/report;
  report-type=feedback-report) from a provider's feedback loop;
- a returned message: an RFC 3464 DSN, or one of the older formats
  flufl.bounce knows. A failed recipient is a hard bounce unless its DSN
  status is 4.x.x (a temporary cause the sender gave up on: soft), a delayed
  one a soft bounce.

The rules are events.py's, with "dsn" (or "arf") as the source, and each event is
dated by the returned message's Date: reading the same mailbox twice applies
nothing twice. A bounce or complaint is believed only when it quotes the
Message-ID of a message we sent to that very address (mail/message_ids.py): anyone
can mail MAIL_FROM a forged report naming a supporter, and a complaint is sticky.
Counts only, never an address, in what it prints and logs.
"""

from __future__ import annotations

import logging
import mailbox
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import Message
from email.parser import HeaderParser
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path

from flufl.bounce import all_failures
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import db
from ..models import Supporter, utcnow
from ..models.supporters import withdrawn
from . import events
from .providers import Event

log = logging.getLogger(__name__)

UNSUBSCRIBE = re.compile(r"unsubscribe-([A-Za-z0-9_-]{20,64})")
# What `flask mail bounces` prints, in this order.
LABELS = {
    "messages": "messages read",
    "hard_bounces": "hard bounces",
    "soft_bounces": "soft bounces",
    "complaints": "complaints",
    "unsubscribes": "unsubscribes",
    "repeated": "already applied",
    "unverified": "ignored: not about a message we sent to that address (no Message-ID of ours)",
    "unknown_addresses": "unknown addresses or keys (not our supporters)",
    "not_recognised": "not recognised (no bounce, complaint or unsubscribe request)",
}


class Unreadable(Exception):
    """FILE is neither an mbox nor a Maildir holding messages."""


def read(path: Path) -> Counter:
    """Apply every message in the mailbox at `path`; counts by LABELS' keys."""
    counts = Counter(dict.fromkeys(LABELS, 0))
    for number, message in enumerate(_messages(path), 1):
        counts["messages"] += 1
        try:
            key, found = _examine(message)
        except Exception as error:  # one odd message must not stop the rest
            log.warning("message %d could not be read: %s", number, type(error).__name__)
            counts["not_recognised"] += 1
            continue
        if key is None and not found:
            counts["not_recognised"] += 1
            continue
        now = utcnow()
        with db.writing() as session:
            if key is not None:
                counts[_unsubscribe(session, key, now)] += 1
                continue
            ours = [event for event in found if events.sent_by_us(session, event)]
            counts["unverified"] += len(found) - len(ours)
            source = "arf" if all(event.kind == "complaint" for event in found) else "dsn"
            counts.update(events.apply(session, ours, source, now))
    if counts["messages"] == 0 and path.is_file() and path.stat().st_size:
        raise Unreadable(
            f"no messages found in {path}: is it an mbox (each message after a 'From ' line) "
            "or a Maildir folder (cur/, new/, tmp/)?"
        )
    return counts


def _messages(path: Path) -> Iterator[Message]:
    if path.is_dir():
        if not (path / "cur").is_dir() or not (path / "new").is_dir():
            raise Unreadable(f"{path} is a folder but not a Maildir (no cur/ and new/ inside)")
        box = mailbox.Maildir(path, factory=None, create=False)
    else:
        box = mailbox.mbox(path, create=False)
    try:
        yield from box
    finally:
        box.close()


def _examine(message: Message) -> tuple[str | None, list[Event]]:
    """An unsubscribe request's link key, or the bounces and complaints a message reports."""
    report = message.get_content_type() == "multipart/report"
    if not report:
        found = UNSUBSCRIBE.search(_subject(message))
        if found:
            return found.group(1), []
    when = _date(message)
    message_id = _original_message_id(message)
    if report and str(message.get_param("report-type", "")).lower() == "feedback-report":
        return None, [
            Event("complaint", address, True, message_id, when)
            for address in _complainants(message)
        ]
    delayed, failed = ({a.decode().lower() for a in found} for found in all_failures(message))
    hard = failed - _transient_failures(message)
    soft = (delayed | failed) - hard
    return None, [
        *(Event("bounce", a, True, message_id, when) for a in sorted(hard)),
        *(Event("bounce", a, False, message_id, when) for a in sorted(soft)),
    ]


def _subject(message: Message) -> str:
    try:
        return str(make_header(decode_header(message.get("Subject", ""))))
    except (LookupError, UnicodeError, ValueError):
        return str(message.get("Subject", ""))


def _date(message: Message) -> datetime | None:
    try:
        when = parsedate_to_datetime(message.get("Date", ""))
    except (TypeError, ValueError, IndexError):
        return None
    # "-0000" (UTC, as most servers write it) and a missing zone come back naive.
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _parts(message: Message, content_type: str) -> Iterator[Message]:
    return (part for part in message.walk() if part.get_content_type() == content_type)


def _original_message_id(message: Message) -> str | None:
    """The Message-ID of the message that came back, from the copy or headers returned."""
    for part in _parts(message, "message/rfc822"):
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        if isinstance(inner, Message) and inner.get("Message-ID"):
            return str(inner["Message-ID"])
    for part in _parts(message, "text/rfc822-headers"):
        text = part.get_payload(decode=True) or b""
        headers = HeaderParser().parsestr(text.decode("utf-8", "replace"))
        if headers.get("Message-ID"):
            return str(headers["Message-ID"])
    return None


def _transient_failures(message: Message) -> set[str]:
    """Recipients a DSN reports failed with a 4.x.x status: the sending server gave up,
    but for a cause that passes (a full mailbox), so only a soft bounce."""
    found = set()
    for part in _parts(message, "message/delivery-status"):
        blocks = part.get_payload()
        for block in blocks if isinstance(blocks, list) else []:
            action = str(block.get("Action", "")).strip().lower()
            status = str(block.get("Status", "")).strip()
            if not action.startswith("fail") or not status.startswith("4"):
                continue
            for field in ("Original-Recipient", "Final-Recipient"):
                _, _, address = str(block.get(field, "")).partition(";")
                if address.strip():
                    found.add(parseaddr(address.strip())[1].lower())
    return found


def _complainants(message: Message) -> list[str]:
    """Whom an ARF report is about: Original-Rcpt-To, else the returned message's To."""
    for part in _parts(message, "message/feedback-report"):
        fields = part.get_payload()
        fields = fields[0] if isinstance(fields, list) and fields else fields
        if not isinstance(fields, Message):
            continue
        if str(fields.get("Feedback-Type", "")).strip().lower() == "not-spam":
            return []
        recipients = [parseaddr(str(v))[1] for v in fields.get_all("Original-Rcpt-To", [])]
        if any(recipients):
            return [r for r in recipients if r]
    for part in _parts(message, "message/rfc822"):
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        if isinstance(inner, Message) and parseaddr(str(inner.get("To", "")))[1]:
            return [parseaddr(str(inner["To"]))[1]]
    return []


def _unsubscribe(session: Session, key: str, now: datetime) -> str:
    """An unsubscribe request by mail: what the link's button does (models' withdrawn)."""
    supporter = session.scalar(select(Supporter).where(Supporter.link_key == key).with_for_update())
    if supporter is None:
        return "unknown_addresses"
    return "unsubscribes" if withdrawn(session, supporter, "mail", now) else "repeated"
