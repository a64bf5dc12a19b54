"""Someone signs again with an address that has signed: answered by the worker.

The request that brings such a submission does what a first signature's does,
one INSERT that finds the address taken and one INSERT into a queue
(signing/recording.py), so the answer takes the same time either way and its
timing cannot tell anyone whether an address has signed (a submission the
abuse checks set aside queues a bare mark, dropped unread). Here, after the
response has gone, the worker decides what the address's owner hears, in
the order the submissions came; so does a confirmation link from the same
address opened meanwhile, which cannot wait for the worker (answer_address):

- confirmed already: "you have already signed", with no link;
- still pending: the newest words replace the old and a fresh link goes out,
  since someone may have used this address first with their own words (the
  confirmation page shows the words before the button);
- set aside by the abuse checks: the person's own clean submission replaces it;
- past the notice cap, or invalidated by staff: no message; a pending
  signature still takes the newest words, confirmed through the link already sent.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import cache

from sqlalchemy import Connection, Insert, delete, func, insert, literal, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from .. import db
from ..models import Signature, SignedAgain, Status
from . import outbox

log = logging.getLogger(__name__)

# One answerer at a time on PostgreSQL (a transaction-scoped advisory lock, see
# _take_turn), so submissions are answered in the order they came.
ANSWERING_LOCK = "groundswell.signed_again:"
_DATES = ("created_at", "confirm_expires_at")
SET_ASIDE = {"set_aside": True}


def queue(connection: Connection, submitted: dict | None, token: str) -> None:
    """Called by the request, in its transaction: one INSERT, like a first signature's
    mail. `submitted` is None for a submission the abuse checks set aside: only a
    mark is queued, which keeps nothing of it and which the worker drops."""
    if submitted is None:
        row = {"petition_id": None, "email_canonical": "", "submission": SET_ASIDE}
    else:
        submission = {k: v.isoformat() if k in _DATES else v for k, v in submitted.items()}
        row = {
            "petition_id": submitted["petition_id"],
            "email_canonical": submitted["email_canonical"],
            "submission": submission | {"token": token},
        }
    connection.execute(_queue_insert(), row)


def answer(session: Session, limit: int, cap: int, now: datetime) -> int:
    """Answer up to `limit` queued submissions, oldest first, and drop every mark;
    returns how many rows went. Raises OperationalError when another answerer
    holds the turn for more than five seconds (the worker tries again later)."""
    _take_turn(session, "5s")
    dropped = session.execute(delete(SignedAgain).where(SignedAgain.petition_id.is_(None)))
    rows = session.execute(
        select(SignedAgain.id, SignedAgain.submission)
        .where(SignedAgain.waiting())
        .order_by(SignedAgain.id)
        .limit(limit)
    ).all()
    _answer_rows(session, rows, cap, now)
    return dropped.rowcount + len(rows)


def answer_address(
    session: Session, petition_id: int, email_canonical: str, cap: int, now: datetime
) -> None:
    """Answer now what waits from one address: a confirmation link pressed meanwhile
    must not wait for the worker (nor can anyone hold it off by signing again)."""
    _take_turn(session, "2s")
    rows = session.execute(
        select(SignedAgain.id, SignedAgain.submission)
        .where(
            SignedAgain.petition_id == petition_id,
            SignedAgain.email_canonical == email_canonical,
            SignedAgain.waiting(),
        )
        .order_by(SignedAgain.id)
    ).all()
    _answer_rows(session, rows, cap, now)


def _take_turn(session: Session, wait: str) -> None:
    """One answerer at a time on PostgreSQL, held until the transaction ends; on
    SQLite the write transaction is that already. Keyed by schema: campaigns that
    share a database don't wait for each other. A turn held too long (a frozen
    worker) is an OperationalError, never a wait without end."""
    if session.bind.dialect.name != "postgresql":
        return
    session.execute(select(func.set_config("lock_timeout", wait, True)))  # SET LOCAL
    key = func.hashtextextended(literal(ANSWERING_LOCK) + func.current_schema(), 0)
    session.execute(select(func.pg_advisory_xact_lock(key)))
    session.execute(select(func.set_config("lock_timeout", "0", True)))


def _answer_rows(session: Session, rows, cap: int, now: datetime) -> None:
    """Each under a savepoint: one that fails (say, a row queued by an older release
    that this one cannot read) is undone alone, counted, and left after
    SignedAgain.MAX_ATTEMPTS for staff to see, while the rest are answered."""
    answered = []
    for row in rows:
        try:
            with db.savepoint(session):
                _answer(session.connection(), _decoded(row.submission), cap, now)
        except OperationalError:
            raise  # the database is busy or away: the worker waits and tries the batch again
        except Exception as error:  # this row only; never its content in the log
            log.warning("signed_again %s could not be answered: %s", row.id, type(error).__name__)
            session.execute(
                update(SignedAgain)
                .where(SignedAgain.id == row.id)
                .values(attempts=SignedAgain.attempts + 1, last_error=type(error).__name__)
            )
        else:
            answered.append(row.id)
    # By id, not "up to the last id": on PostgreSQL a lower id can commit later.
    session.execute(delete(SignedAgain).where(SignedAgain.id.in_(answered)))


def _decoded(submission: dict) -> dict:
    return {k: datetime.fromisoformat(v) if k in _DATES else v for k, v in submission.items()}


def _answer(connection: Connection, submitted: dict, cap: int, now: datetime) -> None:
    token = submitted.pop("token")
    petition_id, canonical = submitted["petition_id"], submitted["email_canonical"]
    insert_unless_signed = Signature.insert_unless_signed(connection.dialect.name)
    new_id = connection.execute(insert_unless_signed, submitted).scalar()
    if new_id is not None:
        # The row it met is gone since (retention deleted it unconfirmed): a first signature.
        mail = outbox.message(outbox.CONFIRM, new_id, {"token": token})
        connection.execute(outbox.insert_statement(), mail)
        return
    existing = connection.execute(
        Signature.take_duplicate_notice(petition_id, canonical, cap, now)
    ).first()
    if existing is None:
        connection.execute(Signature.reword_pending(petition_id, canonical, submitted))
        return
    if existing.status == Status.VALIDATED:
        kind, payload = outbox.ALREADY_SIGNED, None
    elif existing.status == Status.PENDING:
        kind, payload = outbox.CONFIRM_AGAIN, {"token": token}
        connection.execute(Signature.renew_pending(existing.id, submitted))
    else:
        kind, payload = outbox.CONFIRM, {"token": token}
        connection.execute(Signature.replace_fraudulent(existing.id, submitted))
    connection.execute(outbox.insert_statement(), outbox.message(kind, existing.id, payload))


def waiting_for(session: Session, petition_id: int, email_canonical: str) -> bool:
    """Whether a submission from this address waits to be answered (confirming asks)."""
    return session.scalar(select(SignedAgain.waiting_for(petition_id, email_canonical)))


def waiting(session: Session) -> tuple[int, int]:
    """(to answer, given up on), for `flask mail status`: a first number that keeps
    growing means no worker is running; the second, rows that need a look."""
    given_up = ~SignedAgain.waiting()
    to_answer, failed = session.execute(
        select(func.count().filter(SignedAgain.waiting()), func.count().filter(given_up)).where(
            SignedAgain.petition_id.is_not(None)  # a bot's marks are nobody's to answer
        )
    ).one()
    return to_answer, failed


@cache
def _queue_insert() -> Insert:
    return insert(SignedAgain.__table__)
