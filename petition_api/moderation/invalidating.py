"""Which signatures staff mean, and taking them out of (or back into) the counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ..counting import counts, tallies
from ..models import Petition, Signature, Status
from ..signing.form import canonical_email


class SelectionError(ValueError):
    """The selection names nothing, or too much; the message says what to give."""


@dataclass(frozen=True)
class Selection:
    ids: tuple[int, ...] = ()
    email: str | None = None
    zip: str | None = None
    ip_prefix: str | None = None
    petition: str | None = None

    def described(self) -> dict:
        """For the audit log: how signatures were chosen, never whose (no email, no IP)."""
        by = [name for name in ("email", "zip", "ip_prefix") if getattr(self, name)]
        found = {"by": by or ["id"], "ids": list(self.ids)[:50]}
        if self.petition:
            found["petition"] = self.petition
        return found

    def query(self, statuses) -> Select:
        if not (self.ids or self.email or self.zip or self.ip_prefix):
            raise SelectionError("name signatures: IDs, or --email, --zip or --ip-prefix")
        query = select(Signature.id, Signature.petition_id, Signature.state, Signature.counted)
        query = query.where(Signature.status.in_(statuses))
        if self.ids:
            query = query.where(Signature.id.in_(self.ids))
        if self.email:
            query = query.where(Signature.email_canonical == canonical_email(self.email))
        if self.zip:
            query = query.where(Signature.zip.startswith(self.zip[:5], autoescape=True))
        if self.ip_prefix:
            query = query.where(Signature.ip.startswith(self.ip_prefix, autoescape=True))
        if self.petition:
            query = query.join(Petition, Petition.id == Signature.petition_id).where(
                Petition.slug == self.petition
            )
        return query


NOT_INVALIDATED = [s for s in Status if s != Status.INVALIDATED]


def preview(session: Session, selection: Selection, restoring: bool = False) -> list:
    statuses = [Status.INVALIDATED] if restoring else NOT_INVALIDATED
    return session.execute(selection.query(statuses)).all()


def invalidate(session: Session, selection: Selection) -> int:
    """Invalidate the selection as it is now (the preview may be minutes old): counted
    ones come off the counts at once. Run inside one write transaction."""
    rows = session.execute(selection.query(NOT_INVALIDATED).with_for_update()).all()
    for petition_id, ids in _by_petition(rows).items():
        tallies.withdraw(session, petition_id, ids, -1)
    session.execute(Signature.invalidate([r.id for r in rows]))
    counted = Counter((r.petition_id, r.state) for r in rows if r.counted)
    for (petition_id, state), n in counted.items():
        counts.adjust(session, petition_id, state, -n)
    return len(rows)


def restore(session: Session, selection: Selection) -> int:
    """Put them back as they were; confirmed ones are counted at the next refresh."""
    rows = session.execute(selection.query([Status.INVALIDATED]).with_for_update()).all()
    session.execute(Signature.restore([r.id for r in rows]))
    for petition_id, ids in _by_petition(rows).items():
        tallies.withdraw(session, petition_id, ids, +1)
    return len(rows)


def _by_petition(rows) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for row in rows:
        found.setdefault(row.petition_id, []).append(row.id)
    return found
