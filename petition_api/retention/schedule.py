"""What the privacy notice promises about keeping data, done: `flask retention run`.

- unconfirmed signatures (pending, set aside by the abuse checks, or invalidated
  by staff before anyone confirmed them) are deleted RETAIN_UNCONFIRMED_DAYS
  after they were made, with their mail, and so are second submissions the
  mail worker never answered (mail/signed_again.py);
- a signature's IP address is dropped RETAIN_IP_DAYS after signing, when reviews of
  abuse (flask signatures invalidate --ip-prefix) no longer need it;
- ANONYMISE_AFTER_CLOSE_DAYS after a petition closes (its closing date, or the
  day the site stopped listing it, whichever came first) its signatures lose
  name, email, address, ZIP, comment and attribution, and their referral code
  and every link between them and whoever they brought or were brought by;
  state, district, status, dates and referral generation (a bare number) stay,
  so the counts by state, district and generation stay exact;
- a supporter who does not receive updates (never asked, unsubscribed, bouncing
  or complained) is deleted, with their consent history, once none of their
  signatures still carries their address (each was anonymised or deleted): the
  supporter record copies a signature's name and address, so it may not outlive
  them. A subscribed supporter stays until they unsubscribe;
- a story nobody confirmed goes RETAIN_UNCONFIRMED_DAYS after it was offered,
  with its consents, its photo and its mail (stories/deleting.py).

Idempotent (a second run finds nothing to do) and safe beside signing: it works
in batches of BATCH rows, each its own short write transaction, so on SQLite
signatures keep coming in while two years of a large petition are anonymised.
It reports numbers, never names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, String, and_, cast, delete, func, literal, or_, select, update
from sqlalchemy.orm import Session

from .. import db
from ..models import (
    EmailStatus,
    Outbox,
    Petition,
    Signature,
    SignedAgain,
    Status,
    Supporter,
)
from ..models.supporters import erase

BATCH = 2_000
# What other features keep unconfirmed, and how it goes, by its Report field: they
# register here (stories/ does, in init_app), as this module must not import them
# (the mail worker imports this, and they import mail).
UNCONFIRMED_ELSEWHERE: dict[str, tuple[Callable[[datetime], Select], Callable]] = {}

ANONYMOUS = {
    "first_name": "",
    "last_name": "",
    "street": None,
    "city": None,
    "zip": "",
    "comment": None,
    "ip": None,
    "utm_source": None,
    "utm_medium": None,
    "utm_campaign": None,
    "utm_content": None,
    "variant": None,
    "page": None,
    "confirm_token_hash": None,
    "referral_code": None,
    "referrer_id": None,
}


@dataclass
class Report:
    unconfirmed_deleted: int = 0
    addresses_dropped: int = 0
    anonymised: int = 0
    unanswered_deleted: int = 0
    supporters_deleted: int = 0
    stories_deleted: int = 0

    def __str__(self) -> str:
        return (
            f"{self.unconfirmed_deleted} unconfirmed signatures deleted, "
            f"{self.addresses_dropped} IP addresses dropped, "
            f"{self.anonymised} signatures anonymised, "
            f"{self.unanswered_deleted} queued submissions deleted unanswered, "
            f"{self.supporters_deleted} supporters without updates deleted, "
            f"{self.stories_deleted} unconfirmed stories deleted"
        )


def run(now: datetime, dry_run: bool = False) -> Report:
    """Keep the schedule as of `now`; with `dry_run`, only count what it would do."""
    config = current_app.config
    unconfirmed_before = now - timedelta(days=config["RETAIN_UNCONFIRMED_DAYS"])
    closed_before = now - timedelta(days=config["ANONYMISE_AFTER_CLOSE_DAYS"])
    doomed = unconfirmed(unconfirmed_before)
    steps = [
        (doomed, delete_unconfirmed),
        (with_address(now - timedelta(days=config["RETAIN_IP_DAYS"])), drop_addresses),
        (named_after_closing(closed_before), anonymise),
        (unanswered(unconfirmed_before), delete_unanswered),
        (let_go(), erase),
    ]
    elsewhere = {
        field: (choose(unconfirmed_before), act)
        for field, (choose, act) in UNCONFIRMED_ELSEWHERE.items()
    }
    if dry_run:
        # Counted as the run finds them: what the first step deletes, the next two never
        # see; supporters are counted as they stand now, before this run's anonymising.
        survivors = Signature.id.not_in(doomed)
        (_, _), (addressed, _), (named, _), (queued, _), (unattached, _) = steps
        report = Report(
            counted(doomed),
            counted(addressed.where(survivors)),
            counted(named.where(survivors)),
            counted(queued),
            counted(unattached),
        )
        for field, (chosen, _) in elsewhere.items():
            setattr(report, field, counted(chosen))
        return report
    report = Report(*(in_batches(chosen, act) for chosen, act in steps))
    for field, (chosen, act) in elsewhere.items():
        setattr(report, field, in_batches(chosen, act))
    return report


def counted(chosen: Select) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(chosen.subquery()))


def in_batches(chosen: Select, act: Callable[[Session, list[int]], int]) -> int:
    """Apply `act` to the ids `chosen` selects, BATCH at a time, one transaction each."""
    done = 0
    while True:
        with db.writing() as session:
            ids = list(session.scalars(chosen.limit(BATCH)))
            if ids:
                done += act(session, ids)
        if len(ids) < BATCH:
            return done


def unconfirmed(made_before: datetime) -> Select:
    never_confirmed = or_(
        Signature.status.in_([Status.PENDING, Status.FRAUDULENT]),
        and_(Signature.status == Status.INVALIDATED, Signature.validated_at.is_(None)),
    )
    return select(Signature.id).where(never_confirmed, Signature.created_at < made_before)


def delete_unconfirmed(session: Session, ids: list[int]) -> int:
    session.execute(delete(Outbox).where(Outbox.signature_id.in_(ids)))
    session.execute(Signature.unlink_referrals(ids))
    return session.execute(delete(Signature).where(Signature.id.in_(ids))).rowcount


def with_address(made_before: datetime) -> Select:
    return select(Signature.id).where(Signature.ip.is_not(None), Signature.created_at < made_before)


def drop_addresses(session: Session, ids: list[int]) -> int:
    return session.execute(update(Signature).where(Signature.id.in_(ids)).values(ip=None)).rowcount


def named_after_closing(closed_before: datetime) -> Select:
    # An unlisted petition closed the day a sync stopped listing it.
    closed = select(Petition.id).where(
        or_(
            Petition.closes_at < closed_before,
            and_(Petition.listed.is_(False), Petition.unlisted_at < closed_before),
        )
    )
    return select(Signature.id).where(Signature.petition_id.in_(closed), Signature.email != "")


def anonymise(session: Session, ids: list[int]) -> int:
    # The address goes; each row keeps a placeholder unique per petition (the
    # constraint on petition and canonical email), made from its own id.
    placeholder = literal("anonymised-") + cast(Signature.id, String)
    session.execute(Signature.unlink_referrals(ids))
    return session.execute(
        update(Signature)
        .where(Signature.id.in_(ids))
        .values(email="", email_canonical=placeholder, **ANONYMOUS)
    ).rowcount


def unanswered(made_before: datetime) -> Select:
    """Second submissions the mail worker never answered (it was stopped all along)."""
    return select(SignedAgain.id).where(SignedAgain.created_at < made_before)


def delete_unanswered(session: Session, ids: list[int]) -> int:
    return session.execute(delete(SignedAgain).where(SignedAgain.id.in_(ids))).rowcount


def let_go() -> Select:
    """Supporters who receive no updates and whose every signature has lost its address."""
    named = select(Signature.id).where(Signature.email_canonical == Supporter.email_canonical)
    return select(Supporter.id).where(Supporter.status != EmailStatus.SUBSCRIBED, ~named.exists())
