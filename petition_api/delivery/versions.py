"""The wordings of a petition's ask, as an office reads them: "Version 2, in effect from
November 4, 2026", never the content hash a signature records (manifest.ask_version).

Versions are numbered in the order `flask petitions sync` first saw them
(PetitionVersion.first_seen_at), and each took effect that day. Numbers are the
same in every packet of a delivery, whichever versions a packet's signers signed.
A wording brought back after another keeps its first number and date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Petition, PetitionVersion


@dataclass(frozen=True)
class Wording:
    number: int  # 0: a version no sync recorded (packets.Delivery.wording)
    since: datetime | None
    title: str
    ask: str

    @property
    def label(self) -> str:
        return f"Version {self.number}" if self.number else "Unrecorded version"

    @property
    def since_day(self) -> str:
        return self.since.date().isoformat() if self.since else ""


def wordings(session: Session, petition: Petition) -> dict[str, Wording]:
    """Each version's hash -> its Wording, oldest first (the current one included)."""
    rows = session.execute(
        select(
            PetitionVersion.version,
            PetitionVersion.first_seen_at,
            PetitionVersion.title,
            PetitionVersion.ask,
        )
        .where(PetitionVersion.petition_id == petition.id)
        .order_by(PetitionVersion.first_seen_at, PetitionVersion.id)
    ).all()
    found = {
        row.version: Wording(number, row.first_seen_at, row.title, row.ask)
        for number, row in enumerate(rows, start=1)
    }
    if petition.version not in found:  # synced before versions were recorded
        found[petition.version] = Wording(
            len(found) + 1, petition.synced_at, petition.title, petition.ask
        )
    return found
