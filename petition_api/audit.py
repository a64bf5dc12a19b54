"""The audit log: who did what with signer data, staff access or stories, and who tried to.

The one rule: a change and its record commit together. `add(session, ...)` puts
the row in the session that makes the change, so both commit or neither does: no
change is left without its record, and no record tells of a change that never
happened. Rows with no change of their own to join (a refused request, a search,
an export's `started` row written before the first byte) take a transaction of
their own, still through `add`: `with db.writing() as session: audit.add(session, ...)`.

Every export writes a row when it starts (outcome `started`) and completes it
when the last byte is written (`ok`, with the row count) or the client goes
away (`incomplete`). Refused requests (401, 403, 404) get a row too. Rows carry
the actor (a token's name, never the token), the action, the target, the
filters and the client IP; never a signer's data. Everything is cut to its
column's length and made printable here, whoever calls.
"""

from __future__ import annotations

import getpass
import re

from flask import has_request_context
from sqlalchemy import update
from sqlalchemy.orm import Session

from . import db
from .models import ApiToken, AuditEntry
from .ratelimits import client_ip

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MOST_FILTERS = 12


def cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"[:120]
    except (KeyError, OSError):
        return "cli"


def token_actor(token: ApiToken) -> str:
    return f"token:{token.id}:{token.name}"[:120]


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


def add(
    session: Session,
    action: str,
    target: str | None,
    actor: str,
    filters: dict | None = None,
    outcome: str = "ok",
    rows: int | None = None,
    keep_ip: bool = True,
) -> AuditEntry:
    """Add one audit row to `session`, the transaction of the change it records.

    Its id is known once the session flushes (at the latest when db.writing() ends).
    `keep_ip=False` for a supporter's own request (erasing themselves by their link):
    their address is personal data, which an erasure's record must not keep.
    """
    entry = AuditEntry(
        actor=printable(actor, 120),
        action=printable(action, 64),
        target=printable(target, 200) if target else None,
        filters=recorded_filters(filters),
        rows=rows,
        outcome=outcome[:16],
        ip=client_ip()[:45] if keep_ip and has_request_context() else None,
    )
    session.add(entry)
    return entry


def finish(entry_id: int, outcome: str, rows: int | None) -> None:
    """Complete a `started` row when a streamed export ends, however it ends."""
    with db.writing() as session:
        session.execute(
            update(AuditEntry)
            .where(AuditEntry.id == entry_id)
            .values(outcome=outcome[:16], rows=rows)
        )
