"""What the privacy notice promises about keeping data, done: `flask retention run`.

- unconfirmed signatures (pending, or set aside) are deleted RETAIN_UNCONFIRMED_DAYS
  after they were made, with their mail, and so are second submissions the
  mail worker never answered (mail/signed_again.py);
- a signature's IP address is dropped RETAIN_IP_DAYS after signing, when reviews of
  abuse (flask signatures invalidate --ip-prefix) no longer need it;
- ANONYMISE_AFTER_CLOSE_DAYS after a petition closes its signatures lose name, email,
  address, ZIP, comment and attribution; state, district, status and dates stay,
  so the counts by state and district stay exact.

Idempotent (a second run finds nothing to do) and safe beside signing: each step
is one statement. It reports numbers, never names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import String, cast, delete, literal, select, update
from sqlalchemy.orm import Session

from ..models import Outbox, Petition, Signature, SignedAgain, Status

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
}


@dataclass
class Report:
    unconfirmed_deleted: int = 0
    addresses_dropped: int = 0
    anonymised: int = 0
    unanswered_deleted: int = 0

    def __str__(self) -> str:
        return (
            f"{self.unconfirmed_deleted} unconfirmed signatures deleted, "
            f"{self.addresses_dropped} IP addresses dropped, "
            f"{self.anonymised} signatures anonymised, "
            f"{self.unanswered_deleted} unanswered second submissions deleted"
        )


def run(session: Session, now: datetime) -> Report:
    config = current_app.config
    unconfirmed_before = now - timedelta(days=config["RETAIN_UNCONFIRMED_DAYS"])
    return Report(
        delete_unconfirmed(session, unconfirmed_before),
        drop_addresses(session, now - timedelta(days=config["RETAIN_IP_DAYS"])),
        anonymise_closed(session, now - timedelta(days=config["ANONYMISE_AFTER_CLOSE_DAYS"])),
        delete_unanswered(session, unconfirmed_before),
    )


def delete_unconfirmed(session: Session, made_before: datetime) -> int:
    unconfirmed = select(Signature.id).where(
        Signature.status.in_([Status.PENDING, Status.FRAUDULENT]),
        Signature.created_at < made_before,
    )
    session.execute(delete(Outbox).where(Outbox.signature_id.in_(unconfirmed)))
    return session.execute(delete(Signature).where(Signature.id.in_(unconfirmed))).rowcount


def delete_unanswered(session: Session, made_before: datetime) -> int:
    """Second submissions the mail worker never answered (it was stopped all along)."""
    return session.execute(delete(SignedAgain).where(SignedAgain.created_at < made_before)).rowcount


def drop_addresses(session: Session, made_before: datetime) -> int:
    return session.execute(
        update(Signature)
        .where(Signature.ip.is_not(None), Signature.created_at < made_before)
        .values(ip=None)
    ).rowcount


def anonymise_closed(session: Session, closed_before: datetime) -> int:
    closed = select(Petition.id).where(Petition.closes_at < closed_before)
    named = (
        select(Signature.id)
        .where(Signature.petition_id.in_(closed), Signature.email != "")
        .scalar_subquery()
    )
    # The address goes; each row keeps a placeholder unique per petition (the
    # constraint on petition and canonical email), made from its own id.
    placeholder = literal("anonymised-") + cast(Signature.id, String)
    return session.execute(
        update(Signature)
        .where(Signature.id.in_(named))
        .values(email="", email_canonical=placeholder, **ANONYMOUS)
    ).rowcount
