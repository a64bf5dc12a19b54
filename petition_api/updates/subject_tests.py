"""Subject lines that test themselves: what an update declares, the least sample that can
tell its subjects apart, and the queuing that draws the samples.

An update may declare, instead of `subject:`, two to four subjects
(docs/pages/supporters.md, "Subject lines that test themselves"):

    subject_test:
      subjects:
        - We delivered 230,000 signatures
        - Congress has your signature. Here is what they said
      sample: 10%      # each subject's share of the list: 1% to 25%, all together 50% at most
      wait: 4 hours    # after the last sample copy is sent: 30 minutes to 72 hours

Each subject goes to an equal random sample of the list taken when it is sent; the
rest wait (`held` in the outbox) for the winner, chosen after the wait by the
actions the samples took through the update's links (judging.py) or by staff, and
stopped by a guard when a sample unsubscribes or complains too much (deciding.py).

The minimum: a sample must be large enough to tell a subject that brings
SUBJECT_TEST_BASE_RATE of its recipients to act from one that brings
(1 + SUBJECT_TEST_LIFT) times as many, with 80% power at a 5% false-alarm rate
(two-sided, shared among the other subjects' comparisons with the first:
Bonferroni). The usual two-proportion sample size, per subject:

    n = (z(1 - 0.05 / (2 (k - 1))) + z(0.80))² * (p₁(1 - p₁) + p₂(1 - p₂)) / (p₂ - p₁)²

With the defaults (2%, doubled) that is 1,139 for two subjects, 1,379 for three
and 1,519 for four.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from statistics import NormalDist

from sqlalchemy import case, func, insert, literal, select
from sqlalchemy.orm import Session

from ..mail.outbox import UPDATE
from ..models import Mailing, MailingSubject, Outbox, OutboxStatus, Priority, SubjectTest, utcnow
from ..models.mail import SUBJECT_LETTERS

FIELD = "subject_test"
KNOWN = {"subjects", "sample", "wait"}
SHARE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})?)\s*%$")
WAIT = re.compile(r"^(\d+(?:\.\d+)?)\s*(minutes?|mins?|m|hours?|h|days?|d)$", re.IGNORECASE)
MINUTES = {"m": 1, "h": 60, "d": 1440}
SHARES = (100, 2500)  # basis points: 1% to 25% each
ALL_SAMPLES = 5000  # basis points: the samples together reach half the list at most
WAITS = (30, 72 * 60)  # minutes
POWER = 0.80
FALSE_ALARMS = 0.05


class PlanError(ValueError):
    """What is wrong with an update's subject_test (mailings.read adds the file)."""


@dataclass(frozen=True)
class Plan:
    subjects: tuple[str, ...]
    share_basis_points: int  # each sample's share of the list: 1000 is 10%
    wait_minutes: int

    @property
    def letters(self) -> tuple[str, ...]:
        return SUBJECT_LETTERS[: len(self.subjects)]

    @property
    def share(self) -> str:
        return share_words(self.share_basis_points)

    @property
    def wait(self) -> str:
        return wait_words(self.wait_minutes)

    def sample_size(self, listed: int) -> int:
        return listed * self.share_basis_points // 10_000


def share_words(basis_points: int) -> str:
    """10%, 2.5%"""
    return f"{basis_points / 100:g}%"


def wait_words(minutes: int) -> str:
    """4 hours, 90 minutes"""
    hours, left = divmod(minutes, 60)
    if left:
        return f"{minutes} minutes"
    return f"{hours} hour{'s' if hours != 1 else ''}"


def plan(given, line) -> Plan:
    """The subject_test mapping of an update's front matter, checked; `line(name, value)`
    checks one subject as the update's other one-line fields are checked."""
    if not isinstance(given, dict):
        raise PlanError(f"{FIELD} must be a mapping with subjects, sample and wait")
    unknown = sorted(set(given) - KNOWN)
    if unknown:
        raise PlanError(f"{FIELD}.{unknown[0]} is not known (subjects, sample, wait)")
    return Plan(
        subjects=_subjects(given.get("subjects"), line),
        share_basis_points=_share(given.get("sample")),
        wait_minutes=_wait(given.get("wait")),
    )


def _subjects(given, line) -> tuple[str, ...]:
    name = f"{FIELD}.subjects"
    if not isinstance(given, list) or not 2 <= len(given) <= len(SUBJECT_LETTERS):
        raise PlanError(f"{name} must be a list of two to four subject lines")
    subjects = tuple(line(f"{name}[{n}]", value) for n, value in enumerate(given, 1))
    seen: dict[str, int] = {}
    for n, subject in enumerate(subjects, 1):
        alike = " ".join(subject.casefold().split())
        if alike in seen:
            raise PlanError(f"{name}: subjects {seen[alike]} and {n} are the same line")
        seen[alike] = n
    return subjects


def _share(given) -> int:
    name = f"{FIELD}.sample"
    found = SHARE.match(str(given).strip()) if isinstance(given, str) else None
    if not found:
        raise PlanError(f"{name} must be each subject's share of the list, such as 10%")
    basis_points = round(float(found.group(1)) * 100)
    if not SHARES[0] <= basis_points <= SHARES[1]:
        raise PlanError(f"{name} must be between 1% and 25% (it is {found.group(1)}%)")
    return basis_points


