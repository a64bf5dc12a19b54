"""How each subject of a test did: what its sample did through the update's links, and
what it cost (unsubscribes, complaints); the winner, with its tie rule.

An action is one of these, each counted once, through a link of the sample's copy
(tags.py: `utm_content=mailing-<id>.<letter>`):

- a signature confirmed (pending, set-aside and invalidated ones are not counted);
- a story confirmed by its teller (whatever staff decide about it afterwards);
- a share that worked: a confirmed signature brought by the share link of a
  signature counted above (signing/referrals.py), one generation on.

A subject's rate is its actions per sample copy sent. The winner has the highest
rate; a tie goes to the subject whose sample unsubscribed and complained least
(per copy sent), and a tie on that too to the earlier subject (A before B), the
one written first. Opens are not measured: updates carry no tracking pixel.

A sample's unsubscribes are the withdrawals made through a link of this mailing
(`?m=` on its unsubscribe link, one-click included) by people in that sample; its
complaints, the complaints a sending service or a returned message tied to this
mailing (bounces/), by people in that sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import sqrt

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from ..models import (
    ConsentAction,
    ConsentEvent,
    DeliveryEvent,
    MailingSubject,
    Outbox,
    OutboxStatus,
    Signature,
    Status,
    Story,
    SubjectTest,
)
from .tags import content_tag

WAITING = (OutboxStatus.QUEUED, OutboxStatus.CLAIMED, OutboxStatus.SENDING)
SURE = 1.96  # |z| below this: the leader's lead may be chance (95%, two-sided)


@dataclass
class Sample:
    letter: str
    subject: str
    size: int  # people drawn for it
    sent: int = 0
    waiting: int = 0  # copies not yet handed over
    signatures: int = 0
    stories: int = 0
    shares: int = 0
    unsubscribed: int = 0
    complained: int = 0

    @property
    def actions(self) -> int:
        return self.signatures + self.stories + self.shares

    @property
    def rate(self) -> Fraction:
        return Fraction(self.actions, self.sent) if self.sent else Fraction(0)

    @property
    def cost(self) -> Fraction:
        lost = self.unsubscribed + self.complained
        return Fraction(lost, self.sent) if self.sent else Fraction(0)


def samples(session: Session, mailing_id: int) -> list[Sample]:
    """Each subject's sample and what it did, A first."""
    size = session.get(SubjectTest, mailing_id).sample_size
    found = {
        row.letter: Sample(row.letter, row.subject, size)
        for row in session.scalars(
            select(MailingSubject)
            .where(MailingSubject.mailing_id == mailing_id)
            .order_by(MailingSubject.letter)
        )
    }
    for letter, status, count in session.execute(
        select(Outbox.subject, Outbox.status, func.count())
        .where(Outbox.mailing_id == mailing_id, Outbox.sample.is_(True))
        .group_by(Outbox.subject, Outbox.status)
    ):
        if status == OutboxStatus.SENT:
            found[letter].sent += count
        elif status in WAITING:
            found[letter].waiting += count
    tags = {content_tag(mailing_id, letter): letter for letter in found}
    for measure, counts in (
        ("signatures", _signatures(session, tags)),
        ("stories", _stories(session, tags)),
        ("shares", _shares(session, tags)),
        ("unsubscribed", unsubscribed(session, mailing_id)),
        ("complained", complained(session, mailing_id)),
    ):
        for key, count in counts:  # a link's tag, or a copy's letter
            setattr(found[tags.get(key, key)], measure, count)
    return list(found.values())


def _signatures(session: Session, tags: dict[str, str]):
    return session.execute(
        select(Signature.utm_content, func.count())
        .where(Signature.utm_content.in_(tags), Signature.status == Status.VALIDATED)
        .group_by(Signature.utm_content)
    ).all()


def _stories(session: Session, tags: dict[str, str]):
    return session.execute(
        select(Story.utm_content, func.count())
        .where(Story.utm_content.in_(tags), Story.confirmed_at.is_not(None))
        .group_by(Story.utm_content)
    ).all()


def _shares(session: Session, tags: dict[str, str]):
    referrer = aliased(Signature)
    return session.execute(
        select(referrer.utm_content, func.count())
        .join(Signature, Signature.referrer_id == referrer.id)
        .where(
            referrer.utm_content.in_(tags),
            referrer.status == Status.VALIDATED,
            Signature.status == Status.VALIDATED,
        )
        .group_by(referrer.utm_content)
    ).all()


def _in_its_sample(mailing_id: int, supporter_id):
    """The sample copy of this mailing the person received (joined on their id)."""
    return and_(
        Outbox.mailing_id == mailing_id,
        Outbox.supporter_id == supporter_id,
        Outbox.sample.is_(True),
    )


def unsubscribed(session: Session, mailing_id: int):
    return session.execute(
        select(Outbox.subject, func.count(func.distinct(ConsentEvent.supporter_id)))
        .join(Outbox, _in_its_sample(mailing_id, ConsentEvent.supporter_id))
        .where(
            ConsentEvent.mailing_id == mailing_id,
            ConsentEvent.action == ConsentAction.WITHDRAWN,
            ConsentEvent.source != "complaint",  # counted as a complaint
        )
        .group_by(Outbox.subject)
    ).all()


def complained(session: Session, mailing_id: int):
    return session.execute(
        select(Outbox.subject, func.count(func.distinct(DeliveryEvent.supporter_id)))
        .join(Outbox, _in_its_sample(mailing_id, DeliveryEvent.supporter_id))
        .where(DeliveryEvent.mailing_id == mailing_id, DeliveryEvent.kind == "complaint")
        .group_by(Outbox.subject)
    ).all()


def winner(found: list[Sample]) -> Sample:
    """The highest rate; then the lower cost; then the earlier letter (the module's doc)."""
    return min(found, key=lambda sample: (-sample.rate, sample.cost, sample.letter))


def too_close(found: list[Sample]) -> bool:
    """Could the leader's lead over the runner-up be chance? A two-proportion z-test
    (95%): the console says so beside a winner chosen by the rule anyway."""
    if len(found) < 2:
        return False
    first = winner(found)
    second = winner([sample for sample in found if sample is not first])
    n1, n2 = first.sent, second.sent
    if not n1 or not n2:
        return True
    pooled = (first.actions + second.actions) / (n1 + n2)
    spread = sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return spread == 0 or abs(float(first.rate - second.rate)) / spread < SURE
