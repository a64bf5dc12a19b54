"""Public facts about petitions: what is open and how many have signed.

Only aggregates leave here: never a name, an email or anything about one signer.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app
from sqlalchemy import select

from . import counting, db
from .models import Petition, utcnow

bp = Blueprint("facts", __name__)


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
    petition = db.session().scalar(select(Petition).where(Petition.slug == slug))
    if petition is None:
        abort(404, description=f"There is no petition called {slug!r}.")
    by_state = counting.snapshot(petition.id, current_app.config["COUNT_REFRESH_SECONDS"])
    return (
        {
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
        },
        200,
        _cache_headers(),
    )
