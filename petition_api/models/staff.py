"""Staff tokens and the audit log of what was done with signer data."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, check_in, utcnow

# What a staff token may do; each staff endpoint asks for one.
SCOPES = ("export", "deliver", "audiences")


class Role(enum.StrEnum):
    """What a person at the console may do; each role may do all the ones before it."""

    EDITOR = "editor"  # moderates and publishes stories
    ORGANISER = "organiser"  # sees signatures, sends mailings, downloads exports
    ADMIN = "admin"  # manages staff accounts and API tokens, reads the audit log

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def may(self, needed: Role) -> bool:
        return self.rank >= needed.rank


# The token scopes a signed-in person's role stands for, so the console downloads
# through the very routes (and audit rows) that tokens use.
ROLE_SCOPES = {Role.EDITOR: (), Role.ORGANISER: SCOPES, Role.ADMIN: SCOPES}


class StaffAccount(Base):
    """A person who signs in to the console. Only an Argon2 hash of the password is kept."""

    __tablename__ = "staff_accounts"
    __table_args__ = (CheckConstraint(check_in("role", Role), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Lower-cased when created, so one person cannot get two accounts.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    # Bumped when the password changes or someone signs out everywhere: every
    # session carries the value it began with, and older ones stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    # Set by an admin's reset or at creation by someone else: change it at next sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The last time step whose code was accepted: a code works once.
    totp_last_step: Mapped[int | None]
    # A secret being set up (shown as a QR code, not yet confirmed with a code): kept
    # here, never in the session cookie, which is signed but readable.
    totp_pending: Mapped[str | None] = mapped_column(String(64))
    totp_pending_at: Mapped[datetime | None]
    # The SHA-256 of a random value the one session shown that secret keeps: no other
    # session (a stolen cookie, a phished password) is shown the same secret.
    totp_pending_for: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]
    disabled_at: Mapped[datetime | None]

    @property
    def role_(self) -> Role:
        return Role(self.role)

    def may(self, needed: Role) -> bool:
        return self.disabled_at is None and self.role_.may(needed)


class ApiToken(Base):
    """Staff bearer tokens; only a hash is stored, the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Space-separated, from SCOPES.
    scopes: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    def may(self, scope: str) -> bool:
        return scope in self.scopes.split()


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
