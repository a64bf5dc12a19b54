"""Public facts about petitions: what is open and how many have signed.

Only aggregates leave here: never a name, an email or anything about one signer.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app
from sqlalchemy import select

from . import counting, db
from .models import Petition, utcnow

bp = Blueprint("facts", __name__)
FACTS_PREFIX = "/api/petitions/"


def _cache_headers() -> dict[str, str]:
    seconds = int(current_app.config["COUNT_REFRESH_SECONDS"])
    return {"Cache-Control": f"public, max-age={seconds}"}


@bp.get("/api/petitions")
def list_open():
    now = utcnow()
    petitions = (
        db.session().scalars(select(Petition).where(Petition.listed).order_by(Petition.slug)).all()
    )
    refresh = current_app.config["COUNT_REFRESH_SECONDS"]
    listing = [
        {
            "slug": p.slug,
            "title": p.title,
            "goal": p.goal,
            "count": sum(counting.snapshot(p.id, refresh).values()),
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
    # per refresh interval per process (counting.cached_until_refresh), so a
    # read costs about what the server's hello-world costs.
    refresh = current_app.config["COUNT_REFRESH_SECONDS"]
    body = counting.cached_until_refresh(("facts", slug), refresh, lambda: _facts_body(slug))
    if body is None:
        abort(404, description=f"There is no petition called {slug!r}.")
    return current_app.response_class(
        body, status=200, headers=_cache_headers(), mimetype="application/json"
    )


def _facts_body(slug: str) -> bytes | None:
    """The JSON of a petition's public facts, or None (not cached: unknown slugs vary)."""
    petition = db.session().scalar(select(Petition).where(Petition.slug == slug))
    if petition is None:
        return None
    by_state = counting.snapshot(petition.id, current_app.config["COUNT_REFRESH_SECONDS"])
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
    """WSGI layer: answers GET /api/petitions/<slug> from the cache, before Flask.

    The answer is the very bytes and headers the view made for this refresh
    interval. Only plain same-origin reads take this way (no Origin header, so
    no CORS headers to add); everything else, and any miss, goes to Flask. On
    a surge this is what lets every process serve the counter at about the cost
    of a hello-world (bench/results.md, count.sqlite).
    """

    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if (
            environ.get("REQUEST_METHOD") == "GET"
            and path.startswith(FACTS_PREFIX)
            and "HTTP_ORIGIN" not in environ
        ):
            slug = path[len(FACTS_PREFIX) :]
            engine = self.app.extensions.get("engine")
            body = counting.cached_value(("facts", slug), id(engine)) if slug else None
            if body is not None:
                seconds = int(self.app.config["COUNT_REFRESH_SECONDS"])
                start_response(
                    "200 OK",
                    [
                        ("Content-Type", "application/json"),
                        ("Content-Length", str(len(body))),
                        ("Cache-Control", f"public, max-age={seconds}"),
                    ],
                )
                return [body]
        return self.wsgi_app(environ, start_response)

