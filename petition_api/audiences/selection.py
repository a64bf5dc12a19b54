"""Who an audience export holds, and who it leaves out and why.

Only supporters whose email status is `subscribed` (they gave updates consent,
and have not withdrawn it, bounced or complained) are in a retargeting or CRM
list. Filters narrow the supporters considered: `petitions` (signed one of
them, confirmed) and `since` (a confirmed signature on or after that day).
A supporter who chose updates only about the petitions they signed is in a list
of chosen petitions, never in one of the whole campaign. The suppression list is
the reverse, never filtered: every address of people who agreed and withdrew,
complained or bounced, and the hashes kept of people who are gone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Select, String, case, cast, exists, func, select, union
from sqlalchemy.orm import Session

from ..models import (
    ConsentAction,
    ConsentEvent,
    EmailStatus,
    Petition,
    Scope,
    Signature,
    Status,
    Supporter,
)


class ChoiceError(ValueError):
    """A filter is wrong; the message says which and how."""


@dataclass(frozen=True)
class Choice:
    petitions: tuple[str, ...] = ()
    since: date | None = None
    petition_ids: tuple[int, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict:
        """For the audit log: only what was asked."""
        found: dict = {}
        if self.petitions:
            found["petitions"] = list(self.petitions)
        if self.since:
            found["since"] = self.since.isoformat()
        return found


def parse(session: Session, petitions: list[str], since: str | None) -> Choice:
    """A Choice from query parameters or CLI options; ChoiceError names what is wrong."""
    slugs = tuple(dict.fromkeys(p.strip() for p in petitions if p.strip()))
    found = {
        slug: petition_id
        for slug, petition_id in session.execute(
            select(Petition.slug, Petition.id).where(Petition.slug.in_(slugs))
        )
    }
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise ChoiceError(f"petition: there is no petition called {missing[0]!r}")
    day = None
    if since:
        try:
            day = date.fromisoformat(since.strip())
        except ValueError:
            raise ChoiceError("since must be a date like 2026-11-25") from None
    return Choice(slugs, day, tuple(found[slug] for slug in slugs))


def _considered(choice: Choice):
    """The supporters the filters leave in play, as a WHERE clause (or None: all)."""
    if not choice.petition_ids and choice.since is None:
        return None
    signed = select(Signature.id).where(
        Signature.email_canonical == Supporter.email_canonical,
        Signature.status == Status.VALIDATED,
    )
    if choice.petition_ids:
        signed = signed.where(Signature.petition_id.in_(choice.petition_ids))
    if choice.since:
        midnight = datetime.combine(choice.since, datetime.min.time(), tzinfo=UTC)
        signed = signed.where(Signature.validated_at >= midnight)
    return signed.exists()


def _ever_consented():
    return exists(
        select(ConsentEvent.id).where(
            ConsentEvent.supporter_id == Supporter.id,
            ConsentEvent.action == ConsentAction.GIVEN,
        )
    )


def petitions_signed(dated: bool = False, among: tuple[int, ...] = ()):
    """The slugs of the petitions a supporter confirmed a signature on, comma-separated,
    only `among` these when given (a list for one petition says nothing of the others);
    `dated`: each followed by a space and when it was signed."""
    item = Petition.slug
    if dated:
        item = Petition.slug + " " + cast(Signature.created_at, String)
    query = (
        select(func.aggregate_strings(item, ","))
        .join(Signature, Signature.petition_id == Petition.id)
        .where(
            Signature.email_canonical == Supporter.email_canonical,
            Signature.status == Status.VALIDATED,
        )
    )
    if among:
        query = query.where(Signature.petition_id.in_(among))
    return query.scalar_subquery()


# What every list needs, and what only OSDI adds.
CONTACT = (
    Supporter.email,
    Supporter.first_name,
    Supporter.last_name,
    Supporter.city,
    Supporter.state,
    Supporter.zip,
)
PERSON = (
    Supporter.id,
    *CONTACT,
    Supporter.district,
    Supporter.created_at,
    Supporter.status_changed_at,
)


def subscribed(choice: Choice, petitions: str | None, person: bool = False) -> Select:
    """The rows of a retargeting or CRM list, in supporter order; `petitions`: None,
    "slugs" or "dated" (a column `petitions`, see petitions_signed); `person`: OSDI's
    columns as well. A supporter who chose updates only about the petitions they signed
    is in a list only when it is of chosen petitions (they signed one of them)."""
    columns = [*(PERSON if person else CONTACT)]
    if petitions:
        among = choice.petition_ids
        columns.append(petitions_signed(petitions == "dated", among).label("petitions"))
    query = select(*columns).where(Supporter.status == EmailStatus.SUBSCRIBED)
    if not choice.petition_ids:
        query = query.where(Supporter.scope == Scope.ALL)
    considered = _considered(choice)
    if considered is not None:
        query = query.where(considered)
    return query.order_by(Supporter.id)


def withdrawn() -> Select:
    """Every address of the people who agreed to updates and no longer receive them
    (withdrew, complained, bounced): the supporter's own, and each their signatures
    gave, as an upload months ago may hold an older one. Never narrowed by filters: an
    audience uploaded before may have held anyone."""
    gone = select(Supporter.email_canonical).where(
        (Supporter.status == EmailStatus.SPAM_COMPLAINT)
        | (
            Supporter.status.in_([EmailStatus.UNSUBSCRIBED, EmailStatus.BOUNCING])
            & _ever_consented()
        )
    )
    theirs = select(Supporter.email).where(Supporter.email_canonical.in_(gone))
    signed = select(Signature.email).where(
        Signature.email_canonical.in_(gone), Signature.email != ""
    )
    return union(theirs, signed)


REASONS = ("no_consent", "unsubscribed", "bouncing", "complained", "only_petitions_signed")


def left_out(session: Session, choice: Choice) -> dict[str, int]:
    """Supporters considered but not in a retargeting or CRM list, by reason."""
    reason = case(
        (Supporter.status == EmailStatus.SUBSCRIBED, "only_petitions_signed"),
        (Supporter.status == EmailStatus.BOUNCING, "bouncing"),
        (Supporter.status == EmailStatus.SPAM_COMPLAINT, "complained"),
        (_ever_consented(), "unsubscribed"),
        else_="no_consent",
    )
    query = select(reason, func.count()).group_by(reason)
    out = Supporter.status != EmailStatus.SUBSCRIBED
    if not choice.petition_ids:
        out = out | (Supporter.scope != Scope.ALL)
    query = query.where(out)
    considered = _considered(choice)
    if considered is not None:
        query = query.where(considered)
    counts = Counter(dict.fromkeys(REASONS, 0))
    counts.update(dict(session.execute(query).all()))
    return dict(counts)
