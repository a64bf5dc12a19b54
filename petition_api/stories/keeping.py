"""Stories leave, whole: the row, its consents, its photo file and any mail about it.

Used when a story was never confirmed (retention: RETAIN_UNCONFIRMED_DAYS, as the
confirmation email promises) and when its author is forgotten.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, delete, select

from ..mail import outbox
from ..models import Outbox, Story, StoryConsent, StoryStatus
from .intake import photo_folder


def unconfirmed(made_before: datetime) -> Select:
    """Stories nobody confirmed (or the abuse checks set aside), past their time."""
    waiting = Story.status.in_([StoryStatus.PENDING, StoryStatus.SET_ASIDE])
    return select(Story.id).where(waiting, Story.created_at < made_before)


def discard(session, story_ids: list[int]) -> int:
    """Delete these stories and everything that names their authors; how many."""
    if not story_ids:
        return 0
    wanted = set(story_ids)
    mail = session.scalars(select(Outbox).where(Outbox.kind == outbox.STORY_CONFIRM)).all()
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
