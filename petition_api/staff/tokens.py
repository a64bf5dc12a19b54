"""Staff bearer tokens: shown once, stored as a hash, limited to what they are for
(their scopes), expiring, revocable."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import request
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from .. import db
from ..models import ApiToken, hashed, utcnow
from ..models.staff import SCOPES

PREFIX = "gs_"
WHAT = {
    "export": "signature exports",
    "deliver": "delivery packets",
    "audiences": "ad and CRM audiences",
}
DEFAULT_DAYS = 90


def create(session: Session, name: str, scopes: list[str], days: int = DEFAULT_DAYS) -> str:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ValueError(f"scopes must be one or more of {', '.join(SCOPES)}")
    token = PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            name=name,
            token_hash=hashed(token),
            scopes=" ".join(s for s in SCOPES if s in scopes),
            expires_at=utcnow() + timedelta(days=days),
        )
    )
    return token


def listing(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))


def revoke(session: Session, token_id: int) -> bool:
    return bool(
        session.execute(
            update(ApiToken)
            .where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        ).rowcount
    )


def presented() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def staff_member() -> ApiToken | None:
    """The active token the request presents (its last use noted), or None."""
    token = presented()
    if token is None:
        return None
    with db.reading() as session:
        found = session.scalar(
            select(ApiToken).where(
                ApiToken.token_hash == hashed(token), ApiToken.revoked_at.is_(None)
            )
        )
    if found is not None and found.expires_at > utcnow():  # only a live token costs a write
        with db.writing() as session:
            session.execute(
                update(ApiToken).where(ApiToken.id == found.id).values(last_used_at=utcnow())
            )
    return found


class Refused(HTTPException):
    """401 or 403 for a staff route, saying why in a word the audit log keeps."""

    def __init__(self, code: int, description: str, outcome: str, token: ApiToken | None = None):
        super().__init__(description=description)
        self.code, self.outcome, self.token = code, outcome, token


def require_staff(scope: str) -> ApiToken:
    """401 without a token; 403 with one that is wrong, revoked, expired, or not for this."""
    if presented() is None:
        raise Refused(
            401,
            "Staff only: send `Authorization: Bearer <token>` (`flask tokens create`).",
            "unauthenticated",
        )
    member = staff_member()
    if member is None:
        raise Refused(403, "This token is not valid or has been revoked.", "forbidden")
    if member.expires_at <= utcnow():
        message = "This token has expired: ask for a new one (`flask tokens create`)."
        raise Refused(403, message, "expired-token", member)
    if not member.may(scope):
        message = (
            f"This token is not for {WHAT[scope]} (scope {scope}); it has the scopes "
            f"{', '.join(member.scopes.split()) or 'none'}: `flask tokens create NAME --scope "
            f"{scope}` makes one that is."
        )
        raise Refused(403, message, "wrong-scope", member)
    return member
