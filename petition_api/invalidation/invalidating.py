"""Which signatures staff mean, and taking them out of (or back into) the counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from .. import audit, db
from ..counting import counts, tallies
from ..email_addresses import canonical_email
from ..models import Petition, Signature, Status


class SelectionError(ValueError):
    """The selection names nothing, or too much; the message says what to give."""


@dataclass(frozen=True)
class Selection:
    ids: tuple[int, ...] = ()
    email: str | None = None
    zip: str | None = None
    ip_prefix: str | None = None
    petition: str | None = None
    name: str | None = None
    district: str | None = None
    domain: str | None = None

    def described(self) -> dict:
        """For the audit log: how signatures were chosen, never whose (no email, no IP)."""
        by = [name for name in CHOOSERS if getattr(self, name)]
        found = {"by": by or ["id"], "ids": list(self.ids)[:50]}
        if self.petition:
            found["petition"] = self.petition
        return found

    def query(self, statuses, *columns) -> Select:
        if not (self.ids or any(getattr(self, name) for name in CHOOSERS)):
            raise SelectionError(
                "name signatures: IDs, or an email, name, ZIP, district, email domain or IP prefix"
            )
        query = select(
            Signature.id, Signature.petition_id, Signature.state, Signature.counted, *columns
        )
        query = query.where(Signature.status.in_(statuses))
        if self.ids:
            query = query.where(Signature.id.in_(self.ids))
        if self.email:
            query = query.where(Signature.email_canonical == canonical_email(self.email))
        if self.zip:
            query = query.where(Signature.zip.startswith(self.zip[:5], autoescape=True))
        if self.ip_prefix:
            query = query.where(Signature.ip.startswith(self.ip_prefix, autoescape=True))
        if self.name:
            whole = func.lower(Signature.first_name + " " + Signature.last_name)
            query = query.where(whole.contains(self.name.strip().lower(), autoescape=True))
        if self.district:
            query = query.where(Signature.district == self.district.strip().upper())
        if self.domain:
            domain = "@" + self.domain.strip().lstrip("@").lower()
            query = query.where(Signature.email_canonical.endswith(domain, autoescape=True))
        if self.petition:
            query = query.join(Petition, Petition.id == Signature.petition_id).where(
                Petition.slug == self.petition
            )
        return query


# Ways to choose signatures besides their numbers, as the CLI options and the console
# search name them.
CHOOSERS = ("email", "name", "zip", "district", "domain", "ip_prefix")
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


def carry_out(restoring: bool, selection: Selection, reason: str, actor: str) -> int:
    """Invalidate (or restore) the selection as it is now, in one transaction with its
    audit row: what the CLI and the console do once staff have seen the preview."""
    change = restore if restoring else invalidate
    action = "signatures.restore" if restoring else "signatures.invalidate"
    chosen = selection.described() | {"reason": reason}
    with db.writing() as session:
        done = change(session, selection)
        audit.add(session, action, selection.petition, actor, chosen, rows=done)
    counts.forget_cached()
    return done
