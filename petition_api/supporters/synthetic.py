"""Synthetic supporters, for trying and benchmarking mailings (never in production).

Each has an address at a subdomain of `example.invalid` (a domain that cannot
receive mail), is subscribed to every update, and lives in a state drawn from
the states list, so staff can try an audience before a real one exists.
"""

from __future__ import annotations

import secrets
import time

from sqlalchemy import insert

from .. import db
from ..models import EmailStatus, Scope, Supporter, new_link_key, utcnow
from ..states import STATES

BATCH = 20_000
DOMAINS = 10  # mail0.example.invalid ... mail9.example.invalid


def generate(count: int) -> tuple[int, float]:
    """Add `count` subscribed synthetic supporters; (how many, seconds)."""
    started = time.perf_counter()
    run = secrets.token_hex(3)  # a second run never collides with the first
    states = sorted(STATES)
    now = utcnow()
    made = 0
    while made < count:
        rows = []
        for n in range(made, min(count, made + BATCH)):
            email = f"supporter-{run}-{n}@mail{n % DOMAINS}.example.invalid"
            rows.append(
                {
                    "email_canonical": email,
                    "email": email,
                    "first_name": f"Synthetic{n}",
                    "last_name": "Supporter",
                    "city": None,
                    "state": states[n % len(states)],
                    "zip": "00000",
                    "district": None,
                    "status": EmailStatus.SUBSCRIBED,
                    "scope": Scope.ALL,
                    "link_key": new_link_key(),
                    "created_at": now,
                    "status_changed_at": now,
                }
            )
        with db.writing() as session:
            session.execute(insert(Supporter), rows)
        made += len(rows)
    return made, time.perf_counter() - started
