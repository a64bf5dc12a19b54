"""Staff exports of signatures: GET /api/petitions/<slug>/signatures.csv and .json.

Both need a staff token, stream from a server-side cursor (memory stays flat
however many signatures there are), and are audited: a row when the export
starts, completed with the row count when its last byte is out (`ok`) or the
client goes away (`incomplete`); refused requests get a row too. Filters:
`status` (default `validated`; a comma list, or `all`), `state`, `district`,
`since` and `until` (signing dates, inclusive, YYYY-MM-DD).
"""

from __future__ import annotations

from flask import Blueprint, abort

from .. import audit, db, openapi
from ..models import Petition
from ..ratelimits import per_address
from ..staff import downloads
from .filters import STATUSES, Filters, parse_filters
from .formats import FORMATS, csv_chunks, export_query, json_chunks

bp = Blueprint("exports", __name__)


@bp.get("/api/petitions/<slug>/signatures.<fmt>")
@per_address
def export(slug: str, fmt: str):
    action = f"signatures.{fmt}"
    actor = downloads.staff_actor("export", action, slug)
    if fmt not in FORMATS:
        abort(404, description="Exports come as signatures.csv or signatures.json.")
    petition, filters = downloads.petition_and_parameters(action, slug, actor, parse_filters)
    body = audited_stream(petition, filters, fmt, actor, action)
    return downloads.attachment(body, FORMATS[fmt], f"{petition.slug}-signatures.{fmt}")


def audited_stream(petition: Petition, filters: Filters, fmt: str, actor: str, action: str):
    """The export's text chunks; the audit row is completed when the last one is sent."""
    with db.writing() as session:
        entry = audit.add(session, action, petition.slug, actor, filters.as_dict(), "started")
    counter = [0]
    outcome = "incomplete"
    rows = db.stream(export_query(petition.id, filters))
    try:
        if fmt == "csv":
            yield from csv_chunks(rows, counter)
        else:
            yield from json_chunks(rows, counter, petition, filters)
        outcome = "ok"
    finally:
        rows.close()  # the server-side cursor, also when the client went away
        audit.finish(entry.id, outcome, counter[0])


_FILTER_PARAMETERS = [
    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
    {
        "name": "status",
        "in": "query",
        "schema": {"type": "string", "default": "validated"},
        "description": f"comma list of {', '.join(STATUSES)}; or all",
    },
    {"name": "state", "in": "query", "schema": {"type": "string", "pattern": "^[A-Z]{2}$"}},
    {"name": "district", "in": "query", "schema": {"type": "string", "example": "NY-12"}},
    {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "until", "in": "query", "schema": {"type": "string", "format": "date"}},
]


openapi.describe(
    bp,
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
                    **downloads.refusals(),
                },
            }
        }
    },
)
