"""Who exported or downloaded signer data, and who tried to: the audit log.

Every export writes a row when it starts (outcome `started`) and completes it
when the last byte is written (`ok`, with the row count) or the client goes
away (`incomplete`). Refused requests (401, 403, 404) get a row too. Rows carry
the actor (a token's name, never the token), the action, the target, the
filters and the client IP; never a signer's data.
"""

from __future__ import annotations

import getpass
import re

from flask import has_request_context
from sqlalchemy import update

from .. import db
from ..models import ApiToken, AuditEntry
from ..ratelimits import client_ip
from . import tokens


def cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"[:120]
    except (KeyError, OSError):
        return "cli"


def token_actor(token: ApiToken) -> str:
    return f"token:{token.id}:{token.name}"[:120]


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MOST_FILTERS = 12


def printable(text: str, limit: int) -> str:
    """At most `limit` characters, control characters shown as \\xNN: what anyone sends
    (a slug, a query parameter) reaches a staff terminal as text, never as commands."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)[:limit]


def recorded_filters(filters: dict | None) -> dict | None:
    """The first MOST_FILTERS parameters, names and values cut to 40 characters each."""
    if not filters:
        return None
    kept = list(filters.items())[:MOST_FILTERS]
    return {
        printable(str(k), 40): v if isinstance(v, bool | int | list) else printable(str(v), 40)
        for k, v in kept
    }


def record(
    action: str,
    target: str | None,
    filters: dict | None,
    actor: str,
    outcome: str = "ok",
    rows: int | None = None,
) -> int:
    """Write one audit row in a transaction of its own; returns its id."""
    ip = client_ip()[:45] if has_request_context() else None
    with db.writing() as session:
        entry = AuditEntry(
            actor=printable(actor, 120),
            action=printable(action, 64),
            target=printable(target, 200) if target else None,
            filters=recorded_filters(filters),
            rows=rows,
            outcome=outcome[:16],
            ip=ip,
        )
        session.add(entry)
        session.flush()
        return entry.id


def finish(entry_id: int, outcome: str, rows: int | None) -> None:
    """Complete a `started` row when a streamed export ends, however it ends."""
    with db.writing() as session:
        session.execute(
            update(AuditEntry)
            .where(AuditEntry.id == entry_id)
            .values(outcome=outcome[:16], rows=rows)
        )


def require_staff(scope: str, action: str, target: str | None, filters: dict) -> ApiToken:
    """tokens.require_staff, with the refusal written to the audit log before it is raised.

    An expired token, or one for something else, is named (staff can see whose
    it was); a token nobody issued or one revoked is `invalid-token`.
    """
    try:
        return tokens.require_staff(scope)
    except tokens.Refused as refused:
        if refused.token is not None:
            actor = token_actor(refused.token)
        else:
            actor = "anonymous" if refused.code == 401 else "invalid-token"
        record(action, target, filters, actor, refused.outcome)
        raise
