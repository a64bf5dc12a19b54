"""Exports: every signature export, delivery packet and audience, downloaded from the
staff API routes themselves (they accept a console sign-in as they accept a
token), so the console and the API share one audited code path."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from .. import db
from ..exports.filters import STATUSES
from ..models import Petition, Role
from ..staff import sessions
from .access import me, needs

# In the words of the README's "Audiences for ads and CRMs".
AUDIENCES = {
    "meta": "Meta customer list (hashed), for ads to supporters",
    "meta-suppression": "Meta suppression list (hashed): people ads must never reach",
    "mailchimp": "Mailchimp import",
    "actionnetwork": "Action Network upload",
    "osdi": "OSDI people with their signatures (JSON)",
}


@needs(Role.ORGANISER)
def exports():
    with db.reading() as session:
        petitions = list(
            session.execute(select(Petition.slug, Petition.title).order_by(Petition.slug))
        )
    return render_template(
        "console/exports.html",
        petitions=petitions,
        statuses=STATUSES,
        audiences=AUDIENCES,
        ticket=sessions.download_ticket(me()),
    )


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/exports", "exports", exports)
