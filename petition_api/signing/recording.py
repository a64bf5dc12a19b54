"""Storing a checked signature once per person; a second one is queued for the worker.

New, duplicate and suspicious submissions all leave the same trace for the
submitter (none, in the same time), so nobody can learn whether an email
address has signed; only the address's owner hears about it, by email.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app

from .. import db
from ..email_addresses import canonical_email
from ..mail import outbox, signed_again
from ..models import Signature, utcnow
from ..petitions.lookup import OpenPetition
from ..ratelimits import client_ip
from . import referrals
from .abuse import FLAG_ONLY
from .form import SignatureForm


def record(petition: OpenPetition, form: SignatureForm, verdict: str | None) -> str:
    """Store a checked signature; `verdict` is the abuse checks' (abuse.judge).
    Returns the referral code for the signer's share links.

    A first signature and a second one from the same address cost the same two
    statements here: the second is only queued, and the mail worker answers it
    (mail/signed_again.py), so timing cannot tell whether an address has signed.
    For the same reason every submission is answered with a fresh code: a second
    one's is only kept if the worker ends up storing its row, so the links it
    tags may count for nobody (the confirmed page's and the email's carry the
    code the signature kept).
    """
    token = secrets.token_urlsafe(32)
    set_aside = verdict is not None and verdict not in FLAG_ONLY
    submitted = submission(petition, form, set_aside, verdict, token)
    with db.writing() as session:
        # Prepared Core statements on the transaction's connection: building an
        # INSERT per request and the ORM's unit of work cost more CPU than the
        # rest of the request (bench/profile_sign.py).
        connection = session.connection()
        # A third statement only for a signature that came through a share link.
        submitted |= referrals.referred(connection, form.ref.data)
        insert_unless_signed = Signature.insert_unless_signed(connection.dialect.name)
        new_id = connection.execute(insert_unless_signed, submitted).scalar()
        if set_aside:
            # No mail for a bot; a bare mark, which the worker drops, is its second
            # statement, so a bot's probe also costs the same whether or not the
            # address signed (make bench: sign.timing.set_aside.*).
            signed_again.queue(connection, None, token)
        elif new_id is None:
            signed_again.queue(connection, submitted, token)
        else:
            mail = outbox.message(outbox.CONFIRM, new_id, {"token": token})
            connection.execute(outbox.insert_statement(), mail)
    return submitted["referral_code"]


def submission(
    petition: OpenPetition, form: SignatureForm, set_aside: bool, reason: str | None, token: str
) -> dict:
    now = utcnow()
    person = form.stored() | {
        "petition_id": petition.id,
        "email_canonical": canonical_email(form.email.data),
        "petition_version": petition.version,
        "updates_consent_id": petition.updates_consent_id if form.email_updates.data else None,
        # Only a comment can be shared, and only with the words the box showed.
        "comment_share_consent_id": (
            petition.comment_share_consent_id
            if form.comment_shareable.data and form.comment.data
            else None
        ),
        # Only a variant the petition declares: the form's is its page's (campaign_site).
        "variant": petition.variant_named(form.variant.data),
        "ip": client_ip()[:45],
        "created_at": now,
        "referral_code": Signature.new_referral_code(),
        **referrals.NOBODY,
    }
    expires = now + timedelta(days=current_app.config["CONFIRM_TOKEN_DAYS"])
    return Signature.submitted(person, set_aside, reason, token, expires)
