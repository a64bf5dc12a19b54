"""Staff dashboard tallies (not the public count): signed and confirmed by hour, state, source.

A tally is kept per petition, per dimension (the hour in UTC, the state, each
source: `utm_source`, `utm_medium`, `utm_campaign`, `page`, `variant`; the post:
the `utm_content` of a link from the site's post kit, `utm_medium=social`; and, for
shares that bring signatures back, `shared_via`, the network of a share link
(`utm_source` where `utm_medium` is `share`, else empty), and `generation`,
0, 1, 2 or 3+ (signing/referrals.py)), and per
value: `signed` counts submissions received, `confirmed` counts confirmations
that are still valid (staff invalidation takes them off, restoring puts them
back). A petition with a million signatures has a few thousand tally rows, so
the dashboard reads those and never the signatures.

Tallying happens when a dashboard is opened (`bring_up_to_date`): it reads the
signatures submitted or confirmed since the last tally, by index. It stops
SETTLE before now, so every transaction that stamped a time before the mark has
committed by then and nothing is missed or counted twice. A petition's first
tally reads its whole history, a stretch of time per transaction, so that a
dashboard opened on a million signatures answers within seconds and the next
opens finish the work; `flask petitions recount` rebuilds the tallies at once.

A pending signature renewed by a fresh submission gets a new submission time,
so it is tallied again as a submission: `signed` counts submissions received.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import db
from ..models import PetitionTally, Signature, Status, TallyMark, utcnow

SOURCES = ("utm_source", "utm_medium", "utm_campaign", "page", "variant")
REFERRALS = ("shared_via", "generation")
# A post of the site's post kit (campaign_site/postkit.py) tags its link with
# utm_medium=social and the post's id as utm_content; share links say "share".
POST_MEDIUM = "social"
DIMENSIONS = ("hour", "state", *SOURCES, "post", *REFERRALS)
GENERATIONS = ("0", "1", "2", "3+")  # the last counts every generation from 3 on
SETTLE = timedelta(minutes=2)
BEGINNING = datetime(1970, 1, 1, tzinfo=UTC)
KEY_LENGTH = 200

COLUMNS = (
    Signature.state,
    *(getattr(Signature, name) for name in SOURCES),
    Signature.utm_content,
    Signature.generation,
)


def _hour(session: Session, column):
    """The hour of a time, in UTC, as `YYYY-MM-DD HH`, in SQL: counting happens in the
    database, which returns a row per hour and source rather than per signature."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD HH24")
    return func.strftime("%Y-%m-%d %H", column)


def _keys(hour: str, state: str | None, *values) -> Iterable[tuple[str, str]]:
    *sources, content, generation = values
    yield "hour", hour
    yield "state", state or ""
    named = dict(zip(SOURCES, ((value or "")[:KEY_LENGTH] for value in sources), strict=True))
    yield from named.items()
    yield "post", (content or "")[:KEY_LENGTH] if named["utm_medium"] == POST_MEDIUM else ""
    yield "shared_via", named["utm_source"] if named["utm_medium"] == "share" else ""
    yield "generation", GENERATIONS[min(generation, len(GENERATIONS) - 1)]


