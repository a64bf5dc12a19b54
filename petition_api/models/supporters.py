"""Supporters: one person across petitions, their email status and consent history.

A supporter is made when a signature is confirmed (confirming/), one row per
canonical email. Their email status uses OSDI's words:

    subscribed ──(unsubscribe link, one-click, preferences)──> unsubscribed
        │  └─(hard bounce)──> bouncing      └─(complaint)──> spam_complaint
        └──────── a confirmed signature with the updates box ticked, or the
                  preferences page, makes an address subscribed again (a
                  complaint is lifted only by the person, on that page)

Only `subscribed` receives updates; every change of consent is a ConsentEvent
with the wording, the moment, and where it happened.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Update, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, EnumText, check_in, utcnow
from .mail import DeliveryEvent, Outbox, OutboxStatus
from .signatures import Signature


class EmailStatus(enum.StrEnum):
    SUBSCRIBED = "subscribed"
    UNSUBSCRIBED = "unsubscribed"
    BOUNCING = "bouncing"
    SPAM_COMPLAINT = "spam_complaint"


class Scope(enum.StrEnum):
    """Which updates a subscribed supporter chose on the preferences page."""

    ALL = "all"  # every update of the campaign
    SIGNED = "signed"  # only updates about petitions they signed


def new_link_key() -> str:
    return secrets.token_urlsafe(24)


class Supporter(Base):
    __tablename__ = "supporters"
    __table_args__ = (
        CheckConstraint(check_in("status", EmailStatus), name="status"),
        CheckConstraint(check_in("scope", Scope), name="scope"),
        Index("ix_supporters_status_state", "status", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email_canonical: Mapped[str] = mapped_column(String(254), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    # From their latest confirmed signature.
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(2))
    zip: Mapped[str] = mapped_column(String(10))
    district: Mapped[str | None] = mapped_column(String(5))
    status: Mapped[EmailStatus] = mapped_column(
        EnumText(EmailStatus, 20), default=EmailStatus.UNSUBSCRIBED
    )
    scope: Mapped[Scope] = mapped_column(EnumText(Scope, 8), default=Scope.ALL)
    # The secret in every link we mail them (unsubscribe, preferences, their data).
    # Kept as it is, not hashed: each message must carry it, and it never expires.
    link_key: Mapped[str] = mapped_column(String(43), unique=True, default=new_link_key)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    @classmethod
    def mark(cls, supporter_id: int, status: EmailStatus, now: datetime) -> Update:
        """Set a supporter's email status. A complaint is never overwritten by a bounce
        or an unsubscribe: it is the strongest reason not to write."""
        statement = update(cls).where(cls.id == supporter_id, cls.status != status)
        if status != EmailStatus.SUBSCRIBED:
            statement = statement.where(cls.status != EmailStatus.SPAM_COMPLAINT)
        return statement.values(status=status, status_changed_at=now)


def email_sha256(email: str) -> str:
    """SHA-256 hex of an email as ad platforms normalise it (Meta: trimmed, lower-cased;
    `+tags` kept as typed): the one form in which a forgotten address is kept."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class SuppressedEmail(Base):
    """The hashed email of a person who agreed to updates and is now gone (forgotten, or
    let go by retention), kept for one purpose: the suppression list staff upload to
    exclude them from ad audiences built before (audiences/). The hash alone: no date,
    no name, nothing to join it to."""

    __tablename__ = "suppressed_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_sha256: Mapped[str] = mapped_column(String(64), unique=True)


