"""GET /api/audiences/<format>: a retargeting list, a suppression list or a CRM import,
for staff with an `audiences` token; streamed and audited like every export.

Query parameters: `petition` (repeat it for several), `since` (YYYY-MM-DD),
`plain=1` (Meta formats: the normalised text instead of SHA-256, to check, not
to upload). The answer says who was left out in `Groundswell-Left-Out`
(no_consent, unsubscribed, bouncing, complained, only_petitions_signed). The
audit row is written before the first byte, so even a HEAD request is recorded.
"""

from __future__ import annotations

from flask import Blueprint, abort, request

from .. import db, openapi
from ..ratelimits import per_address
from ..staff import downloads
from .exporting import Export
from .formats import FORMATS
from .selection import ChoiceError, parse

bp = Blueprint("audiences", __name__)


@bp.get("/api/audiences/<fmt>")
@per_address
def export(fmt: str):
    action = f"audiences.{fmt}"
    actor = downloads.staff_actor("audiences", action, None)
    if fmt not in FORMATS:
        downloads.refused(action, None, actor, "not-found")
        abort(404, description=f"Audiences come as one of: {', '.join(FORMATS)}.")
    plain = request.args.get("plain", "0")
    try:
        if plain not in ("0", "1"):
            raise ChoiceError("plain must be 1 (the normalised text) or 0 (SHA-256)")
        if plain == "1" and not fmt.startswith("meta"):
            raise ChoiceError("plain is for the meta formats only (the others are plain)")
        with db.reading() as session:
            choice = parse(session, request.args.getlist("petition"), request.args.get("since"))
    except ChoiceError as error:
        downloads.refused(action, None, actor, "bad-request")
        abort(400, description=str(error))
    job = Export(FORMATS[fmt], choice, plain=plain == "1")
    left_out = job.left_out
    response = downloads.attachment(job.chunks(actor), job.format.content_type, job.filename())
    if left_out:
        response.headers["Groundswell-Left-Out"] = ", ".join(
            f"{k}={v}" for k, v in left_out.items()
        )
    return response


openapi.describe(
    bp,
    {
        "/api/audiences/{fmt}": {
            "get": {
                "summary": "Staff: supporters who agreed to updates, as a Meta customer list, "
                "a Meta suppression list, or a Mailchimp, Action Network or OSDI import; "
                "streamed, audited",
                "security": openapi.STAFF,
                "parameters": [
                    {
                        "name": "fmt",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": list(FORMATS)},
                    },
                    {
                        "name": "petition",
                        "in": "query",
                        "schema": {"type": "array", "items": {"type": "string"}},
                        "style": "form",
                        "explode": True,
                        "description": "only people who signed one of these petitions",
                    },
                    {
                        "name": "since",
                        "in": "query",
                        "schema": {"type": "string", "format": "date"},
                        "description": "only people who confirmed a signature on or after",
                    },
                    {
                        "name": "plain",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["1", "0"]},
                        "description": "Meta formats: normalised text instead of SHA-256",
                    },
                ],
                "responses": {
                    "200": {
                        "description": "the file, streamed; `Groundswell-Left-Out` says who "
                        "was left out and why",
                        "content": {"text/csv": {}, "application/json": {}},
                    },
                    **downloads.refusals(
                        **{
                            "400": "a parameter is wrong, or names no petition",
                            "404": "no such format",
                        }
                    ),
                },
            }
        }
    },
)
