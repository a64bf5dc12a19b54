"""Petitions as the site's manifest declares them, their versions and public counts."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Integer,
    Select,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class ConsentWording(Base):
    """The exact words a signer agreed to, stored once and referred to."""

    __tablename__ = "consent_wordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


# Every slug the site's schema allows, and no longer than the column: anything
# else in a URL is no petition, answered without asking the database.
SLUG = re.compile(r"^[a-z0-9-]{1,100}$")
VARIANT_NAME = 100  # as long as a signature's `variant`
# A view's variant and link tags, each cut to this (a signature's variant column's
# length): four of them keep the primary key within PostgreSQL's index row limit.
VIEW_KEY_LENGTH = 100


class Petition(Base):
    __tablename__ = "petitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    ask: Mapped[str] = mapped_column(Text)
    version: Mapped[str] = mapped_column(String(64))
    goal: Mapped[int] = mapped_column(Integer)
    target: Mapped[str] = mapped_column(String(200))
    page: Mapped[str] = mapped_column(String(500))
    thanks_page: Mapped[str | None] = mapped_column(String(500))
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    # False once the site's manifest no longer declares it: kept for its signatures.
    listed: Mapped[bool] = mapped_column(default=True)
    # When it stopped being listed: it closed then, and retention counts from it.
    unlisted_at: Mapped[datetime | None]
    updates_consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent_wordings.id"))
    # The words of the form's "you may share my comment" box (stories/).
    comment_share_consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent_wordings.id"))
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What the confirmed page offers to share beside the links (the manifest's
    # "share", checked by petitions/manifest.py): text, alt, graphics.
    share: Mapped[dict | None] = mapped_column(JSON)

    @classmethod
    def named(cls, slug: str) -> Select:
        return select(cls).where(cls.slug == slug)

    @staticmethod
    def could_be(slug: str) -> bool:
        return SLUG.fullmatch(slug) is not None

    def status(self, now: datetime) -> str:
        if self.opens_at and now < self.opens_at:
            return "upcoming"
        if (self.closes_at and now >= self.closes_at) or not self.listed:
            return "closed"
        return "open"


class PetitionVariant(Base):
    """A variant of a petition's page the site declares (the manifest's "variants"): the
    same page with another headline at <page>/v/<name>/. A signature records its
    `variant` only when it names one of these (signing/recording.py)."""

    __tablename__ = "petition_variants"
    __table_args__ = (CheckConstraint(f"length(name) BETWEEN 1 AND {VARIANT_NAME}", "name"),)

    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(VARIANT_NAME), primary_key=True)
    headline: Mapped[str] = mapped_column(Text)
    page: Mapped[str] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(Integer)  # its place in the front matter, from 0


class PetitionVersion(Base):
    """Every text of a petition's ask that signers have been shown."""

    __tablename__ = "petition_versions"
    __table_args__ = (UniqueConstraint("petition_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"))
    version: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    ask: Mapped[str] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class PetitionTally(Base):
    """What the staff dashboard draws, counted as it happens (counting/tallies.py).

    Per petition, per `dimension` (`hour`: an hour in UTC as `YYYY-MM-DD HH`; `state`;
    `utm_source`, `utm_medium`, `utm_campaign`, `page`, `variant`) and value:
    signatures submitted, and confirmed signatures still counted. A handful of
    rows per petition and hour, so the dashboard never reads the signatures.
    """

    __tablename__ = "petition_tallies"

    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    signed: Mapped[int] = mapped_column(default=0)
    confirmed: Mapped[int] = mapped_column(default=0)


class ViewTally(Base):
    """Views of a petition's pages, counted by the first-party beacon (counting/views.py).

    One row per petition, hour (UTC, truncated), variant and the link's `utm_source`,
    `utm_medium` and `utm_content` ("" when absent): `views` is how many were seen.
    Each process adds its views in batches, so a surge adds to a row now and then,
    never a row per view. Nothing in it is about a person: no address, no browser,
    no cookie, no time finer than the hour.
    """

    __tablename__ = "view_tallies"
    __table_args__ = (CheckConstraint("views >= 0", name="views"),)

    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), primary_key=True)
    hour: Mapped[datetime] = mapped_column(primary_key=True)
    variant: Mapped[str] = mapped_column(String(VIEW_KEY_LENGTH), primary_key=True)
    utm_source: Mapped[str] = mapped_column(String(VIEW_KEY_LENGTH), primary_key=True)
    utm_medium: Mapped[str] = mapped_column(String(VIEW_KEY_LENGTH), primary_key=True)
    utm_content: Mapped[str] = mapped_column(String(VIEW_KEY_LENGTH), primary_key=True)
    views: Mapped[int] = mapped_column(default=0)


class TallyMark(Base):
    """How far submissions are tallied: every signature created before `until`."""

    __tablename__ = "tally_marks"

    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), primary_key=True)
    until: Mapped[datetime]


class PetitionCount(Base):
    """The public count, by state: a cache rebuilt by `flask petitions recount`."""

    __tablename__ = "petition_counts"

    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), primary_key=True)
    state: Mapped[str] = mapped_column(String(2), primary_key=True)
    validated: Mapped[int] = mapped_column(default=0)
