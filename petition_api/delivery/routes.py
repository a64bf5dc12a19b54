"""GET /api/petitions/<slug>/delivery: the delivery archive for staff, streamed and audited."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app

from .. import audit, db, openapi
from ..campaign_sender import SenderError, sender_from
from ..congress.loading import active_dataset
from ..ratelimits import per_address
from ..staff import downloads
from ..stories import for_congress
from .archive import archive_name, audited_archive
from .packets import parse_options

bp = Blueprint("delivery", __name__)
ACTION = "delivery.download"


@bp.get("/api/petitions/<slug>/delivery")
@per_address
def download(slug: str):
    actor = downloads.staff_actor("deliver", ACTION, slug)
    petition, options = downloads.petition_and_parameters(ACTION, slug, actor, parse_options)
    with db.reading() as session:
        loaded = active_dataset(session) is not None
        stories = for_congress.told(session, petition.id)
    if not loaded:
        with db.writing() as session:
            audit.add(session, ACTION, slug, actor, options.as_dict(), "error")
        abort(409, description="No congressional districts are loaded: run `flask congress load`.")
    try:
        sender = sender_from(current_app.config)
    except SenderError as error:
        with db.writing() as session:
            audit.add(session, ACTION, slug, actor, options.as_dict(), "error")
        abort(409, description=f"No packets without a sender: {error}.")
    name = archive_name(petition, datetime.now(UTC))
    body = audited_archive(petition, options, actor, sender, stories)
    return downloads.attachment(body, "application/zip", f"{name}.zip")


openapi.describe(
    bp,
    {
        "/api/petitions/{slug}/delivery": {
            "get": {
                "summary": "Staff: the delivery archive (a ZIP of PDF and CSV packets per "
                "congressional office, summary.csv, README.txt), streamed; audited. Confirmed "
                "signatures only, never email or street addresses (status=pending, "
                "include_email and include_street are refused with 400)",
                "security": openapi.STAFF,
                "parameters": [
                    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "state", "in": "query", "schema": {"type": "string"}},
                    {
                        "name": "since",
                        "in": "query",
                        "schema": {"type": "string", "format": "date"},
                    },
                    {
                        "name": "until",
                        "in": "query",
                        "schema": {"type": "string", "format": "date"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "the archive",
                        "content": {"application/zip": {"schema": {"type": "string"}}},
                    },
                    **downloads.refusals(
                        **{
                            "409": "no congressional districts loaded, or the campaign's sender "
                            "details (GROUNDSWELL_CAMPAIGN_* settings) are missing or malformed: "
                            "the message names each one"
                        }
                    ),
                },
            }
        }
    },
)
