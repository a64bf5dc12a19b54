"""Reading the public files of districts and members, with errors that say where.

Two files feed a load (the manual's docs/pages/delivery.md says where to get
current versions):

- the ZCTA-to-district table: `zccd.csv` (`state_fips,state_abbr,zcta,cd`) or the
  Census relationship file (`tab20_cd11920_zcta520_natl.txt`, pipe-delimited);
- the sitting members: `legislators-current.csv` from unitedstates/congress-legislators.

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
from dataclasses import dataclass
from pathlib import Path

from ..states import NO_SENATORS, STATES

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
    surname: str | None = None
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
            surname=(row.get("last_name") or "").strip() or None,
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
