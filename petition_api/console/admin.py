"""Admins' pages: the audit log, API tokens and staff accounts.

Tokens and accounts change through the same functions as `flask tokens` and
`flask staff` (staff/tokens.py, staff/accounts.py), audited with the admin's
name. A new token is shown once, in the answer itself (never in the session
cookie or a flash message), and only its hash is kept.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from .. import audit, db
from ..models import AuditEntry, Role, StaffAccount, utcnow
from ..models.staff import SCOPES
from ..staff import accounts, tokens
from .access import me, needs

AUDIT_PAGE = 100


@needs(Role.ADMIN)
def audit_log():
    action = request.args.get("action", "")[:64]
    actor = request.args.get("actor", "")[:120]
    before = request.args.get("before", "")
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(AUDIT_PAGE)
    if action:
        query = query.where(AuditEntry.action == action)
    if actor:
        query = query.where(AuditEntry.actor.contains(actor, autoescape=True))
    if before.isdigit():
        query = query.where(AuditEntry.id < int(before))
    with db.reading() as session:
        entries = list(session.scalars(query))
        actions = list(session.scalars(select(AuditEntry.action).distinct().order_by("action")))
    return render_template(
        "console/audit.html",
        entries=entries,
        actions=actions,
        action=action,
        actor=actor,
        older=entries[-1].id if len(entries) == AUDIT_PAGE else None,
        shown=lambda text: audit.printable(text or "", 1000),
    )


def _token_rows():
    with db.reading() as session:
        return tokens.listing(session)


@needs(Role.ADMIN)
def api_tokens():
    return render_template(
        "console/tokens.html", tokens=_token_rows(), scopes=SCOPES, what=tokens.WHAT, now=utcnow()
    )


@needs(Role.ADMIN)
def create_token():
    name = request.form.get("name", "").strip()[:100]
    chosen = [s for s in request.form.getlist("scope") if s in SCOPES]
    days = request.form.get("days", str(tokens.DEFAULT_DAYS))
    errors = {}
    if not name:
        errors["name"] = "Name the token for who or what will use it."
    if not chosen:
        errors["scope"] = "Tick at least one thing it may do."
    if not (days.isdigit() and 1 <= int(days) <= 366):
        errors["days"] = "Days must be a whole number from 1 to 366."
    made = None
    if not errors:
        with db.writing() as session:
            made = tokens.create(session, name, chosen, int(days))
            asked = {"scopes": chosen, "days": int(days)}
            audit.add(session, "token.create", name, me().actor, asked)
    page = render_template(
        "console/tokens.html",
        tokens=_token_rows(),
        scopes=SCOPES,
        what=tokens.WHAT,
        now=utcnow(),
        made=made,
        made_name=name,
        errors=errors,
        form=None if made else {"name": name, "scope": chosen, "days": days},
    )
    return page, 400 if errors else 200


@needs(Role.ADMIN)
def revoke_token(token_id: int):
    with db.writing() as session:
        revoked = tokens.revoke(session, token_id)
        if revoked:
            audit.add(session, "token.revoke", str(token_id), me().actor)
    if revoked:
        flash(f"Token {token_id} is revoked: it stops working at once.")
    else:
        flash(f"Token {token_id} was not active: nothing changed.")
    return redirect(url_for("console.tokens"))


def _accounts() -> list[StaffAccount]:
    with db.reading() as session:
        return list(session.scalars(select(StaffAccount).order_by(StaffAccount.email)))


@needs(Role.ADMIN)
def staff():
    return render_template("console/staff.html", accounts=_accounts(), roles=list(Role))


@needs(Role.ADMIN)
def create_staff():
    email = request.form.get("email", "")
    role = request.form.get("role", "")
    password = request.form.get("password", "")
    try:
        with db.writing() as session:
            account = accounts.create(session, email, role, password)
            account.must_change_password = True  # a password someone else knows
            email = account.email
            audit.add(session, "staff.create", email, me().actor, {"role": role})
    except accounts.AccountError as error:
        page = render_template(
            "console/staff.html",
            accounts=_accounts(),
            roles=list(Role),
            error=str(error),
            form={"email": email, "role": role},
        )
        return page, 400
    flash(
        f"{email} can sign in now as {role} with the password you chose, and must change it "
        "at their first sign-in."
    )
    return redirect(url_for("console.staff"))


def _active_admins(session) -> int:
    return session.scalar(
        select(func.count())
        .select_from(StaffAccount)
        .where(StaffAccount.role == Role.ADMIN, StaffAccount.disabled_at.is_(None))
    )


# What an admin may do to an account: (what the audit log calls it, what to say after).
ACTIONS = {
    "role": ("staff.role", "{email} is now {role}; their sessions have ended."),
    "disable": ("staff.disable", "{email} can no longer sign in; their sessions have ended."),
    "enable": ("staff.enable", "{email} can sign in again."),
    "reset-two-factor": (
        "staff.reset-two-factor",
        "Two-factor is removed for {email}; they set it up again when they sign in.",
    ),
    "sign-out-everywhere": ("staff.sign-out-everywhere", "Every session of {email} has ended."),
    "password": (
        "staff.password",
        "{email} has the password you chose and must change it when they next sign in.",
    ),
}


@needs(Role.ADMIN)
def change_staff(account_id: int, action: str):
    if action not in ACTIONS:
        abort(404, description="There is no such change.")
    role = request.form.get("role", "")
    with db.reading() as session:
        email = session.scalar(select(StaffAccount.email).where(StaffAccount.id == account_id))
    if email is None:
        abort(404, description=f"There is no staff account number {account_id}.")
    audit_action, said = ACTIONS[action]
    try:
        with db.writing() as session:  # rolled back whole if the change is refused
            _apply(session, session.get(StaffAccount, account_id), action, role)
            asked = {"role": role} if action == "role" else None
            audit.add(session, audit_action, email, me().actor, asked)
    except accounts.AccountError as error:
        flash(f"Nothing changed for {email}: {error}")
        return redirect(url_for("console.staff"))
    flash(said.format(email=email, role=role))
    return redirect(url_for("console.staff"))


def _apply(session, account: StaffAccount, action: str, role: str) -> None:
    # Every active admin's row, locked (PostgreSQL): two admins demoting each other at
    # once take turns, and the second sees the first's change before counting.
    admins = session.scalars(
        select(StaffAccount.id)
        .where(StaffAccount.role == Role.ADMIN, StaffAccount.disabled_at.is_(None))
        .order_by(StaffAccount.id)
        .with_for_update()
    ).all()
    if me().id not in admins:  # demoted or disabled while this request waited
        raise accounts.AccountError("you are no longer an admin.")
    session.refresh(account)
    was_admin = account.role == Role.ADMIN and account.disabled_at is None
    if action == "role":
        accounts.set_role(session, account, role)
    elif action == "disable":
        accounts.disable(session, account)
    elif action == "enable":
        accounts.enable(account)
    elif action == "reset-two-factor":
        accounts.reset_two_factor(session, account)
    elif action == "sign-out-everywhere":
        accounts.sign_out_everywhere(session, account)
    elif action == "password":
        accounts.set_password(session, account, request.form.get("password", ""), must_change=True)
    session.flush()
    if was_admin and _active_admins(session) == 0:
        raise accounts.AccountError("the console would be left without an active admin.")


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/audit", "audit", audit_log)
    bp.add_url_rule("/tokens", "tokens", api_tokens)
    bp.add_url_rule("/tokens", "create_token", create_token, methods=["POST"])
    bp.add_url_rule("/tokens/<int:token_id>/revoke", "revoke_token", revoke_token, methods=["POST"])
    bp.add_url_rule("/staff", "staff", staff)
    bp.add_url_rule("/staff", "create_staff", create_staff, methods=["POST"])
    bp.add_url_rule(
        "/staff/<int:account_id>/<action>", "change_staff", change_staff, methods=["POST"]
    )
