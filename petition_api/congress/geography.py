"""The active dataset as an in-process map, so signing never queries districts per signature.

Each process keeps the map (about 33,000 ZIPs) in the app's cache, checking at
most every CONGRESS_CHECK_SECONDS (default 30) whether another dataset became
active, and re-reading it only then. district_in_zip is the forms' check of a
chosen district against it (signing's and stories').
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms.validators import ValidationError

from .. import cache, db
from ..models import CongressDataset, CongressOffice, CongressZcta
from ..states import STATES

CHECK_SECONDS = 30.0
_KEY = ("congress", "geography")


@dataclass(frozen=True)
class Geography:
    """The active dataset as plain dicts: ZIP -> districts, state -> House seats."""

    dataset_id: int | None = None
    congress: int | None = None
    zips: dict[str, tuple[str, ...]] = field(default_factory=dict)
    house_seats: dict[str, frozenset[str]] = field(default_factory=dict)
    members: dict[str, str | None] = field(default_factory=dict)

    @property
    def loaded(self) -> bool:
        return self.dataset_id is not None

    def districts(self, zip_code: str) -> tuple[str, ...] | None:
        """The districts a ZIP lies in, all states; None for a ZIP the table lacks."""
        return self.zips.get(zip_code[:5])

    def states(self, zip_code: str) -> list[str] | None:
        found = self.districts(zip_code)
        return None if found is None else sorted({d[:2] for d in found})

    def districts_in(self, zip_code: str, state: str) -> tuple[str, ...] | None:
        """The ZIP's districts in this state; for a ZIP the table lacks, None
        (except a state with one seat, whose every ZIP is in it)."""
        seats = self.house_seats.get(state, frozenset())
        if len(seats) == 1:
            return tuple(seats)
        found = self.districts(zip_code)
        return None if found is None else tuple(d for d in found if d.startswith(state + "-"))

    def resolve(self, state: str, zip_code: str) -> str | None:
        """The signer's district when the ZIP leaves no choice, else None (unresolved)."""
        found = self.districts_in(zip_code, state)
        return found[0] if found and len(found) == 1 else None


def geography() -> Geography:
    """The active dataset's map: re-read only when another dataset became active."""
    every = current_app.config.get("CONGRESS_CHECK_SECONDS", CHECK_SECONDS)
    return cache.current().get(_KEY, _current, cache.seconds_from_now(every))


def district_in_zip(form, field) -> None:
    """The chosen district is one of the state's seats, and one the ZIP lies in."""
    if field.errors:  # not shaped like a district: one message is enough
        return
    if form.state.data in STATES and not field.data.startswith(form.state.data + "-"):
        raise ValidationError(f"District {field.data} is not in {form.state.data}.")
    geo = geography()
    choices = geo.districts_in(form.zip.data or "", form.state.data)
    if choices and field.data not in choices:
        raise ValidationError(
            f"ZIP code {form.zip.data} is not in district {field.data}: "
            f"choose {' or '.join(choices)}."
        )
    seats = geo.house_seats.get(form.state.data)
    if seats and field.data not in seats:
        raise ValidationError(f"There is no district {field.data}.")


def _current(previous: Geography | None) -> Geography:
    with db.reading() as session:
        active = session.execute(
            select(CongressDataset.id, CongressDataset.congress).where(CongressDataset.active)
        ).first()
        if active is None:
            return Geography()
        if previous is not None and previous.dataset_id == active.id:
            return previous
        return _read_geography(session, active.id, active.congress)


def _read_geography(session: Session, dataset_id: int, congress: int) -> Geography:
    zips: dict[str, list[str]] = {}
    for zcta, district in session.execute(
        select(CongressZcta.zcta, CongressZcta.district).where(
            CongressZcta.dataset_id == dataset_id
        )
    ):
        zips.setdefault(zcta, []).append(district)
    seats: dict[str, set[str]] = {}
    members = {}
    for code, chamber, state, name in session.execute(
        select(
            CongressOffice.code, CongressOffice.chamber, CongressOffice.state,
            CongressOffice.full_name,
        ).where(CongressOffice.dataset_id == dataset_id)
    ):  # fmt: skip
        members[code] = name
        if chamber == "house":
            seats.setdefault(state, set()).add(code)
    return Geography(
        dataset_id,
        congress,
        {z: tuple(sorted(d)) for z, d in zips.items()},
        {s: frozenset(c) for s, c in seats.items()},
        members,
    )


def forget(app: Flask) -> None:
    """Re-read the active dataset on next use (after a load in this process)."""
    cache.of(app).forget(*_KEY)
