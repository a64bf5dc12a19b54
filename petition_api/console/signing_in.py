"""Signing in and out, the second factor, and a person's own account page.

A failed sign-in says only that the address and password do not match (never
whether the account exists) and costs the same time either way; failures are
limited per address and per account, and every sign-in, failure and refusal is
written to the audit log (the account's address when it exists, never what was
typed as a password).
"""

from __future__ import annotations

import base64
import ipaddress
import secrets
import time
from urllib.parse import unquote, urlsplit

import segno
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from .. import audit, db, site_look
from ..models import Role, StaffAccount
from ..ratelimits import client_network, limiter
from ..staff import accounts, sessions
from .access import me

HALF_SIGNED_IN_SECONDS = 300  # between a right password and its two-factor code


def _failed(response) -> bool:
    return response.status_code == 401


def _password_key() -> str:
    """A password's tries count per account and per network together: guessing one
    account from one place is stopped, and nobody elsewhere can lock its owner out.
    An IPv6 network counts by its /48, what one site is given, not one /64 of it."""
    typed = accounts.normal_email(request.form.get("email", ""))[:254]
    network = client_network()
    if ":" in network:
        network = str(ipaddress.ip_network(network).supernet(new_prefix=48))
    return f"staff-password:{typed}:{network}"


def _code_key() -> str:
    """Codes count per account from anywhere: only someone who knew the password gets
    here, and a million codes must not be tried from a thousand addresses."""
    return f"staff-code:{session.get('half', {}).get('id', '')}"


def _own_password_key() -> str:
    """The signed-in person's current password, asked again on the account pages."""
    return f"staff-own-password:{getattr(current_user, 'id', 'nobody')}"


def _limited(setting: str, key, scope: str):
    return limiter.limit(
        lambda: current_app.config[setting],
        key_func=key,
        scope=scope,
        methods=["POST"],
        deduct_when=_failed,
    )


_per_address = limiter.limit(
    lambda: current_app.config["LIMIT_STAFF_SIGN_IN"],
    scope="staff-sign-in",
    methods=["POST"],
    deduct_when=_failed,
)
_per_password = _limited("LIMIT_STAFF_ACCOUNT", _password_key, "staff-password")
_per_code = _limited("LIMIT_STAFF_ACCOUNT", _code_key, "staff-code")
# One budget for both account pages that ask for the current password.
_per_own_password = limiter.shared_limit(
    lambda: current_app.config["LIMIT_STAFF_ACCOUNT"],
    scope="staff-own-password",
    key_func=_own_password_key,
    methods=["POST"],
    deduct_when=_failed,
)


