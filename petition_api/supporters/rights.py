"""A person's rights over their data: everything we hold (a subject-access answer),
and forgetting them everywhere.

Both start from an email address and reach every row tied to it: the supporter
and their consent history, every signature on every petition, second submissions
waiting to be answered, and mail. Forgetting keeps what the counts need (a
confirmed signature's state, district, status and dates, as retention does when
a petition's data is anonymised) and leaves an audit row that names nobody.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from .. import audit
from ..email_addresses import canonical_email
from ..models import (
    ConsentEvent,
    ConsentWording,
    DeliveryEvent,
    Outbox,
    Petition,
    Signature,
    SignedAgain,
    Status,
    Story,
    Supporter,
    SuppressedEmail,
)
from ..models.supporters import email_sha256, erase, keep_suppression_hashes, unsent
from ..retention.schedule import anonymise
from ..stories import reviewing
from ..stories.deleting import discard

# Never shown, even to the person: secrets and our own bookkeeping.
HIDDEN = {"confirm_token_hash", "counted", "duplicate_notices", "link_key"}


def held(session: Session, email: str) -> dict | None:
    """Everything we hold about the owner of `email`, as plain JSON-ready data;
    None when we hold nothing."""
    canonical = canonical_email(email)
    supporter = session.scalar(select(Supporter).where(Supporter.email_canonical == canonical))
    signatures = session.execute(
        select(Signature, Petition.slug)
        .join(Petition, Petition.id == Signature.petition_id)
        .where(Signature.email_canonical == canonical)
        .order_by(Signature.id)
    ).all()
    waiting = session.scalars(
        select(SignedAgain).where(SignedAgain.email_canonical == canonical)
    ).all()
    # A forgotten person who had agreed to updates: only this hash, for ad suppression.
    hashed = session.scalar(
        select(SuppressedEmail.id).where(SuppressedEmail.email_sha256 == email_sha256(email))
    )
    told = session.scalars(select(Story).where(Story.email_canonical == canonical)).all()
    if supporter is None and not signatures and not waiting and not told and hashed is None:
        return None
    signature_ids = [signature.id for signature, _ in signatures]
    mail_filter = Outbox.signature_id.in_(signature_ids)
    if supporter is not None:
        mail_filter = mail_filter | (Outbox.supporter_id == supporter.id)
    mail = session.scalars(select(Outbox).where(mail_filter).order_by(Outbox.id)).all()
    return {
        "email": email.strip(),
        "kept_as_a_hash_for_ad_suppression": hashed is not None,
        "supporter": _supporter(session, supporter) if supporter else None,
        "signatures": [{"petition": slug, **_columns(signature)} for signature, slug in signatures],
        "stories": [
            {**_columns(story), "consents": reviewing.history(session, story.id)} for story in told
        ],
        "submissions_waiting": [
            {"received_at": row.created_at.isoformat(), "petition_id": row.petition_id}
            for row in waiting
        ],
        "mail": [
            {
                "kind": row.kind,
                "status": str(row.status),
                "mailing_id": row.mailing_id,
                "queued_at": row.created_at.isoformat(),
                "sent_at": row.sent_at.isoformat() if row.sent_at else None,
                # A subject test's copy: the subject's letter, and whether in a sample.
                "subject": row.subject,
                "in_a_sample": row.sample,
            }
            for row in mail
        ],
    }


def _supporter(session: Session, supporter: Supporter) -> dict:
    history = session.execute(
        select(ConsentEvent, ConsentWording.text, Petition.slug)
        .outerjoin(ConsentWording, ConsentWording.id == ConsentEvent.wording_id)
        .outerjoin(Petition, Petition.id == ConsentEvent.petition_id)
        .where(ConsentEvent.supporter_id == supporter.id)
        .order_by(ConsentEvent.id)
    ).all()
    events = session.scalars(
        select(DeliveryEvent).where(DeliveryEvent.supporter_id == supporter.id)
    ).all()
    return {
        **_columns(supporter),
        "consents": [
            {
                "action": str(event.action),
                "wording": wording,
                "source": event.source,
                "petition": slug,
                "page": event.page,
                "mailing_id": event.mailing_id,
                "at": event.at.isoformat(),
            }
            for event, wording, slug in history
        ],
        "delivery_events": [
            {"kind": e.kind, "permanent": e.permanent, "source": e.source, "at": e.at.isoformat()}
            for e in events
        ],
    }


def _columns(row) -> dict:
    out = {}
    for column in row.__table__.columns:
        if column.key in HIDDEN or column.key.endswith("_id"):
            continue
        value = getattr(row, column.key)
        out[column.key] = (
            value.isoformat()
            if isinstance(value, datetime)
            else (str(value) if hasattr(value, "value") else value)
        )
    return out


def forget(session: Session, email: str, actor: str) -> dict[str, int]:
    """Erase the owner of `email` everywhere, keeping the counts exact; what was done,
    in numbers."""
    canonical = canonical_email(email)
    done = {"signatures anonymised": 0, "signatures deleted": 0, "messages deleted": 0}
    signatures = session.execute(
        select(Signature.id, Signature.status).where(Signature.email_canonical == canonical)
    ).all()
    # Confirmed (or confirmed, then invalidated by staff) signatures stay, nameless,
    # in the counts by state and district; never-confirmed ones counted nowhere.
    kept = [i for i, status in signatures if status in (Status.VALIDATED, Status.INVALIDATED)]
    dropped = [i for i, status in signatures if i not in kept]
    all_ids = [i for i, _ in signatures]
    supporter = session.scalar(select(Supporter).where(Supporter.email_canonical == canonical))
    theirs = Outbox.signature_id.in_(all_ids)
    if supporter is not None:
        theirs = theirs | (Outbox.supporter_id == supporter.id)
    # Mail not yet sent goes; mail already sent keeps its row (a mailing's figures)
    # with nothing that points at the person.
    done["messages deleted"] = unsent(session, theirs)
    session.execute(
        update(Outbox)
        .where(theirs)
        .values(signature_id=None, supporter_id=None, payload=None, last_error=None)
    )
    if supporter is not None:  # before the signatures lose the addresses they gave
        keep_suppression_hashes(session, [supporter.id], typed=(email,))
    if kept:
        done["signatures anonymised"] = anonymise(session, kept)
    if dropped:
        session.execute(Signature.unlink_referrals(dropped))
        done["signatures deleted"] = session.execute(
            delete(Signature).where(Signature.id.in_(dropped))
        ).rowcount
    session.execute(delete(SignedAgain).where(SignedAgain.email_canonical == canonical))
    theirs_told = select(Story.id).where(Story.email_canonical == canonical)
    done["stories deleted"] = discard(session, list(session.scalars(theirs_told)))
    done["supporter records deleted"] = erase(session, [supporter.id] if supporter else [])
    # In the same transaction: the erasure and its record stand or fall together.
    # No IP address in it either: a person forgetting themselves by their link sends theirs.
    audit.add(session, "supporters.forget", None, actor, done, rows=len(all_ids), keep_ip=False)
    return done
