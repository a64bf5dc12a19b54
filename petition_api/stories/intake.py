"""Storing a checked story: the supporter's words, the photo made safe, each consent with
the wording its box showed, and the email that asks them to confirm it.

Like a signature, a story from a bot (the honeypot, a form too fast, a forged token)
is kept set aside, gets no email, never reaches staff, and its photo is not kept.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from .. import db
from ..email_addresses import canonical_email
from ..mail import outbox
from ..models import ConsentWording, CurrentWording, Story, StoryConsent, StoryStatus, utcnow
from ..signing.abuse import FLAG_ONLY
from .form import StoryForm
from .photos import Photo


class NotReady(Exception):
    """The site's build has not published the story form's wordings to this API."""


def photo_folder() -> Path:
    """Outside the site: a photo is public only once its story is published."""
    return Path(
        current_app.config.get("STORY_PHOTO_DIR") or Path(current_app.instance_path, "story-photos")
    )


def keep_photo(photo: Photo) -> str:
    folder = photo_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{photo.extension}"
    (folder / name).write_bytes(photo.data)
    return name


def wordings(session) -> dict[str, int]:
    current = dict(
        session.execute(
            select(CurrentWording.kind, CurrentWording.wording_id).where(
                CurrentWording.kind.like("story_%")
            )
        ).all()
    )
    if len(current) < 4:
        raise NotReady
    return current


def shown(session) -> dict[str, str]:
    """The words each story consent box shows now, by kind (story_publish, ...)."""
    return dict(
        session.execute(
            select(CurrentWording.kind, ConsentWording.text)
            .join(ConsentWording, ConsentWording.id == CurrentWording.wording_id)
            .where(CurrentWording.kind.like("story_%"))
        ).all()
    )


def record(
    form: StoryForm, petition_id: int | None, photo: Photo | None, verdict: str | None
) -> None:
    """Store a checked story (`verdict`: the abuse checks'), its consents and its mail."""
    set_aside = verdict is not None and verdict not in FLAG_ONLY
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with db.writing() as session:
        current = wordings(session)
        story = Story(
            status=StoryStatus.SET_ASIDE if set_aside else StoryStatus.PENDING,
            source="form",
            petition_id=petition_id,
            first_name=form.first_name.data,
            email=form.email.data,
            email_canonical=canonical_email(form.email.data),
            state=form.state.data,
            zip=form.zip.data,
            district=form.district.data or None,  # chosen, or resolved by the form
            text=form.story.data,
            photo=None if set_aside or photo is None else keep_photo(photo),
            fraud_reason=verdict,
            confirm_token_hash=None if set_aside else Story.token_hash(token),
            confirm_expires_at=now + timedelta(days=current_app.config["CONFIRM_TOKEN_DAYS"]),
            page=form.page.data,
            utm_source=form.utm_source.data,
            utm_medium=form.utm_medium.data,
            utm_campaign=form.utm_campaign.data,
            utm_content=form.utm_content.data,
            created_at=now,
        )
        session.add(story)
        session.flush()
        for kind, given in form.consents().items():
            session.add(
                StoryConsent(
                    story_id=story.id,
                    kind=kind,
                    given=given,
                    wording_id=current[f"story_{kind.value}"],
                    source="form",
                    at=now,
                )
            )
        if not set_aside and not _asked_enough(session, story):
            outbox.enqueue(
                session, outbox.STORY_CONFIRM, None, {"token": token, "story_id": story.id}
            )


CONFIRMATIONS_A_DAY = 3


def _asked_enough(session, story: Story) -> bool:
    """An address gets at most CONFIRMATIONS_A_DAY story confirmations a day: anyone can
    type someone else's address into the form, again and again."""
    since = story.created_at - timedelta(days=1)
    earlier = session.scalar(
        select(func.count())
        .select_from(Story)
        .where(
            Story.email_canonical == story.email_canonical,
            Story.status == StoryStatus.PENDING,
            Story.created_at > since,
            Story.id != story.id,
        )
    )
    return earlier >= CONFIRMATIONS_A_DAY
