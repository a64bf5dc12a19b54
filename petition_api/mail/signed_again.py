"""Someone signs again with an address that has signed: answered by the worker.

The request that brings such a submission does what a first signature's does,
one INSERT that finds the address taken and one INSERT into a queue
(signing/recording.py), so the answer takes the same time either way and its
timing cannot tell anyone whether an address has signed. Here, after the
response has gone, the worker decides what the address's owner hears, in
the order the submissions came:

- confirmed already: "you have already signed", with no link;
- still pending: the newest words replace the old and a fresh link goes out,
  since someone may have used this address first with their own words (the
  confirmation page shows the words before the button);
- set aside by the abuse checks: the person's own clean submission replaces it;
- past the notice cap, or invalidated by staff: no message; a pending
  signature still takes the newest words, confirmed through the link already sent.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import Connection, Insert, delete, func, insert, select
from sqlalchemy.orm import Session

from ..models import Signature, SignedAgain, Status
from . import outbox

# One answerer at a time on PostgreSQL (a transaction-scoped advisory lock), so
# submissions are answered in the order they came even with several workers.
ANSWERING_LOCK = 0x5349474E4544  # "SIGNED"
_DATES = ("created_at", "confirm_expires_at")


def queue(connection: Connection, submitted: dict, token: str) -> None:
    """Called by the request, in its transaction: one INSERT, like a first signature's mail."""
    submission = {k: v.isoformat() if k in _DATES else v for k, v in submitted.items()}
    connection.execute(
        _queue_insert(),
        {
            "petition_id": submitted["petition_id"],
            "email_canonical": submitted["email_canonical"],
            "submission": submission | {"token": token},
            "created_at": submitted["created_at"],
        },
    )


def answer(session: Session, limit: int, cap: int, now: datetime) -> int:
    """Answer up to `limit` queued submissions, oldest first; returns how many."""
    if session.bind.dialect.name == "postgresql" and not session.scalar(
        select(func.pg_try_advisory_xact_lock(ANSWERING_LOCK))
    ):
        return 0  # another worker is answering; its turn ends with its transaction
    rows = session.execute(
        select(SignedAgain.id, SignedAgain.submission).order_by(SignedAgain.id).limit(limit)
    ).all()
    connection = session.connection()
    for row in rows:
        submitted = {
            k: datetime.fromisoformat(v) if k in _DATES else v for k, v in row.submission.items()
        }
        _answer(connection, submitted, submitted.pop("token"), cap, now)
    # By id, not "up to the last id": on PostgreSQL a lower id can commit later.
    session.execute(delete(SignedAgain).where(SignedAgain.id.in_([row.id for row in rows])))
    return len(rows)


def _answer(connection: Connection, submitted: dict, token: str, cap: int, now: datetime) -> None:
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


def waiting(session: Session) -> int:
    """How many wait to be answered (`flask mail status`): a number that keeps growing
    means no worker is running."""
    return session.scalar(select(func.count()).select_from(SignedAgain))


@cache
def _queue_insert() -> Insert:
    return insert(SignedAgain.__table__)
