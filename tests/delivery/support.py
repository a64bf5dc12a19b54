"""Helpers for the delivery stories: signatures added, archives read."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import insert, select

from petition_api.models import AuditEntry, Petition, Signature
from petition_api.staff import tokens

from ..conftest import LEGISLATORS, ZCCD, database

PETITION = "paid-family-leave"
NO_SENATORS = {"DC", "PR", "GU", "VI", "AS", "MP"}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "packets"


def staff_token(app, name: str = "Dana at the campaign office") -> str:
    with database(app) as session:
        token = tokens.create(session, name, ["export", "deliver"])
    return token


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def add_signatures(app, people: list[dict], slug: str = PETITION) -> None:
    """Validated signatures written straight to the database (the form would refuse some)."""
    with database(app) as session:
        petition = session.scalar(select(Petition).where(Petition.slug == slug))
        base = datetime(2026, 11, 1, 12, tzinfo=UTC)
        rows = []
        for i, person in enumerate(people):
            email = person.get("email") or f"signer{i}@example.org"
            created = person.get("created_at") or base + timedelta(hours=i)
            rows.append(
                {
                    "petition_id": petition.id,
                    "status": "validated",
                    "first_name": "Sam",
                    "last_name": f"Signer{i:04d}",
                    "email": email,
                    "email_canonical": email,
                    "city": "Springfield",
                    "petition_version": petition.version,
                    "created_at": created,
                    "validated_at": created + timedelta(minutes=3),
                    "district": None,
                    **{k: v for k, v in person.items() if k not in ("email", "created_at")},
                }
            )
        session.execute(insert(Signature), rows)


def audit_rows(app) -> list[AuditEntry]:
    with database(app) as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def read_archive(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        folder = names[0].split("/", 1)[0]
        assert all(n.startswith(folder + "/") for n in names)
        return {n.split("/", 1)[1]: archive.read(n) for n in names}


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def keep_packet(request, data: bytes) -> Path:
    """The packet under test-artifacts/packets/, named after the test, for anyone to open;
    with its pages as PNG (60 dpi) where poppler's pdftoppm is installed."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    pdf = ARTIFACTS / f"{name}.pdf"
    pdf.write_bytes(data)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS / name)],
                       check=True, timeout=60)  # fmt: skip
    return pdf


def expected_offices(people: list[dict]) -> dict[str, set[str]]:
    """Office -> last names, worked out from the public files alone (not from our code)."""
    zcta_districts = defaultdict(set)
    with open(ZCCD, newline="") as handle:
        for row in csv.DictReader(handle):
            number = int(row["cd"])
            code = f"{row['state_abbr']}-{'AL' if number == 0 else f'{number:02d}'}"
            zcta_districts[row["zcta"]].add(code)
    seats_by_state = defaultdict(set)
    for codes in zcta_districts.values():
        for code in codes:
            seats_by_state[code[:2]].add(code)
    with open(LEGISLATORS, newline="") as handle:
        for row in csv.DictReader(handle):
            if row["type"] == "rep":
                number = int(row["district"])
                seats_by_state[row["state"]].add(
                    f"{row['state']}-{'AL' if number == 0 else f'{number:02d}'}"
                )
    expected = defaultdict(set)
    for i, person in enumerate(people):
        name = person.get("last_name") or f"Signer{i:04d}"
        state = person["state"]
        district = person.get("district")
        if not district:
            in_state = {d for d in zcta_districts.get(person["zip"][:5], ()) if d[:2] == state}
            if len(seats_by_state[state]) == 1:
                in_state = set(seats_by_state[state])
            district = in_state.pop() if len(in_state) == 1 else None
        if district:
            expected[district].add(name)
        if state not in NO_SENATORS:
            expected[f"{state}-SR"].add(name)
            expected[f"{state}-JR"].add(name)
    return expected
