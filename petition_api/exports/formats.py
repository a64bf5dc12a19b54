"""The export formats: CSV safe to open in a spreadsheet, and OSDI-shaped JSON.

Both are written from rows as they stream in, a chunk at a time.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from sqlalchemy import Select, String, select, type_coerce

from ..formulas import FORMULA_START, looks_like_formula
from ..models import Petition, Signature
from .filters import Filters

# The CSV's columns, in order: a format staff and their tools rely on.
CSV_COLUMNS = (
    "id",
    "status",
    "first_name",
    "last_name",
    "email",
    "street",
    "city",
    "state",
    "zip",
    "district",
    "comment",
    "email_updates",
    "petition_version",
    "created_at",
    "validated_at",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content",
    "variant",
    "page",
    "flag",
)


STAMPS = ("created_at", "validated_at")
# What the signer (or a link) typed, so a spreadsheet must not run it: the model says.
FREE_TEXT = frozenset(c.name for c in Signature.__table__.c if c.info.get("free_text"))


def export_query(petition_id: int, filters: Filters) -> Select:
    columns = []
    for name in CSV_COLUMNS:
        if name == "email_updates":
            columns.append(Signature.updates_consent_id.is_not(None).label(name))
        elif name == "flag":  # why the abuse checks set it aside or flagged it for review
            columns.append(Signature.fraud_reason.label(name))
        elif name in STAMPS or name == "status":
            # As the driver gives it (SQLite: text), not parsed into a datetime (or an
            # enum) and formatted again: that round trip was a third of a 1M-row export.
            columns.append(type_coerce(getattr(Signature, name), String).label(name))
        else:
            columns.append(getattr(Signature, name))
    return filters.apply(select(*columns), petition_id).order_by(Signature.id)


def _iso(value: datetime | str | None) -> str:
    """RFC 3339 UTC, from a datetime or SQLite's stored `YYYY-MM-DD HH:MM:SS[.ffffff]`."""
    if not value:
        return ""
    if isinstance(value, str):
        return f"{value[:10]}T{value[11:19]}+00:00"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


class _Buffer(io.StringIO):
    def take(self) -> str:
        text = self.getvalue()
        self.seek(0)
        self.truncate()
        return text


def csv_chunks(rows: Iterable, counter: list[int]) -> Iterator[str]:
    buffer = _Buffer()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    texts = [i for i, c in enumerate(CSV_COLUMNS) if c in FREE_TEXT]
    stamps = [i for i, c in enumerate(CSV_COLUMNS) if c in STAMPS]
    consent = CSV_COLUMNS.index("email_updates")
    # Only a cell starting with one of these can be a formula: most cells are
    # ruled out by their first character, without the full rule's cost.
    maybe = frozenset(FORMULA_START) | {" "}
    n = 0
    for row in rows:
        values = list(row)
        for i in texts:
            value = values[i]
            if value and value[0] in maybe and looks_like_formula(value):
                values[i] = "'" + value
        for i in stamps:
            values[i] = _iso(values[i])
        values[consent] = "yes" if values[consent] else "no"
        writer.writerow(values)
        n += 1
        if buffer.tell() > 1 << 16:
            counter[0] = n
            yield buffer.take()
    counter[0] = n
    yield buffer.take()


def osdi_signature(m, petition_slug: str) -> dict:
    """One signature shaped like an OSDI signature with its person embedded."""
    person = {
        "given_name": m["first_name"],
        "family_name": m["last_name"],
        "email_addresses": [
            {
                "address": m["email"],
                "primary": True,
                "status": "subscribed" if m["email_updates"] else "unsubscribed",
            }
        ],
        "postal_addresses": [
            {
                "primary": True,
                "address_lines": [m["street"]] if m["street"] else [],
                "locality": m["city"],
                "region": m["state"],
                "postal_code": m["zip"],
                "country": "US",
            }
        ],
        "custom_fields": {"congressional_district": m["district"]},
    }
    return {
        "identifiers": [f"groundswell:{m['id']}"],
        "origin_system": "Groundswell",
        "created_date": _iso(m["created_at"]),
        "modified_date": _iso(m["validated_at"] or m["created_at"]),
        "comments": m["comment"],
        "referrer_data": {
            "source": m["utm_source"],
            "website": m["page"],
            "referrer": m["utm_campaign"],
        },
        "custom_fields": {
            "status": m["status"],
            "flag": m["flag"],
            "validated_date": _iso(m["validated_at"]) or None,
            "petition": petition_slug,
            "petition_version": m["petition_version"],
            "utm_medium": m["utm_medium"],
            "utm_content": m["utm_content"],
            "variant": m["variant"],
        },
        "_embedded": {"osdi:person": person},
    }


def json_chunks(rows: Iterable, counter: list[int], petition: Petition, filters) -> Iterator[str]:
    head = {
        "origin_system": "Groundswell",
        "petition": {"slug": petition.slug, "title": petition.title},
        "filters": filters.as_dict(),
    }
    yield json.dumps(head)[:-1] + ', "_embedded": {"osdi:signatures": ['
    parts: list[str] = []
    size = 0
    for n, row in enumerate(rows, start=1):
        part = ("," if n > 1 else "") + json.dumps(osdi_signature(row._mapping, petition.slug))
        parts.append(part)
        size += len(part)
        counter[0] = n
        if size > 1 << 16:
            yield "".join(parts)
            parts, size = [], 0
    parts.append(f']}}, "total_records": {counter[0]}}}\n')
    yield "".join(parts)


FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
