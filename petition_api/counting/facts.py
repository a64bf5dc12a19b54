"""The public API over counts.py: what is open and how many have signed, as JSON.

Only aggregates leave here: never a name, an email or anything about one signer.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app
from sqlalchemy import select

from .. import cache, db, openapi
from ..models import Petition, utcnow
from . import counts

bp = Blueprint("facts", __name__)
FACTS_PREFIX = "/api/petitions/"


def _cache_headers() -> dict[str, str]:
    return {"Cache-Control": f"public, max-age={int(counts.refresh_seconds())}"}


@bp.get("/api/petitions")
def list_open():
    now = utcnow()
    with db.reading() as session:
        petitions = session.scalars(
            select(Petition).where(Petition.listed).order_by(Petition.slug)
        ).all()
    listing = [
        {
            "slug": p.slug,
            "title": p.title,
            "goal": p.goal,
            "count": sum(counts.snapshot(p.id).values()),
            "page": p.page,
            "closes_at": p.closes_at.isoformat() if p.closes_at else None,
        }
        for p in petitions
        if p.status(now) == "open"
    ]
    return {"petitions": listing}, 200, _cache_headers()


@bp.get("/api/petitions/<slug>")
def show(slug: str):
    # Everyone reloads the counter on a big day: the whole answer is built once
    # per refresh interval per process, and CachedFacts serves it before Flask.
    body = None
    if Petition.could_be(slug):
        body = counts.until_refresh(("facts", slug), lambda: _facts_body(slug))
    if body is None:
        abort(404, description=f"There is no petition called {slug!r}.")
    return current_app.response_class(
        body, status=200, headers=_cache_headers(), mimetype="application/json"
    )


def _facts_body(slug: str) -> bytes | None:
    """The JSON of a petition's public facts, or None (not kept: unknown slugs vary)."""
    with db.reading() as session:
        petition = session.scalar(Petition.named(slug))
    if petition is None:
        return None
    by_state = counts.snapshot(petition.id)
    facts = {
        "slug": petition.slug,
        "title": petition.title,
        "ask": petition.ask,
        "target": petition.target,
        "goal": petition.goal,
        "count": sum(by_state.values()),
        "by_state": by_state,
        "status": petition.status(utcnow()),
        "opens_at": petition.opens_at.isoformat() if petition.opens_at else None,
        "closes_at": petition.closes_at.isoformat() if petition.closes_at else None,
        "page": petition.page,
    }
    return current_app.json.response(facts).get_data()


class CachedFacts:
    """WSGI layer: answers GET /api/petitions/<slug> from the app's cache, before Flask.

    The answer is the very bytes the view kept for this refresh interval. Only
    plain same-origin reads take this way (no Origin header, so no CORS headers
    to add); everything else, and any miss, goes to Flask. On a surge this lets
    every process serve the counter at about the cost of a hello-world
    (bench/results.md, count.sqlite).
    """

    def __init__(self, app: Flask):
        self.kept = cache.of(app)
        self.max_age = f"public, max-age={int(app.config['COUNT_REFRESH_SECONDS'])}"
        self.wsgi_app = app.wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if (
            environ.get("REQUEST_METHOD") == "GET"
            and path.startswith(FACTS_PREFIX)
            and "HTTP_ORIGIN" not in environ
        ):
            slug = path[len(FACTS_PREFIX) :]
            body = self.kept.peek(("facts", slug)) if slug else None
            if body is not None:
                start_response(
                    "200 OK",
                    [
                        ("Content-Type", "application/json"),
                        ("Content-Length", str(len(body))),
                        ("Cache-Control", self.max_age),
                        ("X-Content-Type-Options", "nosniff"),
                    ],
                )
                return [body]
        return self.wsgi_app(environ, start_response)


_optional_time = {"type": "string", "nullable": True}
openapi.describe(
    bp,
    {
        "/api/petitions": {
            "get": {
                "summary": "The open petitions with their validated counts",
                "responses": {
                    "200": openapi.json_body(
                        {
                            "type": "object",
                            "properties": {
                                "petitions": {
                                    "type": "array",
                                    "items": openapi.ref("PetitionSummary"),
                                }
                            },
                        },
                        "open petitions",
                    )
                },
            }
        },
        "/api/petitions/{slug}": {
            "get": {
                "summary": "Public facts: goal, validated count, counts by state (cacheable)",
                "parameters": [openapi.SLUG],
                "responses": {
                    "200": openapi.json_body(openapi.ref("Petition"), "the petition"),
                    "404": openapi.error("no such petition"),
                },
            }
        },
    },
    schemas={
        "PetitionSummary": {
            "type": "object",
            "properties": {
                "slug": openapi.TEXT,
                "title": openapi.TEXT,
                "goal": {"type": "integer"},
                "count": {"type": "integer"},
                "page": openapi.TEXT,
                "closes_at": _optional_time,
            },
        },
        "Petition": {
            "type": "object",
            "properties": {
                "slug": openapi.TEXT,
                "title": openapi.TEXT,
                "ask": openapi.TEXT,
                "target": openapi.TEXT,
                "goal": {"type": "integer"},
                "count": {"type": "integer"},
                "by_state": {"type": "object", "additionalProperties": {"type": "integer"}},
                "status": {"type": "string", "enum": ["open", "closed", "upcoming"]},
                "opens_at": _optional_time,
                "closes_at": _optional_time,
                "page": openapi.TEXT,
            },
        },
    },
)
