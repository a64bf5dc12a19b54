"""Bounces and complaints: checking a signed delivery, reading it, and what each event changes.

A delivery reaches `POST /api/mail/events` (routes.py) signed with HMAC-SHA256
under GROUNDSWELL_MAIL_EVENTS_SECRET:

    Groundswell-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">

A delivery without it, with another signature, or signed more than
MAIL_EVENTS_MAX_AGE seconds from our clock is refused before the database is
touched; an accepted one leaves a receipt (the SHA-256 of "<t>.<body>", kept
until it would be stale anyway), so the same bytes are never taken twice.

What the events change (the same for returned messages read by
`flask mail bounces`, mailbox.py):

- a hard (permanent) bounce: the supporter becomes `bouncing`;
- a complaint: `spam_complaint`, with a ConsentEvent withdrawn from "complaint"
  (only the person lifts it, on the preferences page);
- a soft bounce is recorded; SOFT_BOUNCES of them within SOFT_WINDOW (counted
  from when the address was last subscribed) make it `bouncing`.

Every event for a supporter is a DeliveryEvent row (no address in it); an
event repeating one already recorded (same supporter, kind and time) changes
nothing; an event for an address we do not know is only counted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from werkzeug.exceptions import BadRequest, Unauthorized, UnprocessableEntity

from ..email_addresses import canonical_email
from ..mail import message_ids
from ..models import (
    ConsentAction,
    ConsentEvent,
    DeliveryEvent,
    EmailStatus,
    EventReceipt,
    Outbox,
    Signature,
    Supporter,
)
from .providers import Event, postmark, ses

HEADER = "Groundswell-Signature"
SIGNATURE = re.compile(r"t=(\d{1,12})((?:,v1=[0-9a-fA-F]{64}){1,4})")
SOFT_BOUNCES = 3
SOFT_WINDOW = timedelta(days=30)
MAX_EVENTS = 1000
CLOCK_SKEW = timedelta(minutes=10)
OUTCOMES = ("hard_bounces", "soft_bounces", "complaints", "unknown_addresses", "repeated")


@dataclass(frozen=True)
class Parsed:
    events: list[Event]
    not_bounces: int  # records that report no bounce or complaint (a delivery, an open...)


# -- Checking the signature -------------------------------------------------------------


def signed_at(header: str | None, now: datetime, max_age: int) -> tuple[int, list[str]]:
    """The signature's time and its v1 values, if the header is well formed and fresh."""
    if not header:
        raise Unauthorized(
            f"Unsigned: send a {HEADER} header, t=<unix seconds>,v1=<hex HMAC-SHA256 of "
            '"<t>.<body>" under GROUNDSWELL_MAIL_EVENTS_SECRET>.'
        )
    found = SIGNATURE.fullmatch(header.replace(" ", ""))
    if found is None:
        raise Unauthorized(
            f"The {HEADER} header must read t=<unix seconds>,v1=<64 hex digits> "
            "(up to four v1 values)."
        )
    t = int(found.group(1))
    off = abs(now.timestamp() - t)
    if off > max_age:
        raise Unauthorized(
            f"Stale: the signature's time is {int(off)} seconds from ours, and at most "
            f"{max_age} (MAIL_EVENTS_MAX_AGE) is accepted. Sign each delivery as it is sent."
        )
    return t, [value.lower() for value in found.group(2).split(",v1=")[1:]]


def verify(secret: str, t: int, signatures: list[str], body: bytes) -> str:
    """The delivery's digest (its receipt), if one of the signatures is the body's."""
    signed = f"{t}.".encode() + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    # compare_digest with each, without stopping early: the time does not say which matched.
    if not sum(hmac.compare_digest(expected, value) for value in signatures):
        raise Unauthorized(
            'The signature does not match: sign "<t>.<body>" (the exact bytes sent) with '
            "HMAC-SHA256 under the shared secret and send it as hex."
        )
    return hashlib.sha256(signed).hexdigest()


def received(session: Session, digest: str, t: int, now: datetime, max_age: int) -> bool:
    """Keep the delivery's receipt: False if it was already taken (a replay).

    A receipt is dated by the signature's own time and purged once that time is
    stale, when the delivery would be refused as stale anyway.
    """
    session.execute(delete(EventReceipt).where(EventReceipt.at < now - timedelta(seconds=max_age)))
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    signed = datetime.fromtimestamp(t, tz=now.tzinfo)
    kept = session.scalar(
        dialect.insert(EventReceipt)
        .values(digest=digest, at=signed)
        .on_conflict_do_nothing(index_elements=["digest"])
        .returning(EventReceipt.digest)  # rowcount is -1 here on psycopg: ask for the row
    )
    return kept is not None


# -- Reading the body ------------------------------------------------------------------

FORMATS = ("generic", "ses", "postmark")


def chosen_format(value: str) -> str:
    """The `format` query parameter: which of FORMATS the body is in."""
    if value not in FORMATS:
        raise BadRequest(f"format must be one of {', '.join(FORMATS)} (a query parameter).")
    return value


