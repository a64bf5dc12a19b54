"""Exports: every signature export, delivery packet and audience, downloaded from the
staff API routes themselves (they accept a console sign-in as they accept a
token), so the console and the API share one audited code path."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from sqlalchemy import select

from .. import db
from ..campaign_sender import EXAMPLES, PREFIX, SETTINGS, SenderError, sender_from
from ..congress.loading import active_dataset
from ..exports.filters import STATUSES
from ..models import Petition, Role
from ..staff import sessions
from .access import me, needs

# In the words of the manual's docs/pages/audiences.md.
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
        districts_loaded = active_dataset(session) is not None
    problems, examples = sender_problems()
    return render_template(
        "console/exports.html",
        petitions=petitions,
        statuses=STATUSES,
        audiences=AUDIENCES,
        ticket=sessions.download_ticket(me()),
        sender_problems=problems,
        sender_examples=examples,
        districts_loaded=districts_loaded,
    )


def sender_problems() -> tuple[list[str], list[str]]:
    """What the packets' sender settings lack, as the delivery route would refuse it (each
    missing or malformed one, named), and a line to set each of them, for the page to say
    before anyone presses a packet button."""
    try:
        sender_from(current_app.config)
    except SenderError as error:
        named = [n for n in SETTINGS if any(p.startswith(PREFIX + n) for p in error.problems)]
        return error.problems, [f'{PREFIX}{n}="{EXAMPLES[n]}"' for n in named]
    return [], []


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/exports", "exports", exports)
