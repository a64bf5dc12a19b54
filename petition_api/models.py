"""The tables, as typed SQLAlchemy 2.0 models.

Rules that protect data live in the database (unique, foreign keys, checks), so
that no code path, process or race can get around them.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: use datetime.now(UTC)")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    # Named constraints make Alembic migrations reversible on every backend.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map: ClassVar = {datetime: UTCDateTime()}


class Status(enum.StrEnum):
    PENDING = "pending"
    VALIDATED = "validated"
    FRAUDULENT = "fraudulent"
    INVALIDATED = "invalidated"


class ConsentWording(Base):
    """The exact words a signer agreed to, stored once and referred to."""

    __tablename__ = "consent_wordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class Petition(Base):
    __tablename__ = "petitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    ask: Mapped[str] = mapped_column(Text)
    version: Mapped[str] = mapped_column(String(64))
    goal: Mapped[int] = mapped_column(Integer)
    target: Mapped[str] = mapped_column(String(200))
    page: Mapped[str] = mapped_column(String(500))
    thanks_page: Mapped[str | None] = mapped_column(String(500))
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    # False once the site's manifest no longer declares it: kept for its signatures.
    listed: Mapped[bool] = mapped_column(default=True)
    updates_consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent_wordings.id"))
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)

    def status(self, now: datetime) -> str:
        if self.opens_at and now < self.opens_at:
            return "upcoming"
        if (self.closes_at and now >= self.closes_at) or not self.listed:
            return "closed"
        return "open"


class PetitionVersion(Base):
    """Every text of a petition's ask that signers have been shown."""

    __tablename__ = "petition_versions"
    __table_args__ = (UniqueConstraint("petition_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"))
    version: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    ask: Mapped[str] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class Signature(Base):
    __tablename__ = "signatures"
    __table_args__ = (
        # One signature per petition per person: concurrent duplicates cannot both land.
        UniqueConstraint("petition_id", "email_canonical"),
        CheckConstraint(
            "status IN ('pending', 'validated', 'fraudulent', 'invalidated')", name="status"
        ),
        Index("ix_signatures_petition_status_state", "petition_id", "status", "state"),
        # The counting refresh only looks at confirmed signatures not yet counted.
        Index(
            "ix_signatures_uncounted",
            "petition_id",
            sqlite_where=text("status = 'validated' AND counted = 0"),
            postgresql_where=text("status = 'validated' AND NOT counted"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"))
    status: Mapped[str] = mapped_column(String(16), default=Status.PENDING)
    fraud_reason: Mapped[str | None] = mapped_column(String(32))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    email_canonical: Mapped[str] = mapped_column(String(254))
    street: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(2))
    zip: Mapped[str] = mapped_column(String(10))
    district: Mapped[str | None] = mapped_column(String(5))
    comment: Mapped[str | None] = mapped_column(Text)
    petition_version: Mapped[str] = mapped_column(String(64))
    updates_consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent_wordings.id"))
    utm_source: Mapped[str | None] = mapped_column(String(200))
    utm_medium: Mapped[str | None] = mapped_column(String(200))
    utm_campaign: Mapped[str | None] = mapped_column(String(200))
    utm_content: Mapped[str | None] = mapped_column(String(200))
    variant: Mapped[str | None] = mapped_column(String(100))
    page: Mapped[str | None] = mapped_column(String(500))
    ip: Mapped[str | None] = mapped_column(String(45))
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    confirm_expires_at: Mapped[datetime | None]
    duplicate_notices: Mapped[int] = mapped_column(default=0)
    counted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    validated_at: Mapped[datetime | None]


class PetitionCount(Base):
    """The public count, by state: a cache rebuilt by `flask petitions recount`."""

    __tablename__ = "petition_counts"

    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), primary_key=True)
    state: Mapped[str] = mapped_column(String(2), primary_key=True)
    validated: Mapped[int] = mapped_column(default=0)


class Outbox(Base):
    """Mail waiting to be sent, written in the same transaction as its cause."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'claimed', 'sending', 'sent', 'failed', 'unknown')",
            name="status",
        ),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    signature_id: Mapped[int | None] = mapped_column(ForeignKey("signatures.id"))
    # Secrets the message must carry (a confirmation token); erased once sent.
    payload: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class ApiToken(Base):
    """Staff bearer tokens; only a hash is stored, the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Who did what with signer data, and who tried to."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(200))
    filters: Mapped[dict | None] = mapped_column(JSON)
    rows: Mapped[int | None]
    outcome: Mapped[str] = mapped_column(String(16), default="ok")
    ip: Mapped[str | None] = mapped_column(String(45))
