"""`POST /api/mail/events`: bounces and complaints from the sending service (events.py).

Not rate limited: a provider sends its events in bursts, and dropping them
would keep mailing dead addresses. What keeps it cheap is the order of the
checks: a delivery without a fresh, well-formed signature header is refused
before its body is read or the database is touched.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, request
from werkzeug.exceptions import HTTPException

from .. import db, openapi
from ..models import utcnow
from . import events

log = logging.getLogger(__name__)

bp = Blueprint("mail_events", __name__)

# An SNS notification may reach 256 KiB, above the API's usual body limit.
LARGEST_BODY = 256 * 1024


@bp.post("/api/mail/events")
def delivery_events():
    config = current_app.config
    secret, max_age = config["MAIL_EVENTS_SECRET"], config["MAIL_EVENTS_MAX_AGE"]
    if not secret:
        abort(
            403,
            description="Delivery events are switched off on this server: "
            "GROUNDSWELL_MAIL_EVENTS_SECRET is not set, so no event can be verified "
            "and every one is refused.",
        )
    now = utcnow()
    t, signatures = events.signed_at(request.headers.get(events.HEADER), now, max_age)
    source = events.chosen_format(request.args.get("format", "generic"))
    request.max_content_length = max(config["MAX_BODY_BYTES"], LARGEST_BODY)
    body = request.get_data(cache=False)
    digest = events.verify(secret, t, signatures, body)
    try:
        parsed = events.parse(source, body)
    except HTTPException:
        # Refused, but taken: the same signed bytes may not come back under another
        # `format` (the query string is not signed) and be read differently.
        with db.writing() as session:
            events.received(session, digest, t, now, max_age)
        raise
    with db.writing() as session:
        if not events.received(session, digest, t, now, max_age):
            abort(
                409,
                description="This signed delivery was already received (a replay): "
                "sign each delivery afresh.",
            )
        counts = events.apply(session, parsed.events, source, now)
    answer = {"received": len(parsed.events), **counts, "not_bounces": parsed.not_bounces}
    log.info("mail events (%s): %s", source, answer)  # numbers only, never an address
    return answer, 200, {"Cache-Control": "no-store"}


_COUNT = {"type": "integer", "minimum": 0}
_EVENT = {
    "type": "object",
    "required": ["type", "email"],
    "properties": {
        "type": {"type": "string", "enum": ["bounce", "complaint"]},
        "email": {"type": "string", "maxLength": 254},
        "permanent": {
            "type": "boolean",
            "description": "required for a bounce: true for a hard bounce, false for a soft one",
        },
        "message_id": {
            "type": "string",
            "maxLength": 998,
            "description": "the Message-ID of the message that bounced (names its mailing)",
        },
        "occurred_at": {"type": "string", "format": "date-time"},
    },
}

openapi.describe(
    bp,
    {
        "/api/mail/events": {
            "post": {
                "summary": "Bounces and complaints from the sending service (HMAC-signed)",
                "description": "Signed with `Groundswell-Signature: t=<unix seconds>,v1=<hex "
                'HMAC-SHA256 of "<t>.<body>" under GROUNDSWELL_MAIL_EVENTS_SECRET>`; a '
                "delivery older than MAIL_EVENTS_MAX_AGE seconds, or taken before, is "
                "refused. `format` chooses the body: `generic` (below), `ses` (an Amazon "
                "SES notification as SNS posts it) or `postmark` (a Postmark webhook). "
                "Events for addresses we do not know are counted, never named.",
                "parameters": [
                    {
                        "name": "format",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": list(events.FORMATS)},
                    },
                    {
                        "name": events.HEADER,
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^t=[0-9]+,v1=[0-9a-f]{64}"},
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["events"],
                                "properties": {
                                    "events": {"type": "array", "minItems": 1, "items": _EVENT}
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": openapi.json_body(
                        {
                            "type": "object",
                            "properties": {
                                name: _COUNT
                                for name in ("received", *events.OUTCOMES, "not_bounces")
                            },
                        },
                        "taken: how many events did what",
                    ),
                    "400": openapi.error("not JSON, or an unknown format"),
                    "401": openapi.error("unsigned, badly signed, or stale"),
                    "403": openapi.error("no GROUNDSWELL_MAIL_EVENTS_SECRET set: all refused"),
                    "409": openapi.error("a replay of a delivery already taken"),
                    "413": openapi.error("body larger than 256 KiB"),
                    "422": openapi.error("not shaped as the format says (the message says how)"),
                },
            }
        }
    },
)
