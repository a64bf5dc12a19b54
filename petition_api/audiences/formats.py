"""The files each tool imports, written a chunk at a time from streamed rows.

- `meta`: Meta's customer list (email, fn, ln, zip, ct, st, country), each field
  normalised as Meta documents and SHA-256 hex, or the normalised text (`plain`).
- `meta-suppression`: one column, `email`, hashed the same way: people who
  withdrew their consent or complained, and every forgotten person.
- `mailchimp`: Mailchimp's import CSV: Email Address, First Name, Last Name,
  Address (empty: Mailchimp's address needs a street, which we never share),
  City, State, Zip Code, Tags (one per petition signed, comma-separated in the
  cell).
- `actionnetwork`: Action Network's upload CSV: email, first_name, last_name,
  zip_code, and `petitions_signed` (Action Network applies tags to a whole upload,
  not per row: export one petition at a time to tag it, or map this column to a
  custom field).
- `osdi`: OSDI people (email status, postal address, the congressional district
  as a custom field) with their signatures embedded, in an OSDI collection.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from ..formulas import inert
from . import meta

CHUNK = 1 << 16


@dataclass(frozen=True)
class Format:
    name: str
    content_type: str
    extension: str
    write: Callable[..., Iterator[str]]  # (rows, counter, **context) -> chunks
    petitions: str | None = None  # its rows need the petitions signed: "slugs" or "dated"
    suppression: bool = False  # a list of people to exclude, not to reach


class _Lines(io.StringIO):
    def take(self) -> str:
        text = self.getvalue()
        self.seek(0)
        self.truncate()
        return text


def _csv(header: tuple[str, ...], cells: Callable, rows: Iterable, counter: list[int]):
    buffer = _Lines()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for n, row in enumerate(rows, start=1):
        writer.writerow(cells(row))
        if buffer.tell() > CHUNK:
            counter[0] = n
            yield buffer.take()
        counter[0] = n
    yield buffer.take()


def meta_list(rows, counter, plain: bool = False, **_):
    if plain:
        return _csv(meta.COLUMNS, lambda r: [inert(v) for v in meta.normalised(r)], rows, counter)
    return _csv(meta.COLUMNS, meta.hashed, rows, counter)


def meta_suppression(rows, counter, plain: bool = False, **_):
    """`rows`: emails of people who withdrew or complained, then forgotten people's
    hashes (already hashed: a forgotten address is never held in the clear)."""

    def cells(row):
        if row.email is None:  # a forgotten person: only the hash exists
            return [row.email_sha256]
        return [inert(meta.email(row.email))] if plain else [meta.email_sha256(row.email)]

    if plain:  # a forgotten address cannot be given in the clear: it is not held
        rows = (row for row in rows if row.email is not None)
    return _csv(("email",), cells, rows, counter)


def _tags(petitions: str | None) -> str:
    return ",".join(sorted(set((petitions or "").split(",")) - {""}))


def mailchimp(rows, counter, **_):
    # Mailchimp's Address field wants a street first, and we never share one (the
    # signer gave it to find their district): Address stays empty, and city, state
    # and ZIP come as columns of their own, to map to fields on import.
    header = ("Email Address", "First Name", "Last Name", "Address", "City", "State",
              "Zip Code", "Tags")  # fmt: skip
    return _csv(
        header,
        lambda r: [
            inert(r.email),
            inert(r.first_name),
            inert(r.last_name),
            "",
            inert(r.city),
            inert(r.state),
            inert(r.zip),
            inert(_tags(r.petitions)),
        ],
        rows,
        counter,
    )


def actionnetwork(rows, counter, **_):
    header = ("email", "first_name", "last_name", "zip_code", "petitions_signed")
    return _csv(
        header,
        lambda r: [
            inert(r.email),
            inert(r.first_name),
            inert(r.last_name),
            inert(r.zip),
            inert(_tags(r.petitions).replace(",", " ")),
        ],
        rows,
        counter,
    )


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands some stamps back as text
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def osdi_person(row, site_url: str) -> dict:
    """One supporter as an OSDI Person, with the petitions they signed as Signatures."""
    return {
        "identifiers": [f"groundswell:{row.id}"],
        "origin_system": "Groundswell",
        "created_date": _iso(row.created_at),
        "modified_date": _iso(row.status_changed_at),
        "given_name": row.first_name,
        "family_name": row.last_name,
        "email_addresses": [
            {
                "primary": True,
                "address": row.email,
                "address_type": "personal",
                "status": "subscribed",
            }
        ],
        "postal_addresses": [
            {
                "primary": True,
                "address_type": "Home",
                "locality": row.city,
                "region": row.state,
                "postal_code": row.zip,
                "country": "US",
            }
        ],
        "custom_fields": {"congressional_district": row.district},
        "_embedded": {"osdi:signatures": _signatures(row.petitions, site_url)},
    }


def _signatures(dated: str | None, site_url: str) -> list[dict]:
    """OSDI Signatures from "slug when,slug when": when it was signed, and a link to
    its petition in our public API."""
    signatures = []
    for item in sorted(set((dated or "").split(",")) - {""}):
        slug, _, when = item.partition(" ")
        signed = _iso(when) if when else None
        signatures.append(
            {
                "origin_system": "Groundswell",
                "created_date": signed,
                "action_date": signed,
                "_links": {"osdi:petition": {"href": f"{site_url}/api/petitions/{slug}"}},
            }
        )
    return signatures


def osdi(rows, counter, site_url: str = "", **_):
    yield '{"origin_system": "Groundswell", "_embedded": {"osdi:people": ['
    parts: list[str] = []
    size = 0
    for n, row in enumerate(rows, start=1):
        part = ("," if n > 1 else "") + json.dumps(osdi_person(row, site_url), ensure_ascii=False)
        parts.append(part)
        size += len(part)
        counter[0] = n
        if size > CHUNK:
            yield "".join(parts)
            parts, size = [], 0
    parts.append(f']}}, "total_records": {counter[0]}}}\n')
    yield "".join(parts)


CSV = "text/csv; charset=utf-8"
FORMATS = {
    f.name: f
    for f in (
        Format("meta", CSV, "csv", meta_list),
        Format("meta-suppression", CSV, "csv", meta_suppression, suppression=True),
        Format("mailchimp", CSV, "csv", mailchimp, petitions="slugs"),
        Format("actionnetwork", CSV, "csv", actionnetwork, petitions="slugs"),
        Format("osdi", "application/json", "json", osdi, petitions="dated"),
    )
}
