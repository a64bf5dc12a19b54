"""Asking a supporter for the consents their story lacks, and the page where they answer.

`flask stories ask ID` emails a link (valid PERMISSION_DAYS) to a page that shows each
consent with the words the story form shows now; the person gives or refuses each,
and every answer is a new line in the story's consent history (source `permission`).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import Blueprint, render_template, request
from sqlalchemy import select

from .. import audit, db
from ..mail import outbox
from ..models import (
    PERMISSION_DAYS,
    Story,
    StoryConsent,
    StoryConsentKind,
    StoryStatus,
    utcnow,
)
from ..ratelimits import per_address
from .intake import shown, wordings
from .reviewing import ModerationError, by_link, consents_now, one

ASKABLE = (StoryStatus.SUBMITTED, StoryStatus.APPROVED, StoryStatus.PUBLISHED)
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}

bp = Blueprint("story_permission", __name__, template_folder="templates")


def open_until(story: Story) -> datetime | None:
    """When the link of the story's open permission request stops working (None: no
    request is open)."""
    if story.confirm_token_hash and story.confirm_expires_at > utcnow():
        return story.confirm_expires_at
    return None


def ask(session, story_id: int, actor: str, again: bool = False) -> list[str]:
    """Queue the email that asks for the missing consents; which kinds it asks for.

    Not to an author who answered "do not contact me" (a comment's author answered
    nothing yet: asking is how they are asked), and one open request at a time."""
    story = one(session, story_id)
    if story.status not in ASKABLE:
        raise ModerationError(f"story {story_id} is {story.status}: nothing to ask for")
    refused_contact = (
        session.scalar(
            select(StoryConsent.id).where(
                StoryConsent.story_id == story.id,
                StoryConsent.kind == StoryConsentKind.CONTACT,
            )
        )
        is not None
        and not consents_now(session, story.id)[StoryConsentKind.CONTACT]
    )
    if refused_contact:
        raise ModerationError(f"story {story_id}: its author did not allow us to contact them")
    if (until := open_until(story)) and not again:
        raise ModerationError(
            f"story {story_id}: a request is open until {until:%Y-%m-%d} "
            "(add --again to send another)"
        )
    missing = [str(kind) for kind, given in consents_now(session, story.id).items() if not given]
    if not missing:
        raise ModerationError(f"story {story_id} has every consent already")
    token = secrets.token_urlsafe(32)
    story.confirm_token_hash = Story.token_hash(token)
    story.confirm_expires_at = utcnow() + timedelta(days=PERMISSION_DAYS)
    outbox.enqueue(session, outbox.STORY_PERMISSION, None, {"token": token, "story_id": story.id})
    audit.add(session, "stories.ask", f"story {story.id}", actor, {"asked": missing})
    return missing


def _story(session, token: str) -> Story | None:
    return by_link(session, token, ASKABLE)


@bp.get("/story-permission/<token>")
@per_address
def page(token: str):
    with db.reading() as session:
        story = _story(session, token)
        if story is None:
            return render_template("stories/unknown.html"), 404, NO_STORE
        given = {str(k): v for k, v in consents_now(session, story.id).items()}
        wording = shown(session)
    return (
        render_template(
            "stories/permission.html", story=story, token=token, given=given, shown=wording
        ),
        200,
        NO_STORE,
    )


@bp.post("/story-permission/<token>")
@per_address
def answer(token: str):
    now = utcnow()
    with db.writing() as session:
        story = _story(session, token)
        if story is None:
            return render_template("stories/unknown.html"), 404, NO_STORE
        current = wordings(session)
        before = consents_now(session, story.id)
        for kind in StoryConsentKind:
            said = request.form.get(f"consent_{kind.value}")
            if said not in ("yes", "no") or (said == "yes") == before[kind]:
                continue  # unanswered, or unchanged: nothing new to record
            session.add(
                StoryConsent(
                    story_id=story.id,
                    kind=kind,
                    given=said == "yes",
                    wording_id=current[f"story_{kind.value}"],
                    source="permission",
                    at=now,
                )
            )
        given = {str(k): v for k, v in consents_now(session, story.id).items()}
    return render_template("stories/permission_saved.html", given=given), 200, NO_STORE
