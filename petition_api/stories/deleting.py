"""Stories leave, whole: the row, its consents, its photo file and any mail about it.

Used when a story was never confirmed (retention: RETAIN_UNCONFIRMED_DAYS, as the
confirmation email promises) and when its author is forgotten.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, delete, or_, select

from ..mail import outbox
from ..models import Outbox, Signature, Story, StoryConsent, StoryStatus
from .intake import photo_folder


def unconfirmed(made_before: datetime) -> Select:
    """Stories nobody confirmed (or the abuse checks set aside), past their time; and
    comment candidates whose signature has since lost its name (retention anonymised
    it): the copy may not outlive what it was copied from."""
    waiting = Story.status.in_([StoryStatus.PENDING, StoryStatus.SET_ASIDE])
    nameless = select(Signature.id).where(Signature.email == "")
    return select(Story.id).where(
        or_(
            and_(waiting, Story.created_at < made_before),
            and_(Story.source == "comment", Story.signature_id.in_(nameless)),
        )
    )


def discard(session, story_ids: list[int]) -> int:
    """Delete these stories and everything that names their authors; how many."""
    if not story_ids:
        return 0
    wanted = set(story_ids)
    kinds = (outbox.STORY_CONFIRM, outbox.STORY_PERMISSION)
    mail = session.scalars(select(Outbox).where(Outbox.kind.in_(kinds))).all()
    for row in mail:  # the story is named in the payload, which no index reaches
        if row.payload and row.payload.get("story_id") in wanted:
            session.delete(row)
    photos = session.scalars(
        select(Story.photo).where(Story.id.in_(story_ids), Story.photo.is_not(None))
    ).all()
    session.execute(delete(StoryConsent).where(StoryConsent.story_id.in_(story_ids)))
    gone = session.execute(delete(Story).where(Story.id.in_(story_ids))).rowcount
    folder = photo_folder()
    for name in photos:
        (folder / name).unlink(missing_ok=True)
    return gone
