"""The stories a delivery packet may carry: approved (or published) stories whose author
consented to sharing with their members of Congress, for the offices that represent
them: their state's senators, and their district's representative.

Each is shown with where its author lives, so the office can see she is its
constituent: her ZIP code and state, as the story form collects them, and her town
when the story is a petition comment (the town she gave when signing, which her
signature already carries to the same offices); the story form asks for no town.
Her first name only if she ticked "name", otherwise "A constituent".
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..models import Signature, Story, StoryConsentKind, StoryStatus
from ..states import STATES
from .reviewing import consents_now


@dataclass(frozen=True)
class ToldStory:
    teller: str  # "Rosa", or "A constituent"
    place: str  # "Brooklyn, NY 11201", or "ZIP code 10001, New York"
    text: str

    @property
    def heading(self) -> str:
        return f"{self.teller}, {self.place}"


def by_office(session: Session, petition_id: int, offices: dict) -> dict[str, list[ToldStory]]:
    """Office code -> its constituents' stories, by ZIP code, for stories about this
    petition or none in particular. `offices`: code -> an office with `chamber` and `state`."""
    senators: dict[str, list[str]] = {}
    for code, office in offices.items():
        if office.chamber == "senate":
            senators.setdefault(office.state, []).append(code)
    told: dict[str, list[ToldStory]] = {}
    for story, town in _shareable(session, petition_id):
        consents = consents_now(session, story.id)
        if not consents[StoryConsentKind.CONGRESS]:
            continue
        shown = ToldStory(
            teller=story.first_name if consents[StoryConsentKind.NAME] else "A constituent",
            place=_place(story, town),
            text=story.edited or story.text,
        )
        codes = list(senators.get(story.state, []))
        if story.district in offices:
            codes.append(story.district)
        for code in codes:
            told.setdefault(code, []).append(shown)
    return told


def _shareable(session: Session, petition_id: int) -> list[tuple[Story, str | None]]:
    """Approved stories with, for a petition comment, the town of its signature."""
    return session.execute(
        select(Story, Signature.city)
        .outerjoin(Signature, Signature.id == Story.signature_id)
        .where(
            Story.status.in_([StoryStatus.APPROVED, StoryStatus.PUBLISHED]),
            or_(Story.petition_id == petition_id, Story.petition_id.is_(None)),
        )
        .order_by(func.substr(Story.zip, 1, 5), Story.id)
    ).all()


def _place(story: Story, town: str | None) -> str:
    if town and town.strip():
        return f"{town.strip()}, {story.state} {story.zip}"
    return f"ZIP code {story.zip}, {STATES.get(story.state, story.state)}"
