"""A confirmed signature makes (or refreshes) a supporter, and consent is recorded.

Only a confirmed address with a ticked updates box becomes `subscribed`: the
confirmation proved the address, the box gave the consent. A confirmed
signature without the box makes a supporter who receives no updates.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import (
    ConsentAction,
    ConsentEvent,
    EmailStatus,
    Petition,
    Signature,
    Supporter,
    new_link_key,
)
from ..models.supporters import withdrawn

__all__ = ["consented", "joined", "withdrawn"]

PERSONAL = ("email", "first_name", "last_name", "city", "state", "zip", "district")


def joined(session: Session, signature: Signature, petition: Petition, now: datetime) -> Supporter:
    """The signer of a just-confirmed signature, as a supporter, with its consent."""
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    details = {name: getattr(signature, name) for name in PERSONAL}
    # Two petitions confirmed at once by one address make one supporter.
    session.execute(
        dialect.insert(Supporter)
        .values(
            email_canonical=signature.email_canonical,
            status=EmailStatus.UNSUBSCRIBED,
            link_key=new_link_key(),
            created_at=now,
            status_changed_at=now,
            **details,
        )
        .on_conflict_do_nothing(index_elements=["email_canonical"])
    )
    supporter = session.scalar(
        select(Supporter)
        .where(Supporter.email_canonical == signature.email_canonical)
        .with_for_update()
    )
    for name, value in details.items():  # the newest confirmed signature's details
        setattr(supporter, name, value)
    if signature.updates_consent_id is not None:
        consented(
            session,
            supporter,
            signature.updates_consent_id,
            "signature",
            now,
            petition_id=petition.id,
            page=signature.page,
        )
    return supporter


def consented(
    session: Session,
    supporter: Supporter,
    wording_id: int,
    source: str,
    now: datetime,
    petition_id: int | None = None,
    page: str | None = None,
) -> None:
    """Consent given: recorded, and the address subscribed, unless its owner's mail
    provider reported a complaint (only the person lifts that, on the preferences page)."""
    session.add(
        ConsentEvent(
            supporter_id=supporter.id,
            action=ConsentAction.GIVEN,
            wording_id=wording_id,
            source=source,
            petition_id=petition_id,
            page=page,
            at=now,
        )
    )
    if supporter.status != EmailStatus.SPAM_COMPLAINT or source == "preferences":
        supporter.status = EmailStatus.SUBSCRIBED
        supporter.status_changed_at = now
