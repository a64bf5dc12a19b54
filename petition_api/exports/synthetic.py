"""Synthetic signatures for trying and benchmarking exports (never in production).

Every synthetic signer has an `@example.invalid` address (a domain that cannot
receive mail), `utm_source=synthetic` and `variant=synthetic`, so they are
easy to find and delete. Districts are drawn evenly from the loaded district
table, so every office gets a packet; about one in five signers in a ZIP that
spans districts leaves the district unresolved, as real signers do.
"""

from __future__ import annotations

import random
import secrets
import time
from datetime import timedelta

from sqlalchemy import func, insert, select

from .. import db
from ..counting import tallies
from ..models import CongressDataset, CongressOffice, CongressZcta, Petition, Signature, utcnow
from ..states import ZIP_PREFIXES

BATCH = 20_000
FIRST = [
    "Maria",
    "James",
    "Aiyana",
    "Wei",
    "José",
    "Fatima",
    "Liam",
    "Olivia",
    "Noah",
    "Amara",
    "Mateo",
    "Sofia",
    "Ethan",
    "Priya",
    "Lucas",
    "Chloe",
    "Omar",
    "Grace",
    "Diego",
    "Hana",
    "Samuel",
    "Zoe",
    "Kwame",
    "Ana",
    "Ivan",
    "Leila",
    "Hiroshi",
    "Nia",
]
LAST = [
    "Hernandez",
    "Smith",
    "Johnson",
    "Nguyen",
    "Núñez",
    "Williams",
    "Brown",
    "Garcia",
    "Miller",
    "Davis",
    "Kim",
    "Patel",
    "Okafor",
    "Rodriguez",
    "Wilson",
    "Lopez",
    "Chen",
    "Martin",
    "Clark",
    "Lewis",
    "Walker",
    "Young",
    "Ali",
    "Cohen",
    "Rossi",
]
COMMENTS = (
    None,
    None,
    None,
    "My daughter needed this when she was born.",
    "Please act this year.",
    "I care for my father and could not take time off.",
)


class SyntheticError(ValueError):
    """The petition or the district table is missing."""


def _places(session, dataset_id: int) -> dict[str, list[tuple[str, str, int]]]:
    """district -> [(zcta, state, districts the ZCTA has in that state)]."""
    rows = session.execute(
        select(CongressZcta.zcta, CongressZcta.state, CongressZcta.district).where(
            CongressZcta.dataset_id == dataset_id
        )
    ).all()
    spread: dict[tuple[str, str], int] = {}
    for zcta, state, _ in rows:
        spread[(zcta, state)] = spread.get((zcta, state), 0) + 1
    places: dict[str, list[tuple[str, str, int]]] = {}
    for zcta, state, district in rows:
        places.setdefault(district, []).append((zcta, state, spread[(zcta, state)]))
    # Seats with no ZCTA (Guam, the Virgin Islands, ...): a ZIP from their prefix.
    for code, state in session.execute(
        select(CongressOffice.code, CongressOffice.state).where(
            CongressOffice.dataset_id == dataset_id, CongressOffice.chamber == "house"
        )
    ):
        if code not in places and ZIP_PREFIXES.get(state):
            places[code] = [(min(ZIP_PREFIXES[state]) + "10", state, 1)]
    return places


def generate(
    slug: str,
    count: int,
    seed: int | None,
    status: str,
    variant: str = "synthetic",
    utm_source: str = "synthetic",
):
    """Add `count` synthetic signatures; (how many, seconds taken). The conversion
    report's synthetic data (reports/synthetic.py) names its own variant and source."""
    started = time.monotonic()
    rng = random.Random(seed)
    run = secrets.token_hex(4)
    with db.reading() as session:
        petition = session.scalar(Petition.named(slug))
        if petition is None:
            raise SyntheticError(f"no petition called {slug!r}")
        dataset = session.scalar(select(CongressDataset).where(CongressDataset.active))
        if dataset is None:
            raise SyntheticError("no district table loaded: run `flask congress load` first")
        places = _places(session, dataset.id)
        petition_id, version = petition.id, petition.version
    districts = sorted(places)
    now = utcnow()
    made = 0
    while made < count:
        rows = []
        for i in range(made, min(count, made + BATCH)):
            district = rng.choice(districts)
            zcta, state, spread = rng.choice(places[district])
            created = now - timedelta(seconds=rng.randrange(60 * 86400))
            email = f"synthetic-{run}-{i}@example.invalid"
            rows.append(
                {
                    "petition_id": petition_id,
                    "status": status,
                    "first_name": rng.choice(FIRST),
                    "last_name": rng.choice(LAST),
                    "email": email,
                    "email_canonical": email,
                    "city": "Synthetic City",
                    "state": state,
                    "zip": zcta,
                    "district": None if spread > 1 and rng.random() < 0.2 else district,
                    "comment": rng.choice(COMMENTS),
                    "petition_version": version,
                    "utm_source": utm_source,
                    "variant": variant or None,
                    "created_at": created,
                    # Confirmed five minutes after signing, but never later than now:
                    # a confirmation in the future would be counted only when it came.
                    "validated_at": min(created + timedelta(minutes=5), now)
                    if status == "validated"
                    else None,
                    "counted": False,
                    "duplicate_notices": 0,
                }
            )
        with db.writing() as session:
            before = session.scalar(select(func.max(Signature.id))) or 0
            # Core, not the ORM: one executemany per batch.
            session.connection().execute(insert(Signature.__table__), rows)
            # Dated in the past, so the dashboard's tallies would never see them.
            tallies.tally_backdated(session, petition_id, Signature.id > before)
        made += len(rows)
    return made, time.monotonic() - started
