"""Who an audience export holds, and who it leaves out and why.

Only supporters whose email status is `subscribed` (they gave updates consent,
and have not withdrawn it, bounced or complained) are in a retargeting or CRM
list. Filters narrow the supporters considered: `petitions` (signed one of
them, confirmed) and `since` (a confirmed signature on or after that day).
The suppression list is the reverse: people who withdrew their consent or
complained (among those considered), and every forgotten person's hashed email.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Select, String, case, cast, exists, func, select
from sqlalchemy.orm import Session

from ..models import (
    ConsentAction,
    ConsentEvent,
    EmailStatus,
    Petition,
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


def petitions_signed(dated: bool = False):
    """The slugs of the petitions a supporter confirmed a signature on, comma-separated;
    `dated`: each followed by a space and when it was confirmed."""
    item = Petition.slug
    if dated:
        item = Petition.slug + " " + cast(Signature.validated_at, String)
    return (
        select(func.aggregate_strings(item, ","))
        .join(Signature, Signature.petition_id == Petition.id)
        .where(
            Signature.email_canonical == Supporter.email_canonical,
            Signature.status == Status.VALIDATED,
        )
        .scalar_subquery()
    )


PERSON = (
    Supporter.id,
    Supporter.email,
    Supporter.first_name,
    Supporter.last_name,
    Supporter.city,
    Supporter.state,
    Supporter.zip,
    Supporter.district,
    Supporter.created_at,
    Supporter.status_changed_at,
)


def subscribed(choice: Choice, petitions: str | None) -> Select:
    """The rows of a retargeting or CRM list, in supporter order; `petitions`: None,
    "slugs" or "dated" (a column `petitions`, see petitions_signed)."""
    columns = [*PERSON]
    if petitions:
        columns.append(petitions_signed(petitions == "dated").label("petitions"))
    query = select(*columns).where(Supporter.status == EmailStatus.SUBSCRIBED)
    considered = _considered(choice)
    if considered is not None:
        query = query.where(considered)
    return query.order_by(Supporter.id)


def withdrawn(choice: Choice) -> Select:
    """The emails of people who withdrew consent or complained (suppression list)."""
    query = select(Supporter.email).where(
        (Supporter.status == EmailStatus.SPAM_COMPLAINT)
        | ((Supporter.status == EmailStatus.UNSUBSCRIBED) & _ever_consented())
    )
    considered = _considered(choice)
    if considered is not None:
        query = query.where(considered)
    return query.order_by(Supporter.id)


REASONS = ("no_consent", "unsubscribed", "bouncing", "complained")


def left_out(session: Session, choice: Choice) -> dict[str, int]:
    """Supporters considered but not in a retargeting or CRM list, by reason."""
    reason = case(
        (Supporter.status == EmailStatus.BOUNCING, "bouncing"),
        (Supporter.status == EmailStatus.SPAM_COMPLAINT, "complained"),
        (_ever_consented(), "unsubscribed"),
        else_="no_consent",
    )
    query = (
        select(reason, func.count())
        .where(Supporter.status != EmailStatus.SUBSCRIBED)
        .group_by(reason)
    )
    considered = _considered(choice)
    if considered is not None:
        query = query.where(considered)
    counts = Counter(dict.fromkeys(REASONS, 0))
    counts.update(dict(session.execute(query).all()))
    return dict(counts)
