"""A subject test's standing as staff follow it, in the console and `flask mailings
subjects`: its state, each sample's figures, who leads, and what the guard allows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Mailing, Outbox, OutboxStatus, SubjectTest
from . import deciding, judging
from .subject_tests import share_words, wait_words


@dataclass
class Standing:
    mailing_id: int
    state: str  # sampling, waiting, stopped, decided (deciding.py)
    share: str  # each sample's share of the list: 10%
    wait: str  # 4 hours
    minimum: int  # each sample's least size when it was sent
    samples: list[judging.Sample]
    leader: judging.Sample  # the winner now, by the rule (or the winner, once decided)
    close: bool  # the leader's lead may be chance
    rest: int  # the people who are not in a sample
    held: int  # of them, waiting for the winner
    samples_sent_at: datetime | None
    decides_at: datetime | None
    winner: str | None
    decided_at: datetime | None
    decided_by: str | None
    stopped_at: datetime | None
    stopped_because: str | None
    max_unsubscribes: float
    max_complaints: float
    paused: bool

    @property
    def words(self) -> str:
        """The state in a sentence, as the console's and the CLI's heading say it."""
        if self.state == "decided":
            how = "by hand" if self.decided_by != deciding.AUTOMATIC else "automatically"
            return f"Subject {self.winner} won ({how}); the rest receive it"
        if self.state == "stopped":
            return f"Stopped by the guard: {self.stopped_because}"
        if self.state == "waiting":
            return f"Waiting: the winner is chosen at {self.decides_at:%Y-%m-%d %H:%M} UTC"
        return "Sending the samples: the wait starts when the last one is sent"


def standing(session: Session, mailing_id: int) -> Standing | None:
    test = session.get(SubjectTest, mailing_id)
    if test is None:
        return None
    found = judging.samples(session, mailing_id)
    rest = dict(
        session.execute(
            select(Outbox.status, func.count())
            .where(Outbox.mailing_id == mailing_id, Outbox.sample.is_(False))
            .group_by(Outbox.status)
        ).all()
    )
    config = current_app.config
    leader = judging.winner(found)
    if test.winner is not None:
        leader = next(sample for sample in found if sample.letter == test.winner)
    return Standing(
        mailing_id=mailing_id,
        state=deciding.state(test),
        share=share_words(test.share_basis_points),
        wait=wait_words(test.wait_minutes),
        minimum=test.minimum,
        samples=found,
        leader=leader,
        close=judging.too_close(found),
        rest=sum(rest.values()),
        held=rest.get(OutboxStatus.HELD, 0),
        samples_sent_at=test.samples_sent_at,
        decides_at=deciding.decides_at(test),
        winner=test.winner,
        decided_at=test.decided_at,
        decided_by=test.decided_by,
        stopped_at=test.stopped_at,
        stopped_because=test.stopped_because,
        max_unsubscribes=config["SUBJECT_TEST_MAX_UNSUBSCRIBES"],
        max_complaints=config["SUBJECT_TEST_MAX_COMPLAINTS"],
        paused=session.get(Mailing, mailing_id).paused_at is not None,
    )
