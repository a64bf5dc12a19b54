"""`flask tokens ...` (staff API tokens) and `flask audit list`."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from .. import db
from ..models import AuditEntry, utcnow
from ..models.staff import SCOPES
from . import audit, tokens

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
    audit.record("token.create", name, {"scopes": list(scopes), "days": days}, audit.cli_actor())
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
    audit.record("token.revoke", str(token_id), None, audit.cli_actor())
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
