"""Staff exports of signatures: streamed CSV and OSDI-shaped JSON, filtered, audited.

`GET /api/petitions/<slug>/signatures.csv` and `.json` need a staff token. Rows
come from a server-side cursor in batches (`stream_results`, `yield_per`) and go
out as they are read, so memory stays flat however many signatures there are.
Filters: `status` (default `validated`; a comma list, or `all`), `state`,
`district`, `since` and `until` (signing dates, inclusive, YYYY-MM-DD).
"""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import click
from flask import Blueprint, Response, abort, current_app, request, stream_with_context
from flask.cli import AppGroup
from sqlalchemy import Select, String, select, type_coerce

from . import audit, db, openapi
from .models import Petition, PetitionVersion, Signature, Status
from .states import STATES

bp = Blueprint("exports", __name__)
signatures_cli = AppGroup("signatures", help="Signature exports and synthetic test data.")

STATUSES = tuple(s.value for s in Status)
BATCH = 5000
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def inert(value) -> str:
    """A cell a spreadsheet shows as text: formulas get a leading apostrophe."""
    if value is None:
        return ""
    text = str(value)
    if text.lstrip(" ").startswith(FORMULA_START):
        return "'" + text
    return text


class FilterError(ValueError):
    """A filter parameter is wrong; the message says which and how."""


@dataclass(frozen=True)
class Filters:
    statuses: tuple[str, ...] = (Status.VALIDATED.value,)
    state: str | None = None
    district: str | None = None
    since: date | None = None
    until: date | None = None

    def as_dict(self) -> dict:
        """For the audit log: only what was asked, JSON-ready."""
        found = {k: v for k, v in asdict(self).items() if v}
        found["statuses"] = list(self.statuses)
        for key in ("since", "until"):
            if key in found:
                found[key] = found[key].isoformat()
        return found

    def apply(self, query: Select, petition_id: int) -> Select:
        query = query.where(Signature.petition_id == petition_id)
        if set(self.statuses) != set(STATUSES):
            query = query.where(Signature.status.in_(self.statuses))
        if self.state:
            query = query.where(Signature.state == self.state)
        if self.district:
            query = query.where(Signature.district == self.district)
        if self.since:
            query = query.where(Signature.created_at >= _midnight(self.since))
        if self.until:
            query = query.where(Signature.created_at < _midnight(self.until + timedelta(days=1)))
        return query


def _midnight(day: date) -> datetime:
    return datetime.combine(day, dtime(0), tzinfo=UTC)


def parse_filters(
    args, default_statuses: tuple[str, ...] = ("validated",), allowed=STATUSES
) -> Filters:
    """Filters from query parameters or CLI options (a dict-like of strings)."""
    raw_status = (args.get("status") or "").strip().lower()
    if raw_status == "all":
        statuses = tuple(allowed)
    elif raw_status:
        statuses = tuple(dict.fromkeys(s.strip() for s in raw_status.split(",") if s.strip()))
        wrong = [s for s in statuses if s not in allowed]
        if wrong or not statuses:
            raise FilterError(f"status must be one or more of {', '.join(allowed)} (or all)")
    else:
        statuses = default_statuses
    state = (args.get("state") or "").strip().upper() or None
    if state and state not in STATES:
        raise FilterError("state must be a two-letter code like NY")
    district = (args.get("district") or "").strip().upper() or None
    if district and (len(district) != 5 or district[2] != "-" or district[:2] not in STATES):
        raise FilterError("district must look like NY-12 or AK-AL")
    since, until = _date(args, "since"), _date(args, "until")
    if since and until and since > until:
        raise FilterError("since must not be after until")
    return Filters(statuses, state, district, since, until)


def _date(args, name: str) -> date | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(f"{name} must be a date like 2026-11-25") from None


def stream(connection, query: Select, batch: int = BATCH) -> Iterator:
    """Rows from a server-side cursor, a batch at a time."""
    result = connection.execution_options(stream_results=True, yield_per=batch).execute(query)
    try:
        for partition in result.partitions():
            yield from partition
    finally:  # the server-side cursor, also when the reader stops early
        result.close()


# --- the export formats -----------------------------------------------------------------

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
)


STAMPS = ("created_at", "validated_at")
FREE_TEXT = ("first_name", "last_name", "email", "street", "city", "comment", "utm_source",
             "utm_medium", "utm_campaign", "utm_content", "variant", "page")  # fmt: skip


def export_query(petition_id: int, filters: Filters) -> Select:
    columns = []
    for name in CSV_COLUMNS:
        if name == "email_updates":
            columns.append(Signature.updates_consent_id.is_not(None).label(name))
        elif name in STAMPS:
            # As the driver gives it (SQLite: text), not parsed into a datetime and
            # formatted again: that round trip was a third of a 1M-row export.
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
    danger = frozenset(FORMULA_START)
    n = 0
    for row in rows:
        values = list(row)
        for i in texts:
            value = values[i]
            if value and (value[0] in danger or (value[0] == " " and inert(value) != value)):
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


FORMATS = {"csv": ("text/csv; charset=utf-8", csv_chunks), "json": ("application/json", None)}


def petition_or_404(session, slug: str) -> Petition:
    petition = session.scalar(select(Petition).where(Petition.slug == slug))
    if petition is None:
        abort(404, description=f"There is no petition called {slug!r}.")
    return petition