def _next() -> str:
    """Where to go after signing in: a console page by its path (no query, no `..`),
    never another site, a download, or anything but a page of this console."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    segments = unquote(parts.path).split("/")
    if not (parts.scheme or parts.netloc or parts.query or "\\" in target) and not (
        {".", ".."} & set(segments)
    ):
        try:
            endpoint, _ = current_app.url_map.bind("localhost").match(parts.path, method="GET")
        except HTTPException:
            endpoint = ""
        if endpoint.startswith("console.") and endpoint != "console.static":
            return parts.path
    return url_for("console.dashboard")


def sign_in():
    if request.method == "GET":
        if sessions.signed_in() is not None:
            return redirect(_next())
        return render_template("console/sign_in.html", next=_next())
    session.pop("half", None)  # a new password try starts again from the beginning
    email = accounts.normal_email(request.form.get("email", ""))[:254]
    password = request.form.get("password", "")
    with db.writing() as s:
        account = accounts.find(s, email) if email else None
        right = accounts.password_matches(account, password)
        if account is not None:
            s.flush()  # a hash redone with today's settings is kept
            s.expunge(account)
    if not right or account is None or account.disabled_at is not None:
        outcome = "unknown-account" if account is None else "failed"
        if right and account is not None:
            outcome = "disabled"
        with db.writing() as s:
            tried = account.email if account else None
            audit.add(s, "staff.sign-in", tried, "anonymous", outcome=outcome)
        error = "That email address and password do not match an account that can sign in."
        return render_template("console/sign_in.html", error=error, email=email, next=_next()), 401
    if account.totp_secret:
        session.clear()
        session["half"] = {
            "id": account.id,
            "email": account.email,
            "version": account.session_version,
            "at": int(time.time()),
        }
        return redirect(url_for("console.sign_in_code", next=_next()))
    return _begin(account, "password")


def _begin(account: StaffAccount, how: str):
    person = sessions.begin(account, signing_in_with=how)
    if person.must_change_password:
        flash("Choose a new password before you go on.")
        return redirect(url_for("console.account", first=1))
    if person.needs_two_factor:
        flash("Whoever can see signers' details must use two-factor sign-in: set it up first.")
        return redirect(url_for("console.two_factor"))
    return redirect(_next())


def _half_signed_in() -> StaffAccount | None:
    half = session.get("half")
    if not half or time.time() - half.get("at", 0) > HALF_SIGNED_IN_SECONDS:
        return None
    with db.reading() as s:
        account = s.get(StaffAccount, half["id"])
        if account is not None:
            s.expunge(account)
    if account is None or account.disabled_at is not None or not account.totp_secret:
        return None
    return account if account.session_version == half["version"] else None


def sign_in_code():
    account = _half_signed_in()
    if account is None:
        session.pop("half", None)
        flash("Please sign in again: the time to give your code ran out.")
        return redirect(url_for("console.sign_in"))
    if request.method == "GET":
        return render_template("console/sign_in_code.html", next=_next())
    with db.writing() as s:
        found = s.get(StaffAccount, account.id)
        right = found is not None and accounts.use_code(s, found, request.form.get("code", ""))
    if not right:
        with db.writing() as s:
            tried = {"with": "code"}
            audit.add(s, "staff.sign-in", account.email, "anonymous", tried, "failed-code")
        error = (
            "That code is not right, or was used already (each code works once: if your app "
            "still shows the one you just used, wait for the next)."
        )
        return render_template("console/sign_in_code.html", error=error, next=_next()), 401
    return _begin(account, "password+code")


def sign_out():
    sessions.end("staff.sign-out")  # also a session that idled out: a copy may be in use
    flash("You have signed out, on every device.")
    return redirect(url_for("console.sign_in"))


def _signed_in_at_all(view):
    """For the account pages: anyone signed in, even if held at a password change."""

    def checked(*args, **kwargs):
        if not getattr(current_user, "is_authenticated", False):
            return redirect(url_for("console.sign_in", next=request.path))
        return view(*args, **kwargs)

    checked.__name__ = view.__name__
    checked.needs = None
    return checked


def account():
    person = me()
    if request.method == "GET":
        return render_template("console/account.html", first=request.args.get("first"))
    current, new, again = (request.form.get(k, "") for k in ("current", "new", "again"))
    error, status = None, 400
    with db.writing() as s:
        found = s.get(StaffAccount, person.id)
        if not accounts.password_matches(found, current):
            error, status = "Your current password is not right.", 401  # 401s are limited
        elif new != again:
            error = "The new password and its repetition differ."
        else:
            try:
                accounts.set_password(s, found, new)
            except accounts.AccountError as problem:
                error = str(problem)
        outcome = "ok" if error is None else "refused"
        audit.add(s, "staff.password", person.email, person.actor, outcome=outcome)
        if error is None:
            s.flush()
            s.expunge(found)
    if error is not None:
        return render_template("console/account.html", error=error), status
    sessions.begin(found)  # this session goes on; every other one has ended
    flash("Your password is changed, and every other session of yours has ended.")
    return redirect(url_for("console.account"))


def sign_out_everywhere():
    sessions.end("staff.sign-out-everywhere")
    flash("Every session of yours has ended, this one too: sign in again.")
    return redirect(url_for("console.sign_in"))


def _qr(uri: str) -> str:
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def two_factor():
    person = me()
    if request.method == "POST" and request.form.get("action") == "remove":
        return _remove_two_factor(person)
    holder = session.setdefault("totp_holder", secrets.token_urlsafe(16))
    with db.writing() as s:
        found = s.get(StaffAccount, person.id)
        if found.totp_secret is not None:
            return render_template("console/two_factor.html", has=True)
        problem = _turning_on(s, found, holder) if request.method == "POST" else None
        turned_on = request.method == "POST" and problem is None
        if turned_on:
            audit.add(s, "staff.two-factor", person.email, person.actor, {"set": True})
        secret = None if turned_on else accounts.pending_totp_secret(found, holder)
    if turned_on:
        return _two_factor_on(person)
    error, status = problem or (None, 200)
    uri = accounts.totp_uri(person.email, secret, site_look.current().name)
    shown = {"secret": secret, "qr": _qr(uri), "has": False, "error": error}
    return render_template("console/two_factor.html", **shown), status


def _turning_on(s, found: StaffAccount, holder: str) -> tuple[str, int] | None:
    """None once two-factor is on; otherwise what is wrong, and the status (401s are
    wrong passwords, which the limit counts)."""
    if not accounts.password_matches(found, request.form.get("password", "")):
        return "Your password is not right.", 401
    if not accounts.confirm_two_factor(s, found, holder, request.form.get("code", "")):
        return (
            "That code is not right: type the six digits your app shows now (if you started "
            "again in another window, scan the new code below).",
            400,
        )
    return None


def _two_factor_on(person: sessions.Person):
    session.pop("totp_holder", None)
    with db.reading() as s:
        sessions.begin(s.get(StaffAccount, person.id))  # every other session has ended
    flash("Two-factor sign-in is on: you will be asked for a code each time you sign in.")
    return redirect(url_for("console.dashboard"))


def _remove_two_factor(person: sessions.Person):
    production = current_app.config["ENV"] == "production"
    if not person.has_two_factor:
        return redirect(url_for("console.two_factor"))
    if person.role.may(Role.ORGANISER) and production:
        error = "Whoever can see signers' details must keep two-factor sign-in on."
        return render_template("console/two_factor.html", has=True, error=error), 400
    with db.writing() as s:
        found = s.get(StaffAccount, person.id)
        if not accounts.password_matches(found, request.form.get("password", "")):
            error = "Your password is not right."
            return render_template("console/two_factor.html", has=True, error=error), 401
        found.totp_secret = found.totp_last_step = None
        audit.add(s, "staff.two-factor", person.email, person.actor, {"set": False})
    flash("Two-factor sign-in is off.")
    return redirect(url_for("console.account"))


def register(bp: Blueprint) -> None:
    signing = _per_address(_per_password(sign_in))
    bp.add_url_rule("/login", "sign_in", signing, methods=["GET", "POST"])
    coding = _per_address(_per_code(sign_in_code))
    bp.add_url_rule("/login/code", "sign_in_code", coding, methods=["GET", "POST"])
    bp.add_url_rule("/logout", "sign_out", sign_out, methods=["POST"])
    own = _signed_in_at_all(_per_own_password(account))
    bp.add_url_rule("/account", "account", own, methods=["GET", "POST"])
    bp.add_url_rule(
        "/account/sign-out-everywhere",
        "sign_out_everywhere",
        _signed_in_at_all(sign_out_everywhere),
        methods=["POST"],
    )
    factor = _signed_in_at_all(_per_own_password(two_factor))
    bp.add_url_rule("/account/two-factor", "two_factor", factor, methods=["GET", "POST"])