class ConsentAction(enum.StrEnum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"


class ConsentEvent(Base):
    """One giving or withdrawing of consent to email updates, kept as history."""

    __tablename__ = "consent_events"
    __table_args__ = (CheckConstraint(check_in("action", ConsentAction), name="action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supporter_id: Mapped[int] = mapped_column(ForeignKey("supporters.id"), index=True)
    action: Mapped[ConsentAction] = mapped_column(EnumText(ConsentAction, 10))
    # The words agreed to (None for a withdrawal, which needs none).
    wording_id: Mapped[int | None] = mapped_column(ForeignKey("consent_wordings.id"))
    # How: signature, preferences, unsubscribe, one-click, bounce, complaint, staff.
    source: Mapped[str] = mapped_column(String(20))
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id"))
    page: Mapped[str | None] = mapped_column(String(500))
    mailing_id: Mapped[int | None] = mapped_column(ForeignKey("mailings.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


def withdrawn(
    session, supporter: Supporter, source: str, now: datetime, mailing_id: int | None = None
) -> bool:
    """Consent withdrawn (unsubscribe link, one-click, preferences, mail): True if it
    changed anything. Only a subscribed address moves, to unsubscribed; idempotent, so
    a second press records nothing more. Here, below both supporters/ and mail/, which
    each withdraw consent."""
    if supporter.status != EmailStatus.SUBSCRIBED:
        return False
    supporter.status = EmailStatus.UNSUBSCRIBED
    supporter.status_changed_at = now
    session.add(
        ConsentEvent(
            supporter_id=supporter.id,
            action=ConsentAction.WITHDRAWN,
            source=source,
            mailing_id=mailing_id,
            at=now,
        )
    )
    return True


def unsent(session, theirs) -> int:
    """A forgotten person's mail not yet sent, gone: their own messages are deleted;
    their copies of a mailing are marked skipped, so its figures still add up."""
    waiting = (
        theirs,
        Outbox.status.in_([OutboxStatus.QUEUED, OutboxStatus.CLAIMED, OutboxStatus.HELD]),
    )
    session.execute(
        update(Outbox)
        .where(*waiting, Outbox.mailing_id.is_not(None))
        .values(status=OutboxStatus.SKIPPED, payload=None)
    )
    return session.execute(delete(Outbox).where(*waiting)).rowcount


def keep_suppression_hashes(session, supporter_ids: list[int], typed: tuple[str, ...] = ()) -> None:
    """Before supporters go: for each who ever agreed to updates (so may be in an ad
    audience uploaded before), the hash of every address they gave us (the supporter's,
    each signature's, and any `typed` by staff), as Meta normalises and hashes them."""
    agreed = select(ConsentEvent.supporter_id).where(
        ConsentEvent.supporter_id.in_(supporter_ids), ConsentEvent.action == ConsentAction.GIVEN
    )
    people = select(Supporter.id).where(Supporter.id.in_(agreed))
    emails = set(session.scalars(select(Supporter.email).where(Supporter.id.in_(people))))
    if not emails:
        return
    canonical = select(Supporter.email_canonical).where(Supporter.id.in_(people))
    emails |= set(
        session.scalars(
            select(Signature.email).where(
                Signature.email_canonical.in_(canonical), Signature.email != ""
            )
        )
    )
    emails |= set(typed)
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    for digest in sorted({email_sha256(email) for email in emails}):
        session.execute(
            dialect.insert(SuppressedEmail)
            .values(email_sha256=digest)
            .on_conflict_do_nothing(index_elements=["email_sha256"])
        )


def erase(session, supporter_ids: list[int]) -> int:
    """Delete supporters and their consent history (a person forgotten, or a supporter
    retention lets go), keeping the hashes of those who ever agreed (above). Mail not
    yet sent goes; sent mail and delivery events keep their rows, for a mailing's
    figures, with nothing that points at the person."""
    if not supporter_ids:
        return 0
    keep_suppression_hashes(session, supporter_ids)
    unsent(session, Outbox.supporter_id.in_(supporter_ids))
    theirs = Outbox.supporter_id.in_(supporter_ids)
    session.execute(
        update(Outbox).where(theirs).values(supporter_id=None, payload=None, last_error=None)
    )
    session.execute(
        update(DeliveryEvent)
        .where(DeliveryEvent.supporter_id.in_(supporter_ids))
        .values(supporter_id=None)
    )
    session.execute(delete(ConsentEvent).where(ConsentEvent.supporter_id.in_(supporter_ids)))
    return session.execute(delete(Supporter).where(Supporter.id.in_(supporter_ids))).rowcount