def _wait(given) -> int:
    name = f"{FIELD}.wait"
    found = WAIT.match(str(given).strip()) if isinstance(given, str | int) else None
    if not found:
        raise PlanError(f"{name} must be a time such as 4 hours or 90 minutes")
    minutes = round(float(found.group(1)) * MINUTES[found.group(2)[0].lower()])
    if not WAITS[0] <= minutes <= WAITS[1]:
        raise PlanError(f"{name} must be between 30 minutes and 72 hours")
    return minutes


def check_shares(update_plan: Plan) -> None:
    """The samples together leave at least half the list to the winner."""
    together = update_plan.share_basis_points * len(update_plan.subjects)
    if together > ALL_SAMPLES:
        raise PlanError(
            f"{FIELD}.sample: {len(update_plan.subjects)} samples of {update_plan.share} reach "
            f"{together / 100:g}% of the list; together they may reach 50% at most, so that "
            "most of the list gets the winner"
        )


def minimum_sample(subjects: int, base_rate: float, lift: float) -> int:
    """Each sample's least size (the module's doc says how and why)."""
    better = base_rate * (1 + lift)
    if not (0 < base_rate < 1 and lift > 0 and better < 1):
        raise PlanError(
            "GROUNDSWELL_SUBJECT_TEST_BASE_RATE must be between 0 and 1, and "
            "GROUNDSWELL_SUBJECT_TEST_LIFT above 0, with base * (1 + lift) below 1"
        )
    normal = NormalDist()
    z = normal.inv_cdf(1 - FALSE_ALARMS / (2 * (subjects - 1))) + normal.inv_cdf(POWER)
    spread = base_rate * (1 - base_rate) + better * (1 - better)
    return math.ceil(z**2 * spread / (better - base_rate) ** 2)


def check_size(update_plan: Plan, listed: int, config) -> int:
    """Each sample's least size; PlanError when `listed` supporters are too few for it."""
    least = minimum_sample(
        len(update_plan.subjects), config["SUBJECT_TEST_BASE_RATE"], config["SUBJECT_TEST_LIFT"]
    )
    size = update_plan.sample_size(listed)
    if size < least:
        whole_list = math.ceil(least * 10_000 / update_plan.share_basis_points)
        raise PlanError(
            f"{FIELD}.sample: {update_plan.share} of {listed:,} supporters is {size:,} for "
            f"each subject, and telling {len(update_plan.subjects)} subjects apart needs at "
            f"least {least:,} in each: a list of {whole_list:,} at {update_plan.share}, or a "
            "larger share. Nothing was queued; send it with one subject instead"
        )
    return least


def queue(session: Session, mailing: Mailing, update_plan: Plan, recipients, config) -> int:
    """The test's rows and one outbox row per recipient (the ids `recipients` selects),
    in the caller's transaction: an equal random sample for each subject, queued, and
    the rest held for the winner; how many recipients. One INSERT .. SELECT, the list
    counted and drawn by the database in the same pass (row_number() over a random
    order), so 200,000 cost one sort. PlanError when the list is too small to tell the
    subjects apart: raised before the transaction commits, so nothing is queued."""
    least = minimum_sample(
        len(update_plan.subjects), config["SUBJECT_TEST_BASE_RATE"], config["SUBJECT_TEST_LIFT"]
    )
    for letter, subject in zip(update_plan.letters, update_plan.subjects, strict=True):
        session.add(MailingSubject(mailing_id=mailing.id, letter=letter, subject=subject))
    session.flush()  # the copies' subjects must name declared ones
    drawn = recipients.add_columns(
        func.row_number().over(order_by=func.random()).label("draw"),
        (func.count().over() * update_plan.share_basis_points // 10_000).label("size"),
    ).subquery()
    sampled = drawn.c.draw <= drawn.c.size * len(update_plan.letters)
    # The first `size` drawn get A, the next B, ...; the rest none until the winner.
    letters = enumerate(update_plan.letters, 1)
    letter = case(*((drawn.c.draw <= drawn.c.size * n, name) for n, name in letters), else_=None)
    now = utcnow()
    rows = select(
        drawn.c.id,
        literal(UPDATE),
        literal(mailing.id),
        literal(int(Priority.BULK)),
        case((sampled, OutboxStatus.QUEUED.value), else_=OutboxStatus.HELD.value),
        literal(0),
        literal(now),
        literal(now),
        letter,
        sampled,
    ).order_by(drawn.c.id)  # written in the order of the outbox's unique index, not drawn
    columns = ["supporter_id", "kind", "mailing_id", "priority", "status", "attempts",
               "next_attempt_at", "created_at", "subject", "sample"]  # fmt: skip
    session.execute(insert(Outbox).from_select(columns, rows))
    # Counted, not taken from the INSERT: psycopg reports no rowcount for INSERT .. SELECT.
    listed = session.scalar(select(func.count()).where(Outbox.mailing_id == mailing.id))
    check_size(update_plan, listed, config)
    session.add(
        SubjectTest(
            mailing_id=mailing.id,
            share_basis_points=update_plan.share_basis_points,
            wait_minutes=update_plan.wait_minutes,
            sample_size=update_plan.sample_size(listed),
            minimum=least,
        )
    )
    return listed