def _add(session: Session, petition_id: int, column: str, counted: Counter) -> None:
    """Add (or take off, negative) counts in one statement per key; concurrent adders
    of a new key meet in the primary key and add up (INSERT .. ON CONFLICT)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    for (dimension, key), n in counted.items():
        if not n:
            continue
        statement = dialect.insert(PetitionTally).values(
            petition_id=petition_id, dimension=dimension, key=key, signed=0, confirmed=0
        )
        statement = statement.values({column: n}).on_conflict_do_update(
            index_elements=["petition_id", "dimension", "key"],
            set_={column: getattr(PetitionTally, column) + n},
        )
        session.execute(statement)


def _count(rows) -> Counter:
    counted: Counter = Counter()
    for *keys, n in rows:
        for key in _keys(*keys):
            counted[key] += n
    return counted


def _grouped(session: Session, column, *conditions):
    hour = _hour(session, column)
    return session.execute(
        select(hour, *COLUMNS, func.count()).where(*conditions).group_by(hour, *COLUMNS)
    )


def _window(session: Session, column, petition_id: int, start: datetime, end: datetime, *more):
    return _grouped(
        session, column, Signature.petition_id == petition_id, column >= start, column < end, *more
    )


def bring_up_to_date(
    session: Session,
    petition_id: int,
    now: datetime | None = None,
    stretch: timedelta | None = None,
) -> tuple[datetime, bool]:
    """Tally what was submitted or confirmed since the last tally, at most `stretch` of
    time at once; returns the new mark and whether it reached the present.

    Run inside a write transaction. The mark moves first (compare and set), so of
    two dashboards opened at once exactly one tallies each stretch of time. The
    first tally starts at the petition's first signature.
    """
    cutoff = (now or utcnow()) - SETTLE
    start = session.scalar(select(TallyMark.until).where(TallyMark.petition_id == petition_id))
    first_tally = start is None
    if first_tally:
        start = session.scalar(
            select(func.min(Signature.created_at)).where(Signature.petition_id == petition_id)
        )
        start = min(start, cutoff) if start is not None else cutoff
    if cutoff <= start and not first_tally:
        return start, True
    end = min(cutoff, start + stretch) if stretch else cutoff
    if first_tally:
        session.add(TallyMark(petition_id=petition_id, until=end))
        session.flush()  # a concurrent first tally fails here on the primary key
        start = BEGINNING  # and counts whatever came before, however dated
    elif not session.execute(
        update(TallyMark)
        .where(TallyMark.petition_id == petition_id, TallyMark.until == start)
        .values(until=end)
    ).rowcount:
        return start, False  # another process is tallying this stretch
    signed = _window(session, Signature.created_at, petition_id, start, end)
    _add(session, petition_id, "signed", _count(signed))
    confirmed = _window(
        session,
        Signature.validated_at,
        petition_id,
        start,
        end,
        Signature.status == Status.VALIDATED,
    )
    _add(session, petition_id, "confirmed", _count(confirmed))
    return end, end >= cutoff


def catch_up(
    petition_id: int, seconds: float, stretch: timedelta = timedelta(days=7)
) -> tuple[datetime | None, bool]:
    """Tally what is new, `stretch` of history per transaction, for at most `seconds` (a
    petition's first tally may be months of it): what a page that reads the tallies
    (the dashboard, the conversion report) does first. Returns the time the tallies
    count up to (None: another page began the petition's first tally just now) and
    whether that is the present."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with db.writing() as session:
                until, done = bring_up_to_date(session, petition_id, stretch=stretch)
        except IntegrityError:
            return None, False  # another page began the petition's first tally just now
        if done or time.monotonic() >= deadline:
            return until, done


def lock_mark(session: Session, petition_id: int) -> datetime | None:
    """The mark, locked until the transaction ends (PostgreSQL): an invalidation and a
    tally of the same stretch then happen one after the other, never interleaved."""
    return session.scalar(
        select(TallyMark.until).where(TallyMark.petition_id == petition_id).with_for_update()
    )


def withdraw(session: Session, petition_id: int, ids: list[int], sign: int) -> None:
    """Signatures whose status staff are about to change: `sign` -1 takes the tallied
    confirmed ones off (invalidation), +1 puts them back (after a restore, once
    they are validated again). Only confirmations before the mark were tallied."""
    until = lock_mark(session, petition_id)
    if until is None or not ids:
        return
    rows = _grouped(
        session,
        Signature.validated_at,
        Signature.id.in_(ids),
        Signature.petition_id == petition_id,
        Signature.status == Status.VALIDATED,
        Signature.validated_at < until,
    )
    counted = _count(rows)
    _add(session, petition_id, "confirmed", Counter({k: sign * n for k, n in counted.items()}))


def tally_backdated(session: Session, petition_id: int, *inserted) -> None:
    """Signatures just inserted (`inserted`: conditions naming them) with times before
    the mark, as synthetic ones are, spread over past weeks: the tally only reads
    what is newer than its mark, so they are tallied here, in the transaction that
    inserts them; their later times are left to the next tally."""
    until = lock_mark(session, petition_id)
    if until is None:
        return  # no tally yet: the first one reads the whole history
    mine = (Signature.petition_id == petition_id, *inserted)
    signed = _grouped(session, Signature.created_at, *mine, Signature.created_at < until)
    _add(session, petition_id, "signed", _count(signed))
    confirmed = _grouped(
        session,
        Signature.validated_at,
        *mine,
        Signature.status == Status.VALIDATED,
        Signature.validated_at < until,
    )
    _add(session, petition_id, "confirmed", _count(confirmed))


def since_mark(session: Session, petition_id: int, until: datetime) -> tuple[int, int]:
    """(submitted, confirmed and still valid) after the mark `until`: once the tallies
    have caught up, the last few minutes, read by index, so that the dashboard's
    figures are of now, as the public count and the pending count are."""
    submitted = session.scalar(
        select(func.count()).where(
            Signature.petition_id == petition_id, Signature.created_at >= until
        )
    )
    confirmed = session.scalar(
        select(func.count()).where(
            Signature.petition_id == petition_id,
            Signature.validated_at >= until,
            Signature.status == Status.VALIDATED,
        )
    )
    return submitted, confirmed


def rebuild(session: Session, petition_id: int) -> None:
    """Forget the tallies and count everything again (`flask petitions recount`)."""
    session.execute(delete(PetitionTally).where(PetitionTally.petition_id == petition_id))
    session.execute(delete(TallyMark).where(TallyMark.petition_id == petition_id))
    bring_up_to_date(session, petition_id)


def read(session: Session, petition_id: int) -> dict[str, dict[str, tuple[int, int]]]:
    """{dimension: {value: (signed, confirmed)}} for every dimension."""
    found: dict[str, dict[str, tuple[int, int]]] = {name: {} for name in DIMENSIONS}
    rows = session.execute(
        select(
            PetitionTally.dimension,
            PetitionTally.key,
            PetitionTally.signed,
            PetitionTally.confirmed,
        ).where(PetitionTally.petition_id == petition_id)
    )
    for dimension, key, signed, confirmed in rows:
        if dimension in found and (signed or confirmed):
            found[dimension][key] = (signed, confirmed)
    return found
