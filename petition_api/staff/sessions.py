"""Signed-in staff (Flask-Login): who a console request comes from, and for how long.

The session is Flask's signed cookie: HttpOnly, SameSite=Lax, Secure (and
`__Host-` named) in production. It holds the account's id and the
`session_version` it began with (signing out, a password change or a change
of role moves the version on, ending every session), when it began, and when it
was last used: it ends after STAFF_IDLE_MINUTES without a request and
STAFF_SESSION_HOURS after sign-in whatever happens. The checks are made here on
the server, so a copied cookie stops working on time too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import Flask, current_app, session
from flask_login import LoginManager, current_user, login_user, logout_user
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select, update

from .. import audit, db
from ..models import Role, StaffAccount, utcnow
from ..models.staff import ROLE_SCOPES

manager = LoginManager()
# Pages say "sign in"; the view that does it lives in the console (console/signing_in.py).
manager.login_view = "console.sign_in"
manager.login_message = "Please sign in to see that page."
manager.session_protection = None  # our own checks below; "strong" logs out on a new IP


@dataclass(frozen=True)
class Person:
    """A signed-in staff member, detached from any database session."""

    id: int
    email: str
    role: Role
    version: int
    has_two_factor: bool
    must_change_password: bool
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        return f"{self.id}:{self.version}"

    def may(self, needed: Role) -> bool:
        return self.role.may(needed)

    @property
    def actor(self) -> str:
        """How the audit log names them."""
        return f"staff:{self.id}:{self.email}"[:120]

    @property
    def needs_two_factor(self) -> bool:
        """In production, whoever may see signers' data (organisers and admins) must use
        two-factor before they do anything."""
        return (
            self.role.may(Role.ORGANISER)
            and not self.has_two_factor
            and current_app.config["ENV"] == "production"
        )

    @property
    def ready(self) -> bool:
        """Signed in and allowed to work: not held at a password change or 2FA set-up."""
        return not (self.must_change_password or self.needs_two_factor)


def person(account: StaffAccount) -> Person:
    return Person(
        id=account.id,
        email=account.email,
        role=Role(account.role),
        version=account.session_version,
        has_two_factor=account.totp_secret is not None,
        must_change_password=account.must_change_password,
    )


def init_app(app: Flask) -> None:
    production = app.config["ENV"] == "production"
    app.config.update(
        SESSION_COOKIE_NAME="__Host-groundswell-staff" if production else "groundswell-staff",
        SESSION_COOKIE_SECURE=production,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=app.config["STAFF_IDLE_MINUTES"] * 60,
    )
    manager.init_app(app)


@manager.user_loader
def _load(user_id: str) -> Person | None:
    now = time.time()
    config = current_app.config
    began, seen = session.get("began", 0), session.get("seen", 0)
    if now - seen > config["STAFF_IDLE_MINUTES"] * 60:
        return None
    if now - began > config["STAFF_SESSION_HOURS"] * 3600:
        return None
    account_id, version = _named(user_id)
    if account_id is None:
        return None
    with db.reading() as s:
        account = s.scalar(select(StaffAccount).where(StaffAccount.id == account_id))
    if account is None or account.disabled_at is not None:
        return None
    if account.session_version != version:
        return None
    session["seen"] = int(now)
    return person(account)


def begin(account: StaffAccount, signing_in_with: str | None = None) -> Person:
    """Sign the person in: a fresh session (nothing of the one before survives).

    `signing_in_with` (password, password+code) makes it a sign-in, audited with the
    time of it; None renews the session of someone already signed in.
    """
    signed_in = person(account)
    # Recorded before the session is made: a sign-in whose record fails signs nobody in
    # (an error page still carries the session cookie).
    with db.writing() as s:
        found = s.get(StaffAccount, account.id)
        if found is not None:
            found.last_sign_in_at = utcnow()
        if signing_in_with is not None:
            asked = {"with": signing_in_with}
            audit.add(s, "staff.sign-in", account.email, signed_in.actor, asked)
    session.clear()
    now = int(time.time())
    session.permanent = True
    session["began"] = now
    session["seen"] = now
    login_user(signed_in)
    return signed_in


def end(action: str | None = None) -> None:
    """Sign out. The cookie is the session, so clearing this browser's copy would leave a
    copy kept elsewhere working: the session version it names moves on, which ends
    every session of the person, also when this one had already idled out.

    `action` names the audit row written with the version's move when someone is
    signed in (not for a session that idled out)."""
    account_id, version = _named(session.get("_user_id", ""))
    found = current_user._get_current_object()
    if account_id is not None:
        with db.writing() as s:
            s.execute(
                update(StaffAccount)
                .where(StaffAccount.id == account_id, StaffAccount.session_version == version)
                .values(session_version=StaffAccount.session_version + 1)
            )
            if action is not None and getattr(found, "is_authenticated", False):
                audit.add(s, action, found.email, found.actor)
    logout_user()
    session.clear()


def _named(user_id: str) -> tuple[int | None, int | None]:
    """(account id, session version) from a session's `id:version`, or (None, None)."""
    account_id, _, version = str(user_id).partition(":")
    if not (account_id.isdigit() and version.isdigit()):
        return None, None
    return int(account_id), int(version)


def _tickets() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="console-download")


def download_ticket(found: Person) -> str:
    """What the Exports page puts in each download link: the staff API takes a console
    session only with it, so a link from anywhere else (another site, a mail) cannot
    start a download in someone's name. Bound to the person and their session version."""
    return _tickets().dumps([found.id, found.version])


def holds_ticket(found: Person, ticket: str) -> bool:
    try:
        named = _tickets().loads(ticket, max_age=current_app.config["STAFF_SESSION_HOURS"] * 3600)
    except BadData:
        return False
    return named == [found.id, found.version]


def signed_in() -> Person | None:
    """The person signed in on this request and ready to work, or None."""
    found = current_user._get_current_object()
    if not getattr(found, "is_authenticated", False) or not isinstance(found, Person):
        return None
    return found if found.ready else None


def may_use(found: Person, scope: str) -> bool:
    """Whether the person's role stands for an API token scope (console downloads)."""
    return scope in ROLE_SCOPES[found.role]
