"""Stories: what a supporter offers (from the story form, or a petition comment they let
us share), confirmed by email, moderated by staff, and used only as its consents allow.

    pending ──(the emailed link)──> submitted ──(staff)──> approved ──> published
       │                                  └──────────────> rejected
       └─ set_aside (the abuse checks: no email, no queue)

Consents are a history (StoryConsent): each kind given or refused, with the wording
shown (stored once, versioned), when, and how (the form, or the permission page).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, EnumText, check_in, hashed, utcnow

# Days a request for a story's missing consents stays open (its confirm_expires_at):
# here, below both, since stories sets it and mail's request says it.
PERMISSION_DAYS = 30


class StoryStatus(enum.StrEnum):
    PENDING = "pending"
    SET_ASIDE = "set_aside"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    PUBLISHED = "published"


class StoryConsentKind(enum.StrEnum):
    PUBLISH = "publish"  # on the campaign's site
    NAME = "name"  # with the first name (otherwise "a parent in Ohio")
    CONGRESS = "congress"  # in the packets for the person's members of Congress
    CONTACT = "contact"  # staff may write to them about the story


class Story(Base):
    __tablename__ = "stories"
    __table_args__ = (
        CheckConstraint(check_in("status", StoryStatus), name="status"),
        # No headline is NULL (the default is read from the story's words), never "".
        CheckConstraint("headline IS NULL OR headline <> ''", name="headline_not_empty"),
        Index("ix_stories_status", "status", "id"),
        # A published post is named by its story's number: never give a number twice.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[StoryStatus] = mapped_column(
        EnumText(StoryStatus, 12), default=StoryStatus.PENDING
    )
    # "form", or "comment" for a petition comment its signer let us share.
    source: Mapped[str] = mapped_column(String(10), default="form")
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id"))
    signature_id: Mapped[int | None] = mapped_column(ForeignKey("signatures.id"))
    first_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    email_canonical: Mapped[str] = mapped_column(String(254), index=True)
    state: Mapped[str] = mapped_column(String(2))
    zip: Mapped[str] = mapped_column(String(10))
    district: Mapped[str | None] = mapped_column(String(5))
    text: Mapped[str] = mapped_column(Text)
    edited: Mapped[str | None] = mapped_column(Text)  # staff's edit, approved with the story
    # The published post's title as staff wrote it; None: the story's first words
    # (stories/headlines.py).
    headline: Mapped[str | None] = mapped_column(String(120))
    # The re-encoded photo's file name in the instance folder (never the public site
    # until the story is published), and its type.
    photo: Mapped[str | None] = mapped_column(String(100))
    fraud_reason: Mapped[str | None] = mapped_column(String(32))
    rejected_because: Mapped[str | None] = mapped_column(String(500))
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    confirm_expires_at: Mapped[datetime | None]
    page: Mapped[str | None] = mapped_column(String(500))
    utm_source: Mapped[str | None] = mapped_column(String(100))
    # The rest of the link's tags, as a signature keeps them: an update's links name
    # their mailing and subject here (updates/judging.py counts a story told through one).
    utm_medium: Mapped[str | None] = mapped_column(String(200))
    utm_campaign: Mapped[str | None] = mapped_column(String(200))
    utm_content: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]

    @staticmethod
    def token_hash(token: str) -> str:
        return hashed(token)


@dataclass(frozen=True)
class ToldStory:
    """A story as a delivery packet prints it (not a table): stories/for_congress.py says
    who may be named and from where, the packets which offices it reaches (the senators
    of its state, its district's representative)."""

    teller: str  # "Rosa", or "A constituent"
    place: str  # "Brooklyn, NY 11201", or "ZIP code 10001, New York"
    text: str
    state: str
    district: str | None

    @property
    def heading(self) -> str:
        return f"{self.teller}, {self.place}"


class StoryConsent(Base):
    """One consent given or refused for a story, with the words shown."""

    __tablename__ = "story_consents"
    __table_args__ = (CheckConstraint(check_in("kind", StoryConsentKind), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id"), index=True)
    kind: Mapped[StoryConsentKind] = mapped_column(EnumText(StoryConsentKind, 10))
    given: Mapped[bool] = mapped_column(Boolean)
    wording_id: Mapped[int] = mapped_column(ForeignKey("consent_wordings.id"))
    source: Mapped[str] = mapped_column(String(12))  # form, comment, permission
    at: Mapped[datetime] = mapped_column(default=utcnow)


class CurrentWording(Base):
    """The wording each story consent's box shows now, as the site's build published it
    (`flask petitions sync`): a submission records this version."""

    __tablename__ = "current_wordings"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    wording_id: Mapped[int] = mapped_column(ForeignKey("consent_wordings.id"))
    since: Mapped[datetime] = mapped_column(default=utcnow)
