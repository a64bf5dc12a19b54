"""Congressional districts and members, one dataset per load (see congress/)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class CongressDataset(Base):
    """One load of districts and members; exactly one is active at a time."""

    __tablename__ = "congress_datasets"

    id: Mapped[int] = mapped_column(primary_key=True)
    congress: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(default=False)
    districts_source: Mapped[str] = mapped_column(String(500))
    legislators_source: Mapped[str] = mapped_column(String(500))
    zcta_rows: Mapped[int] = mapped_column(default=0)
    offices: Mapped[int] = mapped_column(default=0)
    vacant: Mapped[int] = mapped_column(default=0)
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class CongressZcta(Base):
    """A ZIP code tabulation area and one district it (partly) lies in."""

    __tablename__ = "congress_zctas"

    dataset_id: Mapped[int] = mapped_column(
        ForeignKey("congress_datasets.id", ondelete="CASCADE"), primary_key=True
    )
    zcta: Mapped[str] = mapped_column(String(5), primary_key=True)
    district: Mapped[str] = mapped_column(String(5), primary_key=True)
    state: Mapped[str] = mapped_column(String(2))


class CongressOffice(Base):
    """A House seat or Senate seat, and who holds it (nobody: vacant)."""

    __tablename__ = "congress_offices"
    __table_args__ = (
        UniqueConstraint("dataset_id", "code"),
        CheckConstraint("chamber IN ('house', 'senate')", name="chamber"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(
        ForeignKey("congress_datasets.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(5))
    chamber: Mapped[str] = mapped_column(String(6))
    state: Mapped[str] = mapped_column(String(2))
    bioguide_id: Mapped[str | None] = mapped_column(String(10))
    full_name: Mapped[str | None] = mapped_column(String(200))
    # As a letter's salutation names the member ("Dear Representative Wasserman Schultz"):
    # the file's last_name, which a full name's last word often is not.
    surname: Mapped[str | None] = mapped_column(String(100))
    party: Mapped[str | None] = mapped_column(String(50))
    senate_class: Mapped[int | None]
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    url: Mapped[str | None] = mapped_column(String(300))
