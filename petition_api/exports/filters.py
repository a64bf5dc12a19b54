"""Which signatures an export or a delivery covers: status, state, district, dates."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime

from sqlalchemy import Select

from ..models import Signature, Status
from ..states import STATES

STATUSES = tuple(s.value for s in Status)


class FilterError(ValueError):
    """A filter parameter is wrong; the message says which and how."""


@dataclass(frozen=True)
class Filters:
    statuses: tuple[str, ...] = (Status.VALIDATED.value,)
    state: str | None = None
    district: str | None = None
    since: date | None = None
    until: date | None = None

    def as_dict(self) -> dict:
        """For the audit log: only what was asked, JSON-ready."""
        found = {k: v for k, v in asdict(self).items() if v}
        found["statuses"] = list(self.statuses)
        for key in ("since", "until"):
            if key in found:
                found[key] = found[key].isoformat()
        return found

    def apply(self, query: Select, petition_id: int) -> Select:
        query = query.where(Signature.petition_id == petition_id)
        if set(self.statuses) != set(STATUSES):
            query = query.where(Signature.status.in_(self.statuses))
        if self.state:
            query = query.where(Signature.state == self.state)
        if self.district:
            query = query.where(Signature.district == self.district)
        if self.since:
            query = query.where(Signature.created_at >= _midnight(self.since))
        if self.until:
            query = query.where(Signature.created_at < _midnight(self.until + timedelta(days=1)))
        return query


def _midnight(day: date) -> datetime:
    return datetime.combine(day, dtime(0), tzinfo=UTC)


def parse_filters(
    args, default_statuses: tuple[str, ...] = ("validated",), allowed=STATUSES
) -> Filters:
    """Filters from query parameters or CLI options (a dict-like of strings)."""
    raw_status = (args.get("status") or "").strip().lower()
    if raw_status == "all":
        statuses = tuple(allowed)
    elif raw_status:
        statuses = tuple(dict.fromkeys(s.strip() for s in raw_status.split(",") if s.strip()))
        wrong = [s for s in statuses if s not in allowed]
        if wrong or not statuses:
            raise FilterError(f"status must be one or more of {', '.join(allowed)} (or all)")
    else:
        statuses = default_statuses
    state = (args.get("state") or "").strip().upper() or None
    if state and state not in STATES:
        raise FilterError("state must be a two-letter code like NY")
    district = (args.get("district") or "").strip().upper() or None
    if district and (len(district) != 5 or district[2] != "-" or district[:2] not in STATES):
        raise FilterError("district must look like NY-12 or AK-AL")
    since, until = _date(args, "since"), _date(args, "until")
    if since and until and since > until:
        raise FilterError("since must not be after until")
    return Filters(statuses, state, district, since, until)


def _date(args, name: str) -> date | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(f"{name} must be a date like 2026-11-25") from None
