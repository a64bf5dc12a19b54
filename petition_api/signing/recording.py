"""Storing a checked signature once per person, and what a second one sets off.

New, duplicate and suspicious submissions all leave the same trace for the
submitter (none), so nobody can learn whether an email address has signed;
only the address's owner hears about it, by email.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import Connection, Insert, insert

from .. import db
from ..mail import outbox
from ..models import Outbox, Signature, Status, utcnow
from ..petitions.lookup import OpenPetition
from ..ratelimits import client_ip
from .abuse import FLAG_ONLY
from .form import SignatureForm, canonical_email


def record(petition: OpenPetition, form: SignatureForm, verdict: str | None) -> None:
    """Store a checked signature; `verdict` is the abuse checks' (abuse.judge)."""
    token = secrets.token_urlsafe(32)
    set_aside = verdict is not None and verdict not in FLAG_ONLY
    submitted = submission(petition, form, set_aside, verdict, token)
    with db.writing() as session:
        # Prepared Core statements on the transaction's connection: building an
        # INSERT per request and the ORM's unit of work cost more CPU than the
        # rest of the request (bench/profile_sign.py).
        connection = session.connection()
        insert_unless_signed = Signature.insert_unless_signed(connection.dialect.name)
        new_id = connection.execute(insert_unless_signed, submitted).scalar()
        if new_id is not None:
            if not set_aside:
                payload = {"token": token}
                connection.execute(_outbox_insert(), _mail(outbox.CONFIRM, new_id, payload))
        elif not set_aside:
            answer_duplicate(connection, petition, submitted, token)


def submission(
    petition: OpenPetition, form: SignatureForm, set_aside: bool, reason: str | None, token: str
) -> dict:
    now = utcnow()
    person = form.stored() | {
        "petition_id": petition.id,
        "email_canonical": canonical_email(form.email.data),
        "petition_version": petition.version,
        "updates_consent_id": petition.updates_consent_id if form.email_updates.data else None,
        "ip": client_ip()[:45],
        "created_at": now,
    }
    expires = now + timedelta(days=current_app.config["CONFIRM_TOKEN_DAYS"])
    return Signature.submitted(person, set_aside, reason, token, expires)


def answer_duplicate(
    connection: Connection, petition: OpenPetition, submitted: dict, token: str
) -> None:
    """Someone signs again with an address that has signed: tell the address, not the submitter."""
    canonical = submitted["email_canonical"]
    cap = current_app.config["DUPLICATE_NOTICE_CAP"]
    existing = connection.execute(
        Signature.take_duplicate_notice(petition.id, canonical, cap, utcnow())
    ).first()
    if existing is None:
        # Capped, or invalidated by staff: no message. A pending signature still
        # takes the newest words, confirmed through the link already sent.
        connection.execute(Signature.reword_pending(petition.id, canonical, submitted))
        return
    if existing.status == Status.VALIDATED:
        kind, payload = outbox.ALREADY_SIGNED, None
    elif existing.status == Status.PENDING:
        kind, payload = outbox.CONFIRM_AGAIN, {"token": token}
        connection.execute(Signature.renew_pending(existing.id, submitted))
    else:
        kind, payload = outbox.CONFIRM, {"token": token}
        connection.execute(Signature.replace_fraudulent(existing.id, submitted))
    connection.execute(_outbox_insert(), _mail(kind, existing.id, payload))


def _mail(kind: str, signature_id: int, payload: dict | None) -> dict:
    return {"kind": kind, "signature_id": signature_id, "payload": payload}


@cache
def _outbox_insert() -> Insert:
    """outbox.enqueue as one prepared INSERT (the model's defaults apply)."""
    return insert(Outbox.__table__)
