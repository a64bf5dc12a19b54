"""`flask tokens ...` (staff API tokens) and `flask audit list`."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from .. import audit, db
from ..models import AuditEntry, Role, StaffAccount, utcnow
from ..models.staff import SCOPES
from . import accounts, tokens

tokens_cli = AppGroup("tokens", help="Staff API tokens.")


def shown(text: str) -> str:
    """Rows written before audit.printable existed may hold raw control characters."""
    return audit.printable(text, 1000)


@tokens_cli.command("create")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice(SCOPES),
    help="what it may do (repeat for several): export signatures, deliver packets, "
    "audiences (ad and CRM lists)",
)
@click.option(
    "--days", default=tokens.DEFAULT_DAYS, show_default=True, help="days until it expires"
)
def tokens_create(name, scopes, days):
    """Create a staff token named NAME; it is shown once, only its hash is kept (audited)."""
    with db.writing() as session:
        token = tokens.create(session, name, list(scopes), days)
        asked = {"scopes": list(scopes), "days": days}
        audit.add(session, "token.create", name, audit.cli_actor(), asked)
    click.echo(token)


@tokens_cli.command("list")
def tokens_list():
    """Staff tokens (never the tokens themselves)."""
    with db.reading() as session:
        rows = tokens.listing(session)
    now = utcnow()
    for row in rows:
        state = "revoked" if row.revoked_at else "expired" if row.expires_at <= now else "active"
        used = row.last_used_at.isoformat(timespec="seconds") if row.last_used_at else "never"
        click.echo(
            f"{row.id}\t{row.name}\t{state}\t{row.scopes}\t"
            f"expires {row.expires_at:%Y-%m-%d}\tlast used {used}"
        )


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def tokens_revoke(token_id):
    """Revoke the token with id TOKEN_ID (audited)."""
    with db.writing() as session:
        if not tokens.revoke(session, token_id):
            raise click.ClickException(f"no active token with id {token_id}")
        audit.add(session, "token.revoke", str(token_id), audit.cli_actor())
    click.echo(f"revoked {token_id}")


audit_cli = AppGroup("audit", help="The audit log of exports and downloads.")


@audit_cli.command("list")
@click.option("--limit", default=50, show_default=True, help="Newest entries to show.")
@click.option("--action", help="Only this action, e.g. delivery.download.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def list_command(limit, action, as_json):
    """The newest audit entries, oldest first."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEntry.action == action)
    with db.reading() as session:
        entries = list(session.scalars(query))
    for e in reversed(entries):
        if as_json:
            fields = ("id", "actor", "action", "target", "filters", "rows", "outcome", "ip")
            line = {"at": e.at.isoformat(timespec="seconds")} | {f: getattr(e, f) for f in fields}
            click.echo(json.dumps(line))
        else:
            click.echo(
                f"{e.id}\t{e.at:%Y-%m-%d %H:%M:%S}\t{shown(e.actor)}\t{shown(e.action)}\t"
                f"{shown(e.target or '')}\t{shown(e.outcome)}\t{'' if e.rows is None else e.rows}\t"
                f"{json.dumps(e.filters) if e.filters else ''}\t{shown(e.ip or '')}"
            )
    if not entries:
        click.echo("no audit entries")


staff_cli = AppGroup("staff", help="People who sign in to the console at /admin.")
ROLES = click.Choice([r.value for r in Role])


def _password(from_stdin: bool, email: str) -> str:
    """From standard input (one line), or asked for twice without echo."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        accounts.check_password(password, email)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    return password


def _account(session, email: str) -> StaffAccount:
    account = accounts.find(session, email)
    if account is None:
        raise click.ClickException(f"there is no staff account for {accounts.normal_email(email)}")
    return account


@staff_cli.command("create")
@click.argument("email")
@click.option(
    "--role",
    type=ROLES,
    required=True,
    help="editor: stories; organiser: also "
    "signatures, mailings, exports; admin: also staff accounts, tokens, audit log",
)
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
def staff_create(email, role, password_stdin):
    """Create a console account for EMAIL (audited)."""
    password = _password(password_stdin, email)
    with db.writing() as session:
        try:
            account = accounts.create(session, email, role, password)
        except accounts.AccountError as error:
            raise click.ClickException(str(error)) from None
        email = account.email
        audit.add(session, "staff.create", email, audit.cli_actor(), {"role": role})
    click.echo(f"created {email} ({role}); sign in at /admin/login")


@staff_cli.command("list")
def staff_list():
    """Every console account: role, two-factor, last sign-in."""
    with db.reading() as session:
        found = session.scalars(select(StaffAccount).order_by(StaffAccount.email)).all()
    for a in found:
        state = "disabled" if a.disabled_at else "active"
        last = a.last_sign_in_at.isoformat(timespec="minutes") if a.last_sign_in_at else "never"
        factor = "2fa" if a.totp_secret else "no-2fa"
        click.echo(f"{a.email}\t{a.role}\t{state}\t{factor}\tlast sign-in {last}")
    if not found:
        click.echo("no staff accounts: `flask staff create EMAIL --role admin`")


@staff_cli.command("password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
def staff_password(email, password_stdin):
    """Set a new password for EMAIL; their sessions end (audited)."""
    password = _password(password_stdin, email)
    with db.writing() as session:
        account = _account(session, email)
        accounts.set_password(session, account, password)
        audit.add(session, "staff.password", accounts.normal_email(email), audit.cli_actor())
    click.echo(f"password changed; every session of {accounts.normal_email(email)} has ended")


@staff_cli.command("role")
@click.argument("email")
@click.argument("role", type=ROLES)
def staff_role(email, role):
    """Give EMAIL another role; their sessions end (audited)."""
    with db.writing() as session:
        accounts.set_role(session, _account(session, email), role)
        asked = {"role": role}
        audit.add(session, "staff.role", accounts.normal_email(email), audit.cli_actor(), asked)
    click.echo(f"{accounts.normal_email(email)} is now {role}")


@staff_cli.command("disable")
@click.argument("email")
def staff_disable(email):
    """Stop EMAIL signing in, at once (audited); `enable` undoes it."""
    with db.writing() as session:
        accounts.disable(session, _account(session, email))
        audit.add(session, "staff.disable", accounts.normal_email(email), audit.cli_actor())
    click.echo(f"{accounts.normal_email(email)} can no longer sign in")


@staff_cli.command("enable")
@click.argument("email")
def staff_enable(email):
    """Let a disabled account sign in again (audited)."""
    with db.writing() as session:
        accounts.enable(_account(session, email))
        audit.add(session, "staff.enable", accounts.normal_email(email), audit.cli_actor())
    click.echo(f"{accounts.normal_email(email)} can sign in again")


@staff_cli.command("reset-two-factor")
@click.argument("email")
def staff_reset_two_factor(email):
    """Remove EMAIL's two-factor (a lost phone); they set it up again at sign-in (audited)."""
    with db.writing() as session:
        accounts.reset_two_factor(session, _account(session, email))
        email = accounts.normal_email(email)
        audit.add(session, "staff.reset-two-factor", email, audit.cli_actor())
    click.echo(f"two-factor removed for {accounts.normal_email(email)}; their sessions ended")
