"""Public counts: cheap to read under load, exact after a refresh.

Confirmations do not touch a shared counter row (that row would serialise
every confirmation). Instead a refresh, at most every COUNT_REFRESH_SECONDS
per process, folds newly confirmed signatures into `petition_counts` in one
batch. Marking rows `counted` in the same statement that reads them makes a
refresh safe to run from any number of processes at once: each row is
counted by exactly one of them.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from . import db
from .models import PetitionCount, Signature, Status

UNKNOWN_STATE = ""

_snapshots: dict[tuple[int, int], tuple[float, dict[str, int]]] = {}
_lock = threading.Lock()


def fold_new_confirmations(session: Session, petition_id: int) -> int:
    """Add confirmed-but-uncounted signatures to the counts; returns how many."""
    states = session.scalars(
        update(Signature)
        .where(
            Signature.petition_id == petition_id,
            Signature.status == Status.VALIDATED,
            Signature.counted.is_(False),
        )
        .values(counted=True)
        .returning(Signature.state)
    ).all()
    for state, added in Counter(states).items():
        _add(session, petition_id, state or UNKNOWN_STATE, added)
    return len(states)


def _add(session: Session, petition_id: int, state: str, added: int) -> None:
    changed = session.execute(
        update(PetitionCount)
        .where(PetitionCount.petition_id == petition_id, PetitionCount.state == state)
        .values(validated=PetitionCount.validated + added)
    ).rowcount
    if not changed:
        session.add(PetitionCount(petition_id=petition_id, state=state, validated=added))
        session.flush()


def uncount(session: Session, signature: Signature) -> None:
    """Take a counted signature out of the count (staff invalidated it)."""
    if signature.counted:
        _add(session, signature.petition_id, signature.state or UNKNOWN_STATE, -1)
        signature.counted = False


def recount(session: Session, petition_id: int) -> dict[str, int]:
    """Rebuild a petition's counts from its signatures: repairs any drift."""
    session.execute(delete(PetitionCount).where(PetitionCount.petition_id == petition_id))
    session.execute(
        update(Signature)
        .where(Signature.petition_id == petition_id)
        .values(counted=Signature.status == Status.VALIDATED)
    )
    rows = session.execute(
        select(Signature.state, func.count())
        .where(Signature.petition_id == petition_id, Signature.status == Status.VALIDATED)
        .group_by(Signature.state)
    ).all()
    for state, count in rows:
        session.add(PetitionCount(petition_id=petition_id, state=state, validated=count))
    session.flush()
    return {state: count for state, count in rows}


def by_state(session: Session, petition_id: int) -> dict[str, int]:
    rows = session.execute(
        select(PetitionCount.state, PetitionCount.validated)
        .where(PetitionCount.petition_id == petition_id, PetitionCount.validated > 0)
        .order_by(PetitionCount.state)
    ).all()
    return {state: validated for state, validated in rows}


def snapshot(petition_id: int, refresh_seconds: float) -> dict[str, int]:
    """Counts by state, refreshed at most every `refresh_seconds` in this process."""
    key = (id(db.engine()), petition_id)
    now = time.monotonic()
    cached = _snapshots.get(key)
    if cached and cached[0] > now:
        return cached[1]
    with db.write_session() as session:
        fold_new_confirmations(session, petition_id)
        counts = by_state(session, petition_id)
    with _lock:
        _snapshots[key] = (now + refresh_seconds, counts)
    return counts


def forget_cached() -> None:
    with _lock:
        _snapshots.clear()
