"""The outbox: mail queued by requests, and every move a message makes through it.

A request never talks to a mail server; it writes an outbox row in the same
transaction as the signature, so a signature and its email stand or fall
together. The worker (worker.py) delivers rows over SMTP, or as .eml files in
development.

Never twice: each message moves queued -> claimed -> sending -> sent, each step
committed. A worker that dies while a row is `claimed` had not started
sending it, so the row is safely queued again; one that dies while a row is
`sending` may or may not have handed it over, so the row becomes `unknown`
and is never retried by itself (`flask mail status` lists them).
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from functools import cache

from sqlalchemy import Insert, func, insert, or_, select, update
from sqlalchemy.orm import Session

from ..models import Mailing, Outbox, OutboxStatus, utcnow

CONFIRM = "confirm"
CONFIRM_AGAIN = "confirm_again"
ALREADY_SIGNED = "already_signed"
THANKS = "thanks"
YOUR_DATA = "your_data"  # a copy of everything held about an address, asked for by its owner
UPDATE = "update"  # a mailing to supporters (updates/mailings.py)
UPDATE_TEST = "update_test"  # an update's copy, marked [TEST], to staff (updates/operations.py)
STORY_CONFIRM = "story_confirm"  # the link that confirms a story (stories/)
STORY_PERMISSION = "story_permission"  # staff ask for the consents a story lacks

SUBJECTS = {
    CONFIRM: "Please confirm your signature: {title}",
    CONFIRM_AGAIN: "You already signed: please confirm your signature: {title}",
    ALREADY_SIGNED: "You have already signed: {title}",
    THANKS: "Thank you for signing: {title}",
    YOUR_DATA: "The data we hold about you",
    STORY_CONFIRM: "Please confirm your story",
    STORY_PERMISSION: "May we share your story?",
}
MAX_BACKOFF = timedelta(hours=6)
GONE = "gone"  # a row's status once its person was forgotten while it waited

log = logging.getLogger(__name__)


def enqueue(
    session: Session,
    kind: str,
    signature_id: int | None,
    payload: dict | None = None,
    supporter_id: int | None = None,
) -> None:
    session.add(
        Outbox(kind=kind, signature_id=signature_id, payload=payload, supporter_id=supporter_id)
    )


@cache
def insert_statement() -> Insert:
    """enqueue as one prepared INSERT, for paths that run thousands of times a second
    (execute it with `message(...)`; the model's defaults apply)."""
    return insert(Outbox.__table__)


def message(kind: str, signature_id: int, payload: dict | None = None) -> dict:
    return {"kind": kind, "signature_id": signature_id, "payload": payload}


def recover(session: Session, claim_timeout: timedelta) -> dict[str, int]:
    """After a crash: requeue rows claimed but never started, set aside rows caught mid-send.

    A claim older than `claim_timeout` belongs to a worker that died: a live one
    stamps a row again when it starts sending it, and sends within seconds.
    """
    stale = utcnow() - claim_timeout
    requeued = session.execute(
        update(Outbox)
        .where(Outbox.status == OutboxStatus.CLAIMED, Outbox.claimed_at < stale)
        .values(status=OutboxStatus.QUEUED, claimed_at=None, claimed_by=None)
    ).rowcount
    unknown = session.execute(
        update(Outbox)
        .where(Outbox.status == OutboxStatus.SENDING, Outbox.claimed_at < stale)
        .values(
            status=OutboxStatus.UNKNOWN,
            last_error="worker stopped while sending; not retried",
            payload=None,  # never resent, so its link leaves the database too
        )
    ).rowcount
    return {"requeued": requeued, "unknown": unknown}


def claim(session: Session, limit: int, owner: str) -> list[int]:
    """Take up to `limit` due messages for the worker `owner`; other workers skip them.

    Personal mail (a confirmation link) before bulk, then oldest first: a mailing of
    200,000 queued a minute ago never delays a signer waiting to confirm. The
    messages of a paused mailing stay where they are.
    """
    now = utcnow()
    due = (
        select(Outbox.id)
        .where(
            Outbox.status == OutboxStatus.QUEUED,
            Outbox.next_attempt_at <= now,
            or_(Outbox.mailing_id.is_(None), Outbox.mailing_id.not_in(paused_mailings())),
        )
        .order_by(Outbox.priority, Outbox.id)
        .limit(limit)
    )
    if session.bind.dialect.name == "postgresql":
        # Only Outbox's rows are locked (OF), and the CTE is computed once: a LIMIT
        # inside `IN (subquery)` can be planned as a join that takes more rows.
        due = due.with_for_update(skip_locked=True, of=Outbox)
    taken = due.cte("due").prefix_with("MATERIALIZED")
    ids = session.execute(
        update(Outbox)
        .where(Outbox.id.in_(select(taken.c.id)), Outbox.status == OutboxStatus.QUEUED)
        .values(status=OutboxStatus.CLAIMED, claimed_at=now, claimed_by=owner)
        .returning(Outbox.id, Outbox.priority)
    ).all()
    return [row_id for row_id, _ in sorted(ids, key=lambda row: (row[1], row[0]))]


def start_group(
    session: Session, owner: str, ready: list[int], skipped: list[int], unwritable: dict[int, str]
) -> tuple[set[int], dict[int, str]]:
    """A group's moves before it is handed over, in the caller's transaction: `ready`
    rows claimed -> sending (committed before any is sent, see above; the claim is
    stamped again, so recovery measures from the moment sending began), `skipped`
    ones (an update whose supporter stopped receiving updates) -> skipped, and
    `unwritable` ones (row -> why it could not be composed) -> failed, unsent.

    Only rows still this worker's claim move: another worker's recovery may have
    taken one back while a slow batch ran, and another worker claimed it since.
    Returns the rows to send, and every other row's new status."""
    now = utcnow()
    mine = set(_from_claim(session, owner, ready, status=OutboxStatus.SENDING, claimed_at=now))
    skip = {"status": OutboxStatus.SKIPPED, "payload": None}
    moved = dict.fromkeys(_from_claim(session, owner, skipped, **skip), str(OutboxStatus.SKIPPED))
    for row_id, reason in unwritable.items():  # rare: a statement each
        fail = {"status": OutboxStatus.FAILED, "attempts": Outbox.attempts + 1, "payload": None}
        if _from_claim(session, owner, [row_id], **fail, last_error=reason[:500], claimed_at=now):
            moved[row_id] = str(OutboxStatus.FAILED)
    others = [i for i in (*ready, *skipped, *unwritable) if i not in mine and i not in moved]
    return mine, moved | statuses(session, others)


def _from_claim(session: Session, owner: str, ids: list[int], **values) -> list[int]:
    """Change rows only while they are still this worker's claim: the ids it changed."""
    if not ids:
        return []
    statement = update(Outbox).where(Outbox.id.in_(ids), *still_claimed(owner))
    return list(session.scalars(statement.values(**values).returning(Outbox.id)))


def still_claimed(owner: str) -> tuple:
    """Rows still claimed by this worker: its recovery, or another's, may have taken them."""
    return Outbox.status == OutboxStatus.CLAIMED, Outbox.claimed_by == owner


def statuses(session: Session, ids: list[int]) -> dict[int, str]:
    """Each row's status, read in one statement; GONE for a row erased meanwhile."""
    if not ids:
        return {}
    found = dict(session.execute(select(Outbox.id, Outbox.status).where(Outbox.id.in_(ids))).all())
    return {i: str(found[i]) if i in found else GONE for i in ids}


def record(
    session: Session, outcomes: dict[int, tuple[OutboxStatus | None, str | None]], max_attempts: int
) -> dict[int, str]:
    """What became of a group handed over, each row's (status, error) with a status of
    None for "try again later", recorded in the caller's transaction; returns each
    row's new status. The sent in one statement; the rest (rare) read in one, then
    each failed, or queued again after its backoff until it has had `max_attempts`.
    A row recovered as unknown meanwhile is left so."""
    sent = [i for i, (status, _) in outcomes.items() if status == OutboxStatus.SENT]
    done = dict.fromkeys(_sent_many(session, sent), str(OutboxStatus.SENT))
    rest = [i for i in outcomes if i not in done]
    rows = _locked(session, rest)
    for row_id in rest:
        row = rows.get(row_id)
        if row is not None and row.status == OutboxStatus.SENDING:
            status, error = outcomes[row_id]
            if status is not None:
                _finish(row, status, error)
            elif (delay := _retry_later(row, error, max_attempts)) is not None:
                log.warning(
                    "outbox %s: attempt %s failed, retrying in %s", row.id, row.attempts, delay
                )
        done[row_id] = GONE if row is None else str(row.status)
    return done


def _locked(session: Session, ids: list[int]) -> dict[int, Outbox]:
    """The rows, read in one statement and locked (PostgreSQL) until the transaction
    ends, so a recovery that set one aside meanwhile is seen and not written over."""
    if not ids:
        return {}
    rows = session.scalars(select(Outbox).where(Outbox.id.in_(ids)).with_for_update())
    return {row.id: row for row in rows}


def _sent_many(session: Session, ids: list[int]) -> list[int]:
    """sending -> sent for a group handed over, in one statement (_finish for one row);
    a row recovered as unknown meanwhile stays so."""
    if not ids:
        return []
    return list(
        session.scalars(
            update(Outbox)
            .where(Outbox.id.in_(ids), Outbox.status == OutboxStatus.SENDING)
            .values(
                status=OutboxStatus.SENT,
                attempts=Outbox.attempts + 1,
                last_error=None,
                payload=None,
                sent_at=utcnow(),
            )
            .returning(Outbox.id)
        )
    )


def _finish(row: Outbox, status: OutboxStatus, error: str | None) -> None:
    row.status = status
    row.attempts += 1
    row.last_error = error[:500] if error else None
    row.payload = None  # the confirmation token leaves the database with the message
    if status == OutboxStatus.SENT:
        row.sent_at = utcnow()


def _retry_later(row: Outbox, error: str, max_attempts: int) -> timedelta | None:
    """Queue the message again after a backoff; None when it has had its attempts (failed)."""
    if row.attempts + 1 >= max_attempts:
        _finish(row, OutboxStatus.FAILED, error)
        return None
    row.attempts += 1
    row.last_error = error[:500]
    delay = min(timedelta(seconds=30 * 2 ** (row.attempts - 1)), MAX_BACKOFF)
    row.next_attempt_at = utcnow() + delay * random.uniform(0.8, 1.2)
    row.status = OutboxStatus.QUEUED
    row.claimed_at = None
    row.claimed_by = None
    return delay


def paused_mailings():
    return select(Mailing.id).where(Mailing.paused_at.is_not(None))


def status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Outbox.status, func.count()).group_by(Outbox.status)).all()
    return {str(status): count for status, count in rows}
