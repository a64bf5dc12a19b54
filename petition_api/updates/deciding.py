"""A subject test after it is queued: the guard, the wait, and the winner.

    sampling ──(every sample copy handed over)──> waiting ──(the wait ends)──> decided
        └──────────────(a sample passes the guard's limit)──> stopped      ↑
    staff may choose the winner by hand in any state before decided ───────┘

- **The guard** (Action Network calls theirs a circuit breaker): when a sample's
  unsubscribes or complaints, counted against the whole sample (the people drawn
  for it, so a few early ones cannot trip it, and once they do the rate can only
  be higher), pass SUBJECT_TEST_MAX_UNSUBSCRIBES or SUBJECT_TEST_MAX_COMPLAINTS,
  the test stops: the mailing is paused (the samples' unsent copies wait) and the
  rest stay held. Staff may resume the samples, or send the rest a subject they
  choose by hand.
- **The wait** starts when the last sample copy was handed over (or given up on),
  so a paused sample delays the decision instead of judging half a sample.
- **The winner** (judging.py) is released to the rest in one statement: their held
  copies become queued with its letter. Each person's copy was written once at
  queuing, and receives its one subject once (held rows have none, the database
  says so), whichever worker or how many check at once: the test's row is locked
  and read again before anything changes.

The mail worker runs `check` every SUBJECT_TEST_CHECK_SECONDS (updates/ registers it
with mail/worker.py); `choose` is staff's, from the console or the CLI.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import audit, db
from ..models import (
    Mailing,
    MailingSubject,
    Outbox,
    OutboxStatus,
    SubjectTest,
    utcnow,
)
from . import judging
from .mailings import MailingError

AUTOMATIC = "automatic"  # who decided, when nobody did
log = logging.getLogger(__name__)


def state(test: SubjectTest) -> str:
    if test.winner is not None:
        return "decided"
    if test.stopped_at is not None:
        return "stopped"
    return "waiting" if test.samples_sent_at is not None else "sampling"


def decides_at(test: SubjectTest) -> datetime | None:
    """When the winner is chosen by itself (None: not known yet, or not any more)."""
    if test.samples_sent_at is None or state(test) != "waiting":
        return None
    return test.samples_sent_at + timedelta(minutes=test.wait_minutes)


def check(now: datetime | None = None) -> dict[str, int]:
    """Every open test, each in its own short transaction: the guard, then the wait."""
    now = now or utcnow()
    with db.reading() as session:
        open_tests = list(
            session.scalars(
                select(SubjectTest.mailing_id).where(
                    SubjectTest.winner.is_(None), SubjectTest.stopped_at.is_(None)
                )
            )
        )
    done = {"stopped": 0, "decided": 0}
    for mailing_id in open_tests:
        with db.writing() as session:
            outcome = _check_one(session, mailing_id, now)
        if outcome in done:
            done[outcome] += 1
    return done


def _locked(session: Session, mailing_id: int) -> SubjectTest | None:
    return session.get(SubjectTest, mailing_id, with_for_update=True, populate_existing=True)


def _check_one(session: Session, mailing_id: int, now: datetime) -> str:
    test = _locked(session, mailing_id)
    if test is None or state(test) in ("decided", "stopped"):
        return "nothing"  # another worker got here first
    if reason := guard(session, test, current_app.config):
        _stop(session, test, reason, now)
        return "stopped"
    if test.samples_sent_at is None:
        test.samples_sent_at = _samples_sent_at(session, mailing_id, now)
    due = decides_at(test)
    if due is None or now < due:
        return "waiting"
    chosen = judging.winner(judging.samples(session, mailing_id))
    release(session, test, chosen.letter, AUTOMATIC, now)
    return "decided"


def _samples_sent_at(session: Session, mailing_id: int, now: datetime) -> datetime | None:
    """When the last sample copy was handed over, once none is left to send."""
    mine = (Outbox.mailing_id == mailing_id, Outbox.sample.is_(True))
    waiting = session.scalar(
        select(Outbox.id).where(*mine, Outbox.status.in_(judging.WAITING)).limit(1)
    )
    if waiting is not None:
        return None
    return session.scalar(select(func.max(Outbox.sent_at)).where(*mine)) or now


def guard(session: Session, test: SubjectTest, config) -> str | None:
    """Why the test must stop (the first sample past a limit), or None."""
    size, mailing_id = test.sample_size, test.mailing_id
    measures = (
        ("unsubscribes", judging.unsubscribed, "SUBJECT_TEST_MAX_UNSUBSCRIBES"),
        ("complaints", judging.complained, "SUBJECT_TEST_MAX_COMPLAINTS"),
    )
    for what, counted, setting in measures:
        limit = config[setting]
        for letter, count in sorted(counted(session, mailing_id)):
            if count > limit * size:
                return (
                    f"sample {letter}: {what} from {count:,} of its {size:,} people "
                    f"({count / size:.2%}), above the limit of {limit:.2%} ({setting})"
                )
    return None


def _stop(session: Session, test: SubjectTest, reason: str, now: datetime) -> None:
    test.stopped_at = now
    test.stopped_because = reason[:300]
    mailing = session.get(Mailing, test.mailing_id, with_for_update=True)
    if mailing.paused_at is None:
        mailing.paused_at = now  # the samples' copies not yet sent wait too
    audit.add(session, "mailings.guard", mailing.name, AUTOMATIC,
              filters={"mailing": mailing.id, "because": reason[:200]})  # fmt: skip
    log.warning("mailing %s: the subject test stopped: %s", mailing.id, reason)


def release(session: Session, test: SubjectTest, letter: str, actor: str, now: datetime) -> int:
    """The winner recorded, and the rest's held copies queued with it: how many."""
    test.winner, test.decided_at, test.decided_by = letter, now, actor[:120]
    session.flush()  # the winner's row first: the copies' subject must name a declared one
    released = session.execute(
        update(Outbox)
        .where(Outbox.mailing_id == test.mailing_id, Outbox.status == OutboxStatus.HELD)
        .values(status=OutboxStatus.QUEUED, subject=letter)
    ).rowcount
    mailing = session.get(Mailing, test.mailing_id)
    audit.add(session, "mailings.winner", mailing.name, actor,
              filters={"mailing": mailing.id, "subject": letter}, rows=released)  # fmt: skip
    return released


def choose(mailing_id: int, letter: str, actor: str) -> SubjectTest:
    """Staff choose the winner by hand (audited); MailingError when they cannot."""
    letter = letter.strip().upper()
    with db.writing() as session:
        test = _locked(session, mailing_id)
        if test is None:
            raise MailingError(f"mailing {mailing_id} has no subject test")
        if test.winner is not None:
            raise MailingError(
                f"mailing {mailing_id}: subject {test.winner} was chosen already "
                f"({test.decided_by}, {test.decided_at:%Y-%m-%d %H:%M} UTC); the rest has it"
            )
        letters = list(session.scalars(
            select(MailingSubject.letter).where(MailingSubject.mailing_id == mailing_id)
            .order_by(MailingSubject.letter)
        ))  # fmt: skip
        if letter not in letters:
            raise MailingError(
                f"subject: {letter!r} is not one of mailing {mailing_id}'s subjects "
                f"({', '.join(letters)})"
            )
        release(session, test, letter, actor, utcnow())
    return test
