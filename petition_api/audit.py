"""Who exported or downloaded signer data, and who tried to: the audit log.

Every export writes a row when it starts (outcome `started`) and completes it
when the last byte is written (`ok`, with the row count) or the client goes
away (`incomplete`). Refused requests (401, 403, 404) get a row too. Rows carry
the actor (a token's name, never the token), the action, the target, the
filters and the client IP; never a signer's data.
"""

from __future__ import annotations

import getpass
import json

import click
from flask import current_app, has_request_context
from flask.cli import AppGroup
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from . import abuse, db, tokens
from .models import ApiToken, AuditEntry

OUTCOME_FOR_CODE = {401: "unauthenticated", 403: "forbidden", 404: "not-found"}


def cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"[:120]
    except (KeyError, OSError):
        return "cli"


def token_actor(token: ApiToken) -> str:
    return f"token:{token.id}:{token.name}"[:120]


def record(
    action: str,
    target: str | None,
    filters: dict | None,
    actor: str,
    outcome: str = "ok",
    rows: int | None = None,
) -> int:
    """Write one audit row in a transaction of its own; returns its id."""
    ip = abuse.client_ip()[:45] if has_request_context() else None
    with db.write_session() as session:
        entry = AuditEntry(
            actor=actor[:120],
            action=action[:64],
            target=target[:200] if target else None,
            filters=filters or None,
            rows=rows,
            outcome=outcome[:16],
            ip=ip,
        )
        session.add(entry)
        session.flush()
        return entry.id


def finish(entry_id: int, outcome: str, rows: int | None, session_factory=None) -> None:
    """Complete a `started` row (from a streaming response, maybe outside the request)."""
    factory = session_factory or current_app.extensions["sessionmaker"]
    with factory() as session:
        session.connection(execution_options={"sqlite_write": True})
        session.execute(
            update(AuditEntry)
            .where(AuditEntry.id == entry_id)
            .values(outcome=outcome[:16], rows=rows)
        )
        session.commit()


def require_staff(session: Session, action: str, target: str | None, filters: dict) -> ApiToken:
    """tokens.require_staff, with the refusal written to the audit log before it is raised."""
    try:
        return tokens.require_staff(session)
    except HTTPException as error:
        actor = "anonymous" if tokens.presented() is None else "invalid-token"
        record(action, target, filters, actor, OUTCOME_FOR_CODE.get(error.code, "refused"))
        raise


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
    entries = list(db.session().scalars(query))
    for e in reversed(entries):
        if as_json:
            fields = ("id", "actor", "action", "target", "filters", "rows", "outcome", "ip")
            line = {"at": e.at.isoformat(timespec="seconds")} | {f: getattr(e, f) for f in fields}
            click.echo(json.dumps(line))
        else:
            click.echo(
                f"{e.id}\t{e.at:%Y-%m-%d %H:%M:%S}\t{e.actor}\t{e.action}\t{e.target or ''}\t"
                f"{e.outcome}\t{'' if e.rows is None else e.rows}\t"
                f"{json.dumps(e.filters) if e.filters else ''}\t{e.ip or ''}"
            )
    if not entries:
        click.echo("no audit entries")
