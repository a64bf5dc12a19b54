"""Congressional districts and their members, loaded from public files.

Two files feed it (see ../shared/data/README.md and the README's delivery
section for where to get current versions):

- the ZCTA-to-district table: `zccd.csv` (`state_fips,state_abbr,zcta,cd`) or the
  Census relationship file (`tab20_cd11920_zcta520_natl.txt`, pipe-delimited);
- the sitting members: `legislators-current.csv` from unitedstates/congress-legislators.

Every load is a new *dataset* (rows of its own, tagged with the Congress
number); the API switches to it in one UPDATE once it is complete, so data can
be replaced while the API serves, and `flask congress activate` switches back.

Each process keeps the active dataset's ZIP map in memory (about 33,000 ZIPs),
checking at most every `CHECK_SECONDS` whether another dataset became active,
so the signing path never queries the database per signature.

Offices have codes: `NY-12` (a representative), `AK-AL` (at large; also the
delegates of DC and the territories), `NY-SR` / `NY-JR` (the senior and junior
senator). Senior is decided, in order, by a `state_rank` column when the
legislators file has one, else by the lower LIS member id (`lis_id`, which the
Senate assigns in the order senators first take office, so the lower id has
served longer), else by the lower senate class. A House seat in the district
table with no sitting member is an office too, "vacant".
"""

from __future__ import annotations

import csv
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import click
from flask import Blueprint, Flask, abort, current_app
from flask.cli import AppGroup
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    case,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import db
from .models import Base, utcnow
from .states import NO_SENATORS, STATES

DEFAULT_CONGRESS = 119
CHECK_SECONDS = 30.0
DOWNLOAD_TIMEOUT = 60
DISTRICTS_URL = (
    "https://www2.census.gov/geo/docs/maps-data/data/rel2020/cd-sld/tab20_cd11920_zcta520_natl.txt"
)
LEGISLATORS_URL = "https://unitedstates.github.io/congress-legislators/legislators-current.csv"

STATE_FIPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT",
    "10": "DE", "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL",
    "18": "IN", "19": "IA", "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD",
    "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT", "31": "NE",
    "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND",
    "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD",
    "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA", "54": "WV",
    "55": "WI", "56": "WY", "60": "AS", "66": "GU", "69": "MP", "72": "PR", "78": "VI",
}  # fmt: skip


class CongressDataError(ValueError):
    """A districts or legislators file is not what we expect; the message says where."""


# --- tables ---------------------------------------------------------------------------


class CongressDataset(Base):
    """One load of districts and members; exactly one is active at a time."""

    __tablename__ = "congress_datasets"

    id: Mapped[int] = mapped_column(primary_key=True)
    congress: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(default=False)
    districts_source: Mapped[str] = mapped_column(String(500))
    legislators_source: Mapped[str] = mapped_column(String(500))
    zcta_rows: Mapped[int] = mapped_column(default=0)
    offices: Mapped[int] = mapped_column(default=0)
    vacant: Mapped[int] = mapped_column(default=0)
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class CongressZcta(Base):
    """A ZIP code tabulation area and one district it (partly) lies in."""

    __tablename__ = "congress_zctas"

    dataset_id: Mapped[int] = mapped_column(
        ForeignKey("congress_datasets.id", ondelete="CASCADE"), primary_key=True
    )
    zcta: Mapped[str] = mapped_column(String(5), primary_key=True)
    district: Mapped[str] = mapped_column(String(5), primary_key=True)
    state: Mapped[str] = mapped_column(String(2))


