"""Mail waiting to be sent (see mail/ for how a message moves through these states)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ColumnElement,
    Exists,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, EnumText, check_in, utcnow


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"
    CLAIMED = "claimed"  # taken by a worker, not yet handed to the mail server
    SENDING = "sending"  # being handed over: after a crash we cannot know if it went
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"  # a worker stopped while sending; never retried by itself
    SKIPPED = "skipped"  # an update whose supporter stopped receiving before their turn
    HELD = "held"  # the rest of a subject test, waiting for its winner (updates/deciding.py)


class Priority(enum.IntEnum):
    """Lower goes first: nobody waiting to confirm waits behind a mailing."""

    PERSONAL = 0  # confirmations, thank-yous, answers to a person's own request
    BULK = 1  # updates to supporters


class Outbox(Base):
    """Mail waiting to be sent, written in the same transaction as its cause."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(check_in("status", OutboxStatus), name="status"),
        # What a worker claims next: queued, in priority order, oldest first.
        Index("ix_outbox_queue", "status", "priority", "id"),
        # A mailing reaches each supporter once, whoever queues it and however often.
        UniqueConstraint("mailing_id", "supporter_id"),
        # In a subject test, each copy carries one of its mailing's subjects, chosen
        # once: a sample's when it is queued, the rest's (held until then) in the one
        # statement that releases them with the winner (updates/deciding.py).
        ForeignKeyConstraint(
            ["mailing_id", "subject"], ["mailing_subjects.mailing_id", "mailing_subjects.letter"]
        ),
        CheckConstraint("status <> 'held' OR subject IS NULL", name="held_without_subject"),
        CheckConstraint("subject IS NOT NULL OR NOT sample", name="sample_has_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    signature_id: Mapped[int | None] = mapped_column(ForeignKey("signatures.id"))
    supporter_id: Mapped[int | None] = mapped_column(ForeignKey("supporters.id"))
    mailing_id: Mapped[int | None] = mapped_column(ForeignKey("mailings.id"))
    priority: Mapped[int] = mapped_column(default=Priority.PERSONAL)
    # Secrets the message must carry (a confirmation token); erased once sent.
    payload: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[OutboxStatus] = mapped_column(
        EnumText(OutboxStatus), default=OutboxStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    # Which worker holds the claim: only it may send the row (mail/outbox.py).
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    # A subject test's copy: the letter of the subject it carries, and whether it is in
    # one of the samples (else it is one of the rest, who get the winner).
    subject: Mapped[str | None] = mapped_column(String(1))
    sample: Mapped[bool] = mapped_column(default=False, server_default=false())


class SignedAgain(Base):
    """A submission for an address that had signed, waiting for the worker to answer it.

    The request only queues it, exactly as a first signature queues its
    confirmation, so both answers cost the same and their timing cannot tell
    anyone whether an address has signed (mail/signed_again.py does the rest).
    """

    __tablename__ = "signed_again"
    # Confirming asks whether a newer submission from an address is waiting.
    __table_args__ = (Index("ix_signed_again_address", "petition_id", "email_canonical"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None (and no address) for a bot's submission: a mark that is only dropped.
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id"))
    email_canonical: Mapped[str] = mapped_column(String(254))
    # The submitted row's values and its confirmation token: deleted once answered.
    submission: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # One that cannot be answered is tried a few times, then left for staff to see
    # (`flask mail status`), never blocking the ones behind it.
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))

    MAX_ATTEMPTS: ClassVar[int] = 5

    @classmethod
    def waiting(cls) -> ColumnElement[bool]:
        return cls.attempts < cls.MAX_ATTEMPTS

    @classmethod
    def waiting_for(cls, petition_id, email_canonical) -> Exists:
        """A submission from this address waits to be answered (ids or columns)."""
        return (
            select(cls.id)
            .where(
                cls.petition_id == petition_id,
                cls.email_canonical == email_canonical,
                cls.waiting(),
            )
            .exists()
        )


class Mailing(Base):
    """An update staff queued to supporters (`flask mailings send`): what it said, to whom."""

    __tablename__ = "mailings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # the file's name, without .md
    # The file's content: sending the same update twice is refused unless asked.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    preheader: Mapped[str | None] = mapped_column(String(200))
    from_name: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)  # Markdown
    audience: Mapped[dict | str] = mapped_column(JSON)
    recipients: Mapped[int] = mapped_column(default=0)
    queued_by: Mapped[str] = mapped_column(String(120))
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    paused_at: Mapped[datetime | None]


class DeliveryEvent(Base):
    """A bounce or complaint the sending service or a returned message told us about.

    Holds no address: the supporter it concerns, and the mailing if we know it.
    """

    __tablename__ = "delivery_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # bounce, complaint
    permanent: Mapped[bool] = mapped_column(default=True)
    supporter_id: Mapped[int | None] = mapped_column(ForeignKey("supporters.id"), index=True)
    mailing_id: Mapped[int | None] = mapped_column(ForeignKey("mailings.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # generic, ses, postmark, dsn
    at: Mapped[datetime] = mapped_column(default=utcnow)


class EventReceipt(Base):
    """Signed event deliveries already taken: a replay of one is refused."""

    __tablename__ = "event_receipts"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


SUBJECT_LETTERS = ("A", "B", "C", "D")  # a subject test's two to four subjects, in order


class MailingSubject(Base):
    """One of a subject test's subjects, by its letter."""

    __tablename__ = "mailing_subjects"
    __table_args__ = (CheckConstraint(f"letter IN {SUBJECT_LETTERS}", name="letter"),)

    mailing_id: Mapped[int] = mapped_column(ForeignKey("mailings.id"), primary_key=True)
    letter: Mapped[str] = mapped_column(String(1), primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))


class SubjectTest(Base):
    """A mailing that tests its subjects (updates/subject_tests.py): its samples' share,
    how long it waits once they are sent, and what became of it."""

    __tablename__ = "subject_tests"
    __table_args__ = (
        ForeignKeyConstraint(
            ["mailing_id", "winner"], ["mailing_subjects.mailing_id", "mailing_subjects.letter"]
        ),
        CheckConstraint("share_basis_points BETWEEN 100 AND 2500", name="share"),
        CheckConstraint("wait_minutes > 0", name="wait"),
        CheckConstraint("sample_size > 0", name="sample_size"),
        # A winner is chosen once, with its moment and who chose it.
        CheckConstraint(
            "(winner IS NULL AND decided_at IS NULL AND decided_by IS NULL) OR "
            "(winner IS NOT NULL AND decided_at IS NOT NULL AND decided_by IS NOT NULL)",
            name="decided",
        ),
    )

    mailing_id: Mapped[int] = mapped_column(ForeignKey("mailings.id"), primary_key=True)
    share_basis_points: Mapped[int]  # each sample's share of the list: 1000 is 10%
    wait_minutes: Mapped[int]
    sample_size: Mapped[int]  # the people drawn for each subject when it was queued
    minimum: Mapped[int]  # each sample's least size when it was sent (the settings may change)
    # When the last sample copy was handed over (or given up on): the wait starts then.
    samples_sent_at: Mapped[datetime | None]
    winner: Mapped[str | None] = mapped_column(String(1))
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(120))  # "automatic", or staff
    # The guard's stop: when, and the sample and rate that passed its limit.
    stopped_at: Mapped[datetime | None]
    stopped_because: Mapped[str | None] = mapped_column(String(300))
