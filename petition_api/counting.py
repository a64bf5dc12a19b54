"""Public counts: cheap to read under load, exact after a refresh.

Confirmations do not touch a shared counter row (that row would serialise
every confirmation). Instead a refresh, at most every COUNT_REFRESH_SECONDS
per process, folds newly confirmed signatures into `petition_counts` in one
batch. Marking rows `counted` in the same statement that reads them makes a
refresh safe to run from any number of processes at once: each row is
counted by exactly one of them.

Refreshes are aligned to the wall clock: every process's cache expires at the
same multiples of COUNT_REFRESH_SECONDS, and a refresh in the interval starting
at T folds only signatures confirmed before T. So every process serves the same
counts during one interval whenever it refreshed, and a reader whose requests
land on different processes never sees the count go backwards (bar a
confirmation whose transaction straddles T, and staff invalidations, which are
meant to lower it). A confirmation is counted by the end of its interval, at
most COUNT_REFRESH_SECONDS later.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from . import db
from .models import PetitionCount, Signature, Status

UNKNOWN_STATE = ""

_snapshots: dict[tuple[int, int], tuple[float, dict[str, int]]] = {}
_responses: dict[tuple, tuple[float, object]] = {}
_lock = threading.Lock()
T = TypeVar("T")


def interval(refresh_seconds: float, now: float | None = None) -> tuple[float, float]:
    """(start, end) of the refresh interval holding `now`, in epoch seconds."""
    now = time.time() if now is None else now
    if refresh_seconds <= 0:
        return now, now
    start = math.floor(now / refresh_seconds) * refresh_seconds
    return start, start + refresh_seconds


def fold_new_confirmations(
    session: Session, petition_id: int, confirmed_before: datetime | None = None
) -> int:
    """Add confirmed-but-uncounted signatures to the counts; returns how many.

    With `confirmed_before`, only signatures confirmed before that moment (or
    with no confirmation time) are folded.
    """
    conditions = [
        Signature.petition_id == petition_id,
        Signature.status == Status.VALIDATED,
        Signature.counted.is_(False),
    ]
    if confirmed_before is not None:
        conditions.append(
            or_(Signature.validated_at.is_(None), Signature.validated_at < confirmed_before)
        )
    states = session.scalars(
        update(Signature).where(*conditions).values(counted=True).returning(Signature.state)
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
    """Counts by state as of the start of the current refresh interval, cached until its end."""
    key = (id(db.engine()), petition_id)
    start, end = interval(refresh_seconds)
    cached = _snapshots.get(key)
    if cached and cached[0] > time.time():
        return cached[1]
    cutoff = datetime.fromtimestamp(start, UTC) if refresh_seconds > 0 else None
    with db.write_session() as session:
        fold_new_confirmations(session, petition_id, cutoff)
        counts = by_state(session, petition_id)
    with _lock:
        _snapshots[key] = (end, counts)
    return counts


def cached_until_refresh(key: tuple, refresh_seconds: float, build: Callable[[], T]) -> T:
    """`build()`'s result, kept in this process until the current refresh interval ends.

    For whole public answers made of counts (GET /api/petitions/<slug>): every
    process rebuilds them at the same moments, so they agree with each other.
    """
    key = (id(db.engine()), *key)
    cached = _responses.get(key)
    if cached and cached[0] > time.time():
        return cached[1]  # type: ignore[return-value]
    value = build()
    # None (say, an unknown slug) is never kept: the cache holds only real answers.
    if refresh_seconds > 0 and value is not None:
        with _lock:
            _responses[key] = (interval(refresh_seconds)[1], value)
    return value


def cached_value(key: tuple, engine_id: int):
    """What cached_until_refresh holds for `key` right now, or None."""
    cached = _responses.get((engine_id, *key))
    if cached and cached[0] > time.time():
        return cached[1]
    return None


def forget_cached() -> None:
    with _lock:
        _snapshots.clear()
        _responses.clear()