class CongressOffice(Base):
    """A House seat or Senate seat, and who holds it (nobody: vacant)."""

    __tablename__ = "congress_offices"
    __table_args__ = (
        UniqueConstraint("dataset_id", "code"),
        CheckConstraint("chamber IN ('house', 'senate')", name="chamber"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(
        ForeignKey("congress_datasets.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(5))
    chamber: Mapped[str] = mapped_column(String(6))
    state: Mapped[str] = mapped_column(String(2))
    bioguide_id: Mapped[str | None] = mapped_column(String(10))
    full_name: Mapped[str | None] = mapped_column(String(200))
    party: Mapped[str | None] = mapped_column(String(50))
    senate_class: Mapped[int | None]
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    url: Mapped[str | None] = mapped_column(String(300))


# --- reading the files ----------------------------------------------------------------


def district_code(state: str, number: str) -> str:
    """`NY-12`, or `AK-AL` for an at-large seat (0, 00 or the Census's 98 for delegates)."""
    number = number.strip()
    if number in ("0", "00", "98", "AL", ""):
        return f"{state}-AL"
    return f"{state}-{int(number):02d}"


def read_districts(path: Path) -> list[tuple[str, str, str]]:
    """(zcta, state, district) rows from zccd.csv or the Census relationship file."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
        handle.seek(0)
        if "|" in first:
            return _read_census(path, csv.DictReader(handle, delimiter="|"))
        return _read_zccd(path, csv.DictReader(handle))


def _read_zccd(path: Path, reader: csv.DictReader) -> list[tuple[str, str, str]]:
    needed = {"state_abbr", "zcta", "cd"}
    if not needed <= set(reader.fieldnames or ()):
        raise CongressDataError(
            f"{path}: expected columns {', '.join(sorted(needed))} (zccd.csv) "
            f"or the Census pipe-delimited file; found {reader.fieldnames}"
        )
    rows = set()
    for line, row in enumerate(reader, start=2):
        state, zcta, cd = row["state_abbr"].strip(), row["zcta"].strip(), row["cd"].strip()
        if state not in STATES or len(zcta) != 5 or not zcta.isdigit() or not cd.isdigit():
            raise CongressDataError(f"{path}, line {line}: not a state, ZCTA and district: {row}")
        rows.add((zcta, state, district_code(state, cd)))
    return sorted(rows)


def _read_census(path: Path, reader: csv.DictReader) -> list[tuple[str, str, str]]:
    names = reader.fieldnames or []
    cd_col = next((n for n in names if n.startswith("GEOID_CD")), None)
    zcta_col = next((n for n in names if n.startswith("GEOID_ZCTA5")), None)
    if cd_col is None or zcta_col is None:
        raise CongressDataError(
            f"{path}: a pipe-delimited file needs GEOID_CD…  and GEOID_ZCTA5… columns; "
            f"found {names[:6]}…"
        )
    rows = set()
    for line, row in enumerate(reader, start=2):
        geoid, zcta = (row[cd_col] or "").strip(), (row[zcta_col] or "").strip()
        if not zcta or not geoid or geoid.endswith("ZZ"):
            continue  # water, or land in no ZCTA
        state = STATE_FIPS.get(geoid[:2])
        if state is None or len(geoid) != 4 or len(zcta) != 5:
            raise CongressDataError(f"{path}, line {line}: unexpected district {geoid!r}")
        rows.add((zcta, state, district_code(state, geoid[2:])))
    return sorted(rows)


@dataclass
class Office:
    code: str
    chamber: str
    state: str
    full_name: str | None = None
    bioguide_id: str | None = None
    party: str | None = None
    senate_class: int | None = None
    address: str | None = None
    phone: str | None = None
    url: str | None = None

    @property
    def vacant(self) -> bool:
        return self.full_name is None


def read_legislators(path: Path) -> list[Office]:
    """Offices held by sitting members, senators ranked senior/junior (see the module doc)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        needed = {"type", "state", "district", "full_name", "party", "bioguide_id"}
        if not needed <= set(reader.fieldnames or ()):
            raise CongressDataError(
                f"{path}: expected legislators-current.csv columns {', '.join(sorted(needed))}"
            )
        rows = list(reader)
    offices, senators = [], {}
    for line, row in enumerate(rows, start=2):
        state = row["state"].strip()
        if state not in STATES:
            raise CongressDataError(f"{path}, line {line}: unknown state {state!r}")
        office = Office(
            code="",
            chamber="house" if row["type"] == "rep" else "senate",
            state=state,
            full_name=member_name(row),
            bioguide_id=row["bioguide_id"].strip() or None,
            party=row["party"].strip() or None,
            senate_class=int(row["senate_class"]) if row.get("senate_class") else None,
            address=(row.get("address") or "").strip() or None,
            phone=(row.get("phone") or "").strip() or None,
            url=(row.get("url") or row.get("contact_form") or "").strip() or None,
        )
        if row["type"] == "rep":
            if not row["district"].strip().isdigit():
                raise CongressDataError(f"{path}, line {line}: district {row['district']!r}")
            office.code = district_code(state, row["district"])
            offices.append(office)
        elif row["type"] == "sen":
            senators.setdefault(state, []).append((_seniority(row), office))
        else:
            raise CongressDataError(f"{path}, line {line}: type must be rep or sen")
    for state, seats in senators.items():
        if len(seats) > 2 or state in NO_SENATORS:
            raise CongressDataError(f"{path}: {len(seats)} senators for {state}")
        for suffix, (_, office) in zip(
            ("SR", "JR"), sorted(seats, key=lambda s: s[0]), strict=False
        ):
            office.code = f"{state}-{suffix}"
            offices.append(office)
    codes = [o.code for o in offices]
    if len(set(codes)) != len(codes):
        twice = sorted({c for c in codes if codes.count(c) > 1})
        raise CongressDataError(f"{path}: more than one member for {', '.join(twice)}")
    return offices


def member_name(row: dict) -> str | None:
    """`full_name`, or (for members new to the file, whose full_name is empty) its parts."""
    if (row.get("full_name") or "").strip():
        return row["full_name"].strip()
    parts = [(row.get(k) or "").strip() for k in ("first_name", "middle_name", "last_name")]
    name = " ".join(p for p in parts if p)
    suffix = (row.get("suffix") or "").strip()
    return (f"{name}, {suffix}" if suffix else name) or None


def _seniority(row: dict) -> tuple:
    rank = {"senior": 0, "junior": 1}.get((row.get("state_rank") or "").strip(), 2)
    lis = (row.get("lis_id") or "").strip().lstrip("S")
    return (
        rank,
        int(lis) if lis.isdigit() else 10**6,
        int(row["senate_class"]) if (row.get("senate_class") or "").isdigit() else 9,
    )


def all_offices(zctas: list[tuple[str, str, str]], members: list[Office]) -> list[Office]:
    """The members' offices plus every seat nobody holds (vacant)."""
    by_code = {o.code: o for o in members}
    for _, state, district in zctas:
        if district not in by_code:
            by_code[district] = Office(code=district, chamber="house", state=state)
    for state in {o.state for o in by_code.values()} - NO_SENATORS:
        for suffix in ("SR", "JR"):
            code = f"{state}-{suffix}"
            if code not in by_code:
                # One sitting senator is senior to an empty seat.
                by_code[code] = Office(code=code, chamber="senate", state=state)
    return sorted(by_code.values(), key=lambda o: o.code)


# --- loading and switching ------------------------------------------------------------


def load(
    session_factory, districts: Path, legislators: Path, congress: int, activate: bool = True
) -> CongressDataset:
    """Read both files, write them as a new dataset, then make it the active one."""
    zctas = read_districts(districts)
    offices = all_offices(zctas, read_legislators(legislators))
    if not zctas:
        raise CongressDataError(f"{districts}: no districts in it")
    with session_factory() as session:
        session.connection(execution_options={"sqlite_write": True})
        dataset = CongressDataset(
            congress=congress,
            districts_source=str(districts)[:500],
            legislators_source=str(legislators)[:500],
            zcta_rows=len(zctas),
            offices=len(offices),
            vacant=sum(o.vacant for o in offices),
        )
        session.add(dataset)
        session.flush()
        for start in range(0, len(zctas), 5000):
            session.execute(
                insert(CongressZcta),
                [
                    {"dataset_id": dataset.id, "zcta": z, "state": s, "district": d}
                    for z, s, d in zctas[start : start + 5000]
                ],
            )
        session.execute(
            insert(CongressOffice),
            [{"dataset_id": dataset.id, **vars(o)} for o in offices],
        )
        session.commit()
    if activate:
        activate_dataset(session_factory, dataset.id)
    return dataset


def activate_dataset(session_factory, dataset_id: int) -> None:
    """One UPDATE: every process sees the old dataset or the new one, never a mix."""
    with session_factory() as session:
        session.connection(execution_options={"sqlite_write": True})
        if session.get(CongressDataset, dataset_id) is None:
            raise CongressDataError(f"no dataset {dataset_id}")
        session.execute(
            update(CongressDataset).values(
                active=case((CongressDataset.id == dataset_id, True), else_=False)
            )
        )
        session.commit()


def prune(session_factory, keep: int = 2) -> int:
    """Delete all but the active dataset and the newest `keep` others."""
    with session_factory() as session:
        session.connection(execution_options={"sqlite_write": True})
        datasets = session.scalars(
            select(CongressDataset).order_by(CongressDataset.id.desc())
        ).all()
        old = [d.id for d in datasets if not d.active][keep:]
        if old:
            session.execute(delete(CongressZcta).where(CongressZcta.dataset_id.in_(old)))
            session.execute(delete(CongressOffice).where(CongressOffice.dataset_id.in_(old)))
            session.execute(delete(CongressDataset).where(CongressDataset.id.in_(old)))
        session.commit()
    return len(old)


def active_dataset(session: Session) -> CongressDataset | None:
    return session.scalar(select(CongressDataset).where(CongressDataset.active))


def offices(session: Session, dataset_id: int) -> dict[str, CongressOffice]:
    return {
        o.code: o
        for o in session.scalars(
            select(CongressOffice).where(CongressOffice.dataset_id == dataset_id)
        )
    }


# --- the in-process map the signing path reads ----------------------------------------


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


class _Holder:
    def __init__(self):
        self.lock = threading.Lock()
        self.geography = Geography()
        self.checked_at = float("-inf")


def _holder(app: Flask) -> _Holder:
    return app.extensions.setdefault("congress_geography", _Holder())


def geography() -> Geography:
    """The active dataset's map: re-read only when another dataset became active."""
    app = current_app._get_current_object()
    holder = _holder(app)
    every = app.config.get("CONGRESS_CHECK_SECONDS", CHECK_SECONDS)
    if time.monotonic() - holder.checked_at < every:
        return holder.geography
    with holder.lock:
        if time.monotonic() - holder.checked_at < every:
            return holder.geography
        with db.engine().connect() as connection:
            active = connection.execute(
                select(CongressDataset.id, CongressDataset.congress).where(CongressDataset.active)
            ).first()
            if active is None:
                holder.geography = Geography()
            elif active.id != holder.geography.dataset_id:
                holder.geography = _read_geography(connection, active.id, active.congress)
        holder.checked_at = time.monotonic()
        return holder.geography


def _read_geography(connection, dataset_id: int, congress: int) -> Geography:
    zips: dict[str, list[str]] = {}
    for zcta, district in connection.execute(
        select(CongressZcta.zcta, CongressZcta.district).where(
            CongressZcta.dataset_id == dataset_id
        )
    ):
        zips.setdefault(zcta, []).append(district)
    seats: dict[str, set[str]] = {}
    members = {}
    for code, chamber, state, name in connection.execute(
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
    holder = _holder(app)
    holder.checked_at = float("-inf")


# --- GET /api/districts/<zip> ---------------------------------------------------------

bp = Blueprint("congress", __name__)


@bp.get("/api/districts/<zip_code>")
def districts_for_zip(zip_code: str):
    zip5 = zip_code.strip()[:5]
    if not (zip5.isdigit() and len(zip5) == 5):
        abort(404, description="A ZIP code has 5 digits, like 10001.")
    geo = geography()
    if not geo.loaded:
        abort(404, description="No congressional district data is loaded yet.")
    found = geo.districts(zip5)
    if found is None:
        abort(404, description=f"We don't know ZIP code {zip5}; choose your state and send.")
    return (
        {
            "zip": zip5,
            "congress": geo.congress,
            "districts": [
                {"district": d, "state": d[:2], "representative": geo.members.get(d)} for d in found
            ],
            "states": geo.states(zip5),
        },
        200,
        {"Cache-Control": "public, max-age=3600"},
    )


@bp.record_once
def _document(_state) -> None:
    # Imported here: the signing form imports this module, and openapi imports the form.
    from . import openapi

    openapi.add_paths(
        {
            "/api/districts/{zip_code}": {
                "get": {
                    "summary": "The congressional districts (and states) a ZIP code may lie in",
                    "parameters": [
                        {
                            "name": "zip_code",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": r"^\d{5}(-?\d{4})?$"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "districts; more than one when the ZIP spans districts",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "zip": {"type": "string"},
                                            "congress": {"type": "integer"},
                                            "districts": {
                                                "type": "array",
                                                "items": {
                                                    "type": "object",
                                                    "properties": {
                                                        "district": {"type": "string"},
                                                        "state": {"type": "string"},
                                                        "representative": {
                                                            "type": "string",
                                                            "nullable": True,
                                                            "description": "null: vacant seat",
                                                        },
                                                    },
                                                },
                                            },
                                            "states": {
                                                "type": "array",
                                                "items": {"type": "string"},
                                            },
                                        },
                                    }
                                }
                            },
                        },
                        "404": {
                            "description": "unknown ZIP (or no data loaded)",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        },
                    },
                }
            }
        }
    )


# --- flask congress ... ---------------------------------------------------------------

congress_cli = AppGroup("congress", help="Congressional districts and members.")


@congress_cli.command("load")
@click.option("--districts", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--legislators", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--congress", "number", default=DEFAULT_CONGRESS, show_default=True, type=int)
@click.option("--download", is_flag=True, help="Fetch the official current files first.")
def load_command(districts, legislators, number, download):
    """Load districts and members as a new dataset and switch to it."""
    with tempfile.TemporaryDirectory() as folder:
        if download:
            districts = districts or _download(DISTRICTS_URL, Path(folder) / "districts.txt")
            legislators = legislators or _download(
                LEGISLATORS_URL, Path(folder) / "legislators-current.csv"
            )
        if districts is None or legislators is None:
            raise click.UsageError("give --districts PATH and --legislators PATH, or --download")
        for path in (districts, legislators):
            if not path.is_file():
                raise click.ClickException(f"{path}: no such file")
        try:
            dataset = load(current_app.extensions["sessionmaker"], districts, legislators, number)
        except (CongressDataError, UnicodeDecodeError) as error:
            raise click.ClickException(str(error)) from None
    forget(current_app._get_current_object())
    click.echo(
        f"dataset {dataset.id} active: {number}th Congress, {dataset.zcta_rows} ZCTA rows, "
        f"{dataset.offices} offices ({dataset.vacant} vacant)"
    )


def _download(url: str, to: Path) -> Path:
    click.echo(f"downloading {url}")
    try:
        # S310: the URLs are our fixed https constants (tests point them elsewhere).
        with (
            urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response,  # noqa: S310
            open(to, "wb") as out,
        ):
            while chunk := response.read(1 << 16):
                out.write(chunk)
    except (OSError, ValueError) as error:
        raise click.ClickException(
            f"could not download {url}: {error}. Without internet here, download the files "
            "elsewhere and run `flask congress load --districts PATH --legislators PATH`."
        ) from None
    return to


@congress_cli.command("list")
def list_command():
    """Every loaded dataset; * marks the active one."""
    session = db.session()
    for d in session.scalars(select(CongressDataset).order_by(CongressDataset.id)):
        mark = "*" if d.active else " "
        click.echo(
            f"{mark} {d.id}\t{d.congress}th\t{d.loaded_at:%Y-%m-%d %H:%M}\t"
            f"{d.zcta_rows} ZCTA rows\t{d.offices} offices ({d.vacant} vacant)\t"
            f"{d.districts_source}"
        )


@congress_cli.command("activate")
@click.argument("dataset_id", type=int)
def activate_command(dataset_id):
    """Switch to an earlier dataset (e.g. to undo a bad load)."""
    try:
        activate_dataset(current_app.extensions["sessionmaker"], dataset_id)
    except CongressDataError as error:
        raise click.ClickException(str(error)) from None
    forget(current_app._get_current_object())
    click.echo(f"dataset {dataset_id} active")


@congress_cli.command("prune")
@click.option("--keep", default=1, show_default=True, help="Inactive datasets to keep.")
def prune_command(keep):
    """Delete old inactive datasets."""
    click.echo(f"deleted {prune(current_app.extensions['sessionmaker'], keep)} datasets")


@congress_cli.command("offices")
@click.argument("state", required=False)
def offices_command(state):
    """The offices of the active dataset (one STATE, or all)."""
    session = db.session()
    dataset = active_dataset(session)
    if dataset is None:
        raise click.ClickException("no data loaded: run `flask congress load`")
    for code, office in sorted(offices(session, dataset.id).items()):
        if state and office.state != state.upper():
            continue
        click.echo(f"{code}\t{office.full_name or '(vacant)'}\t{office.party or ''}")
