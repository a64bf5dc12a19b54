"""GET /api/districts/<zip>: the districts a ZIP may lie in, for the form to ask about."""

from __future__ import annotations

from flask import Blueprint, abort

from .. import openapi
from .geography import geography

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


_district = {
    "type": "object",
    "properties": {
        "district": {"type": "string"},
        "state": {"type": "string"},
        "representative": {"type": "string", "nullable": True, "description": "null: vacant seat"},
    },
}
openapi.describe(
    bp,
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
                    "200": openapi.json_body(
                        {
                            "type": "object",
                            "properties": {
                                "zip": {"type": "string"},
                                "congress": {"type": "integer"},
                                "districts": {"type": "array", "items": _district},
                                "states": {"type": "array", "items": {"type": "string"}},
                            },
                        },
                        "districts; more than one when the ZIP spans districts",
                    ),
                    "404": openapi.error("unknown ZIP (or no data loaded)"),
                },
            }
        }
    },
)
