"""The public count, validated signatures per state: cheap under load, exact after a refresh.

Confirmations do not touch a shared counter row (that row would serialise
every confirmation). Instead a refresh, at most every COUNT_REFRESH_SECONDS
per process, folds newly confirmed signatures into `petition_counts` in one
batch (`Signature.count_new` marks and reads them in one statement, so any
number of processes may refresh at once).

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
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from .. import cache, db
from ..models import PetitionCount, Signature, Status

UNKNOWN_STATE = ""
T = TypeVar("T")


def refresh_seconds() -> float:
    return current_app.config["COUNT_REFRESH_SECONDS"]


def interval(seconds: float, now: float | None = None) -> tuple[float, float]:
    """(start, end) of the refresh interval holding `now`, in epoch seconds."""
    now = time.time() if now is None else now
    if seconds <= 0:
        return now, now
    start = math.floor(now / seconds) * seconds
    return start, start + seconds


def fold_new_confirmations(
    session: Session, petition_id: int, confirmed_before: datetime | None = None
) -> int:
    """Add confirmed-but-uncounted signatures to the counts; returns how many."""
    dialect = session.get_bind().dialect.name
    states = session.scalars(Signature.count_new(petition_id, confirmed_before, dialect)).all()
    for state, added in Counter(states).items():
        adjust(session, petition_id, state, added)
    return len(states)


def adjust(session: Session, petition_id: int, state: str | None, added: int) -> None:
    """Add (or, negative, take off) counted signatures in one state."""
    state = state or UNKNOWN_STATE
    changed = session.execute(
        update(PetitionCount)
        .where(PetitionCount.petition_id == petition_id, PetitionCount.state == state)
        .values(validated=PetitionCount.validated + added)
    ).rowcount
    if not changed:
        session.add(PetitionCount(petition_id=petition_id, state=state, validated=added))
        session.flush()


def recount(session: Session, petition_id: int) -> dict[str, int]:
    """Rebuild a petition's counts from its signatures: repairs any drift."""
    session.execute(delete(PetitionCount).where(PetitionCount.petition_id == petition_id))
    session.execute(Signature.count_all_again(petition_id))
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


def snapshot(petition_id: int) -> dict[str, int]:
    """Counts by state as of the start of the current refresh interval, kept until its end."""
    return until_refresh(("counts", petition_id), lambda: _fold_and_read(petition_id))


def _fold_and_read(petition_id: int) -> dict[str, int]:
    seconds = refresh_seconds()
    cutoff = datetime.fromtimestamp(interval(seconds)[0], UTC) if seconds > 0 else None
    with db.writing() as session:
        fold_new_confirmations(session, petition_id, cutoff)
        return by_state(session, petition_id)


def until_refresh(key: tuple, build: Callable[[], T]) -> T:
    """`build()`'s result, kept in this process until the current refresh interval ends.

    Every process rebuilds at the same moments, so their answers agree.
    """
    seconds = refresh_seconds()
    return cache.current().get(key, lambda _: build(), lambda: interval(seconds)[1])


def forget_cached() -> None:
    """After a recount in this process: counts and the answers made of them."""
    kept = cache.current()
    kept.forget("counts")
    kept.forget("facts")
