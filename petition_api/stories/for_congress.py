"""The stories a delivery packet may carry: approved (or published) stories whose author
consented to sharing with their members of Congress, for the offices that represent
them: their state's senators, and their district's representative."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..models import Story, StoryConsentKind, StoryStatus
from ..states import STATES
from .moderation import consents_now


def by_office(
    session: Session, petition_id: int, offices: dict
) -> dict[str, list[tuple[str, str]]]:
    """Office code -> [(who told it, the story)], for stories about this petition or
    none in particular. `offices`: code -> an office with `chamber` and `state`."""
    stories = session.scalars(
        select(Story)
        .where(
            Story.status.in_([StoryStatus.APPROVED, StoryStatus.PUBLISHED]),
            or_(Story.petition_id == petition_id, Story.petition_id.is_(None)),
        )
        .order_by(Story.id)
    ).all()
    senators: dict[str, list[str]] = {}
    for code, office in offices.items():
        if office.chamber == "senate":
            senators.setdefault(office.state, []).append(code)
    told: dict[str, list[tuple[str, str]]] = {}
    for story in stories:
        given = consents_now(session, story.id)
        if not given[StoryConsentKind.CONGRESS]:
            continue
        place = STATES.get(story.state, story.state)
        teller = (
            f"{story.first_name}, in {place}"
            if given[StoryConsentKind.NAME]
            else (f"A constituent in {place}")
        )
        codes = list(senators.get(story.state, []))
        if story.district in offices:
            codes.append(story.district)
        for code in codes:
            told.setdefault(code, []).append((teller, story.edited or story.text))
    return told
