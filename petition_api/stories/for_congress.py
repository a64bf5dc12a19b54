"""The stories a delivery packet may carry: approved (or published) stories whose author
consented to sharing with their members of Congress. The packets send each to the
offices that represent its author (congress/offices.py `by_office`): her state's
senators, and her district's representative.

Each is shown with where its author lives, so the office can see she is its
constituent: her ZIP code and state, as the story form collects them, and her town
when the story is a petition comment (the town she gave when signing, which her
signature already carries to the same offices); the story form asks for no town.
Her first name only if she ticked "name", otherwise "A constituent".
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..models import Signature, Story, StoryConsentKind, StoryStatus, ToldStory
from ..states import STATES
from .reviewing import consents_of


def told(session: Session, petition_id: int) -> list[ToldStory]:
    """The stories a delivery of this petition carries, by ZIP code: about it or about
    none in particular, approved, and let go to Congress. Two queries however many."""
    shareable = _shareable(petition_id)
    consents = consents_of(session, shareable.with_only_columns(Story.id).order_by(None))
    found = []
    for story, town in session.execute(shareable):
        given = consents[story.id]
        if given[StoryConsentKind.CONGRESS]:
            teller = story.first_name if given[StoryConsentKind.NAME] else "A constituent"
            text = story.edited or story.text
            found.append(ToldStory(teller, _place(story, town), text, story.state, story.district))
    return found


def _shareable(petition_id: int):
    """Approved stories with, for a petition comment, the town of its signature."""
    return (
        select(Story, Signature.city)
        .outerjoin(Signature, Signature.id == Story.signature_id)
        .where(
            Story.status.in_([StoryStatus.APPROVED, StoryStatus.PUBLISHED]),
            or_(Story.petition_id == petition_id, Story.petition_id.is_(None)),
        )
        .order_by(func.substr(Story.zip, 1, 5), Story.id)
    )


def _place(story: Story, town: str | None) -> str:
    if town and town.strip():
        return f"{town.strip()}, {story.state} {story.zip}"
    return f"ZIP code {story.zip}, {STATES.get(story.state, story.state)}"