def parse(format: str, body: bytes) -> Parsed:
    """The events a delivery reports, in one of FORMATS; 400 or 422 saying what is wrong."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("The body is not JSON (UTF-8).") from None
    try:
        if format == "ses":
            events, not_bounces = ses(payload)
        elif format == "postmark":
            events, not_bounces = postmark(payload)
        else:
            events, not_bounces = generic(payload), 0
    except ValueError as error:
        raise UnprocessableEntity(str(error)) from None
    if len(events) > MAX_EVENTS:
        raise UnprocessableEntity(f"At most {MAX_EVENTS} events in one delivery: send several.")
    return Parsed(events, not_bounces)


def generic(payload) -> list[Event]:
    """{"events": [{"type": "bounce"|"complaint", "email": ..., "permanent": true|false,
    "message_id": "<...>", "occurred_at": "2025-01-31T12:00:00Z"}]}"""
    items = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not items:
        raise ValueError(
            'The body must be an object with a non-empty "events" list: '
            '{"events": [{"type": "bounce", "email": "...", "permanent": true}]}.'
        )
    return [_generic_event(item, f"events[{i}]") for i, item in enumerate(items)]


def _generic_event(item, where: str) -> Event:
    if not isinstance(item, dict):
        raise ValueError(f"{where} must be an object.")
    kind = item.get("type")
    if kind not in ("bounce", "complaint"):
        raise ValueError(f'{where}.type must be "bounce" or "complaint".')
    permanent = item.get("permanent", True if kind == "complaint" else None)
    if not isinstance(permanent, bool):
        raise ValueError(
            f"{where}.permanent must be true (a hard bounce) or false (a soft bounce)."
        )
    return Event.of(
        kind,
        item.get("email"),
        permanent or kind == "complaint",
        item.get("message_id"),
        item.get("occurred_at"),
        where,
    )


# -- Applying ---------------------------------------------------------------------------


def apply(session: Session, events: Iterable[Event], source: str, now: datetime) -> Counter:
    """Apply each event (source: generic, ses, postmark, dsn); counts by outcome (OUTCOMES)."""
    counts = Counter(dict.fromkeys(OUTCOMES, 0))
    # Each supporter's row is locked while their events apply (so two deliveries at once
    # count each other's soft bounces), always in address order: no deadlock.
    for event in sorted(events, key=lambda event: canonical_email(event.email)):
        counts[_apply(session, event, source, now)] += 1
    return counts


def _apply(session: Session, event: Event, source: str, now: datetime) -> str:
    canonical = canonical_email(event.email)
    supporter = session.scalar(
        select(Supporter)
        .where(Supporter.email_canonical == canonical)
        .with_for_update()
        .execution_options(populate_existing=True)  # as marked by an earlier event here
    )
    if supporter is None:
        return "unknown_addresses"
    complaint = event.kind == "complaint"
    # Dated when it happened; a time further ahead than clocks drift apart is not believed.
    dated = event.occurred_at is not None and event.occurred_at <= now + CLOCK_SKEW
    at = event.occurred_at if dated else now
    if dated and _recorded(session, supporter.id, event, source, at):
        return "repeated"
    mailing_id = _mailing(session, event.message_id, supporter.id)
    session.add(
        DeliveryEvent(
            kind=event.kind,
            permanent=event.permanent,
            supporter_id=supporter.id,
            mailing_id=mailing_id,
            source=source,
            at=at,
        )
    )
    if complaint:
        if session.execute(Supporter.mark(supporter.id, EmailStatus.SPAM_COMPLAINT, now)).rowcount:
            session.add(
                ConsentEvent(
                    supporter_id=supporter.id,
                    action=ConsentAction.WITHDRAWN,
                    source="complaint",
                    mailing_id=mailing_id,
                    at=now,
                )
            )
        return "complaints"
    if event.permanent or _soft_bounces(session, supporter, now) >= SOFT_BOUNCES:
        session.execute(Supporter.mark(supporter.id, EmailStatus.BOUNCING, now))
    return "hard_bounces" if event.permanent else "soft_bounces"


def _recorded(session: Session, supporter_id: int, event: Event, source: str, at) -> bool:
    """This very event was applied before (a provider's retry, a mailbox read twice)."""
    return (
        session.scalar(
            select(DeliveryEvent.id)
            .where(
                DeliveryEvent.supporter_id == supporter_id,
                DeliveryEvent.kind == event.kind,
                DeliveryEvent.permanent == event.permanent,
                DeliveryEvent.source == source,
                DeliveryEvent.at == at,
            )
            .limit(1)
        )
        is not None
    )


def sent_by_us(session: Session, event: Event) -> bool:
    """Does the event quote the Message-ID of a message we sent to its address? What
    makes a returned message believable: anyone can mail a DSN or an abuse report."""
    row_id = message_ids.outbox_row(event.message_id)
    if row_id is None:
        return False
    canonical = canonical_email(event.email)
    return (
        session.scalar(
            select(Outbox.id)
            .outerjoin(Supporter, Supporter.id == Outbox.supporter_id)
            .outerjoin(Signature, Signature.id == Outbox.signature_id)
            .where(
                Outbox.id == row_id,
                or_(Supporter.email_canonical == canonical, Signature.email_canonical == canonical),
            )
        )
        is not None
    )


def _mailing(session: Session, message_id: str | None, supporter_id: int) -> int | None:
    """The mailing the bounced message belonged to, named by its Message-ID's outbox row
    (only if that row was addressed to this supporter)."""
    row_id = message_ids.outbox_row(message_id)
    if row_id is None:
        return None
    return session.scalar(
        select(Outbox.mailing_id).where(Outbox.id == row_id, Outbox.supporter_id == supporter_id)
    )


def _soft_bounces(session: Session, supporter: Supporter, now: datetime) -> int:
    """Soft bounces within the window, counted from when the address was last subscribed
    (a person who subscribes again starts afresh). Includes the one just added."""
    since = now - SOFT_WINDOW
    if supporter.status == EmailStatus.SUBSCRIBED:
        since = max(since, supporter.status_changed_at)
    return session.scalar(
        select(func.count())
        .select_from(DeliveryEvent)
        .where(
            DeliveryEvent.supporter_id == supporter.id,
            DeliveryEvent.kind == "bounce",
            DeliveryEvent.permanent.is_(False),
            DeliveryEvent.at >= since,
        )
    )