@bp.get("/api/petitions/<slug>/signatures.<fmt>")
def export(slug: str, fmt: str):
    session = db.session()
    action = f"signatures.{fmt}"
    requested = {k: v[:40] for k, v in request.args.items()}
    token = audit.require_staff(session, action, slug, requested)
    actor = audit.token_actor(token)
    session.commit()  # the token's last use
    if fmt not in FORMATS:
        abort(404, description="Exports come as signatures.csv or signatures.json.")
    petition = session.scalar(select(Petition).where(Petition.slug == slug))
    if petition is None:
        audit.record(action, slug, requested, actor, "not-found")
        abort(404, description=f"There is no petition called {slug!r}.")
    try:
        filters = parse_filters(request.args)
    except FilterError as error:
        audit.record(action, slug, requested, actor, "bad-request")
        abort(400, description=str(error))
    session.close()
    body = audited_stream(petition, filters, fmt, actor, action)
    filename = f"{petition.slug}-signatures.{fmt}"
    return Response(
        stream_with_context(body),
        mimetype=FORMATS[fmt][0],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def audited_stream(petition: Petition, filters: Filters, fmt: str, actor: str, action: str):
    """The export's text chunks; the audit row is completed when the last one is sent."""
    entry = audit.record(action, petition.slug, filters.as_dict(), actor, "started")
    factory = current_app.extensions["sessionmaker"]
    engine = db.engine()
    counter = [0]
    outcome = "incomplete"
    try:
        with (
            engine.connect() as connection,
            closing(stream(connection, export_query(petition.id, filters))) as rows,
        ):
            if fmt == "csv":
                yield from csv_chunks(rows, counter)
            else:
                yield from json_chunks(rows, counter, petition, filters)
        outcome = "ok"
    finally:
        audit.finish(entry, outcome, counter[0], factory)


_FILTER_PARAMETERS = [
    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
    {
        "name": "status",
        "in": "query",
        "schema": {"type": "string", "default": "validated"},
        "description": "comma list of pending, validated, fraudulent, invalidated; or all",
    },
    {"name": "state", "in": "query", "schema": {"type": "string", "pattern": "^[A-Z]{2}$"}},
    {"name": "district", "in": "query", "schema": {"type": "string", "example": "NY-12"}},
    {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "until", "in": "query", "schema": {"type": "string", "format": "date"}},
]


def _staff_errors() -> dict:
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {
        "400": {"description": "a filter is wrong", "content": error},
        "401": {"description": "no staff token (audited)", "content": error},
        "403": {"description": "wrong or revoked token (audited)", "content": error},
        "404": {"description": "no such petition", "content": error},
    }


openapi.add_paths(
    {
        "/api/petitions/{slug}/signatures.{fmt}": {
            "get": {
                "summary": "Staff: every signature, streamed as CSV (fmt=csv) or OSDI JSON "
                "(fmt=json); audited",
                "security": openapi.STAFF,
                "parameters": [
                    *_FILTER_PARAMETERS,
                    {
                        "name": "fmt",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": ["csv", "json"]},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "the signatures",
                        "content": {
                            "text/csv": {"schema": {"type": "string"}},
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "description": "OSDI: _embedded['osdi:signatures'], each "
                                    "with _embedded['osdi:person']; total_records",
                                }
                            },
                        },
                    },
                    **_staff_errors(),
                },
            }
        }
    }
)


# --- flask signatures ... ---------------------------------------------------------------


@signatures_cli.command("export")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="default: stdout")
@click.option("--status", help="comma list, or all (default: validated)")
@click.option("--state")
@click.option("--district")
@click.option("--since", help="signed on or after, YYYY-MM-DD")
@click.option("--until", help="signed on or before, YYYY-MM-DD")
def export_command(slug, fmt, out, **options):
    """Write a petition's signatures as CSV or OSDI JSON (audited)."""
    try:
        filters = parse_filters(options)
    except FilterError as error:
        raise click.UsageError(str(error)) from None
    petition = db.session().scalar(select(Petition).where(Petition.slug == slug))
    if petition is None:
        raise click.ClickException(f"no petition called {slug!r}")
    started = time.monotonic()
    chunks = audited_stream(petition, filters, fmt, audit.cli_actor(), f"signatures.{fmt}")
    target = open(out, "w", encoding="utf-8", newline="") if out else sys.stdout  # noqa: SIM115
    try:
        for chunk in chunks:
            target.write(chunk)
    finally:
        if out:
            target.close()
    if out:
        click.echo(f"wrote {out} in {time.monotonic() - started:.1f}s", err=True)


@signatures_cli.command("synthesize")
@click.argument("count", type=int)
@click.option("--petition", "slug", required=True, help="the petition's slug")
@click.option("--seed", type=int, default=None, help="for the same data every time")
@click.option("--status", default="validated", type=click.Choice(["validated", "pending"]))
def synthesize_command(count, slug, seed, status):
    """Add COUNT synthetic signatures (example.invalid addresses) across all districts."""
    from . import synthetic

    if current_app.config["ENV"] == "production":
        raise click.ClickException("refusing to add synthetic signatures in production")
    try:
        made, seconds = synthetic.generate(
            current_app.extensions["sessionmaker"], slug, count, seed, status
        )
    except synthetic.SyntheticError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"added {made} synthetic signatures to {slug} in {seconds:.1f}s")


def versions_of(session, petition_id: int) -> dict[str, PetitionVersion]:
    return {
        v.version: v
        for v in session.scalars(
            select(PetitionVersion).where(PetitionVersion.petition_id == petition_id)
        )
    }
