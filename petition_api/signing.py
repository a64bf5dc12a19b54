"""A signature's way in: checked, stored once per person, answered the same way.

New, duplicate and suspicious submissions all get the same answer, so nobody
can learn from it whether an email address has signed.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from flask import Blueprint, abort, current_app, redirect, render_template, request
from sqlalchemy import Insert, insert, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from . import abuse, db, mail
from .models import Outbox, Signature, Status, utcnow
from .petitions import OpenPetition, open_for_signing
from .signature_form import SignatureForm, canonical_email, to_formdata, tracking

bp = Blueprint("signing", __name__)

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
JSON_ACCEPTED = {"status": "pending"}


@bp.post("/api/petitions/<slug>/signatures")
@abuse.limiter.limit(abuse.ip_hard_limit, key_func=abuse.client_ip, scope="sign-ip")
@abuse.limiter.limit(abuse.petition_limit, key_func=abuse.petition_key, scope="sign-petition")
def sign(slug: str):
    petition = open_for_signing(slug)
    is_json, form_data = read_body()
    form = SignatureForm(form_data)
    if not form.validate():
        return refused(form, petition, is_json)
    record(petition, form, form_data, abuse.judge(form_data, slug))
    if is_json:
        return JSON_ACCEPTED, 201
    return redirect(thanks_url(petition), code=303)


@bp.get("/api/petitions/<slug>/form-token")
def form_token(slug: str):
    petition = open_for_signing(slug)
    return {"form_token": abuse.issue_form_token(petition.slug)}, 200, {"Cache-Control": "no-store"}


def read_body():
    """(is_json, form data) from a JSON or form-encoded body; 415 for anything else."""
    if request.mimetype == "application/json":
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            abort(400, description="The body must be a JSON object of signature fields.")
        wrong = sorted(
            k
            for k, v in payload.items()
            if k in SignatureForm.__dict__ and isinstance(v, dict | list)
        )
        if wrong:
            abort(
                400,
                description=f"These fields must be text, not lists or objects: {', '.join(wrong)}.",
            )
        return True, to_formdata(payload)
    if request.mimetype in FORM_TYPES:
        return False, request.form
    abort(415, description="Send the signature as application/json or a form post.")


def refused(form: SignatureForm, petition: OpenPetition, is_json: bool):
    if is_json:
        return {"errors": form.errors}, 422
    return render_template("sign_errors.html", form=form, petition=petition), 422


def thanks_url(petition: OpenPetition) -> str:
    site = current_app.config["SITE_URL"].rstrip("/")
    return site + (petition.thanks_page or petition.page)


def record(petition: OpenPetition, form: SignatureForm, form_data, fraud: str | None) -> None:
    token = secrets.token_urlsafe(32)
    values = signature_values(petition, form, form_data, fraud, token)
    # Statements built once and run on a plain connection: building an INSERT
    # per request, the unit of work and the session cost more CPU than the rest
    # of the request (bench/profile_sign.py).
    with db.write_connection() as connection:
        new_id = connection.execute(insert_unless_signed(connection.dialect.name), values).scalar()
        if new_id is not None:
            if fraud is None:
                connection.execute(
                    outbox_insert(),
                    {"kind": mail.CONFIRM, "signature_id": new_id, "payload": {"token": token}},
                )
        elif fraud is None:
            # The rare path keeps the ORM; the session joins this transaction.
            with Session(bind=connection) as session:
                answer_duplicate(session, petition, values, token)
                session.flush()


def signature_values(petition, form, form_data, fraud, token) -> dict:
    now = utcnow()
    return {
        "petition_id": petition.id,
        "status": Status.FRAUDULENT if fraud else Status.PENDING,
        "fraud_reason": fraud,
        "first_name": form.first_name.data,
        "last_name": form.last_name.data,
        "email": form.email.data,
        "email_canonical": canonical_email(form.email.data),
        "street": form.street.data or None,
        "city": form.city.data or None,
        "state": form.state.data,
        "zip": form.zip.data,
        "district": form.district.data or None,
        "comment": form.comment.data or None,
        "petition_version": petition.version,
        "updates_consent_id": petition.updates_consent_id if form.email_updates.data else None,
        "ip": abuse.client_ip()[:45],
        "confirm_token_hash": None if fraud else token_hash(token),
        "confirm_expires_at": now + timedelta(days=current_app.config["CONFIRM_TOKEN_DAYS"]),
        "created_at": now,
        **tracking(form_data),
    }


@cache
def insert_unless_signed(dialect_name: str) -> Insert:
    """INSERT .. ON CONFLICT DO NOTHING RETURNING id: the unique constraint decides.

    Built once per dialect; the values are bound at execution.
    """
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    table = Signature.__table__
    return (
        dialect.insert(table)
        .on_conflict_do_nothing(index_elements=["petition_id", "email_canonical"])
        .returning(table.c.id)
    )


@cache
def outbox_insert() -> Insert:
    """What mail.enqueue adds, as one prepared INSERT (the model's defaults apply)."""
    return insert(Outbox.__table__)


def answer_duplicate(session: Session, petition: OpenPetition, values: dict, token: str) -> None:
    """Someone signs again with an address that has signed: tell the address, not the submitter."""
    # Taking a notice from the cap and reading the status in one statement
    # keeps the cap exact when duplicates arrive at the same moment.
    existing = session.execute(
        update(Signature)
        .where(
            Signature.petition_id == petition.id,
            Signature.email_canonical == values["email_canonical"],
            Signature.duplicate_notices < current_app.config["DUPLICATE_NOTICE_CAP"],
            Signature.status != Status.INVALIDATED,
        )
        .values(duplicate_notices=Signature.duplicate_notices + 1)
        .returning(Signature.id, Signature.status)
    ).first()
    if existing is None:
        return  # capped, or invalidated by staff: nothing more to say
    changes = {}
    if existing.status == Status.VALIDATED:
        kind, payload = mail.ALREADY_SIGNED, None
    elif existing.status == Status.PENDING:
        # A fresh link, in case the first message was lost or has expired.
        kind, payload = mail.CONFIRM_AGAIN, {"token": token}
        changes = {
            "confirm_token_hash": values["confirm_token_hash"],
            "confirm_expires_at": values["confirm_expires_at"],
        }
    else:
        # A bot may have used this person's address first; their own clean
        # submission replaces it, and confirming still proves the address.
        kind, payload = mail.CONFIRM, {"token": token}
        changes = {k: v for k, v in values.items() if k not in ("petition_id", "created_at")}
    if changes:
        session.execute(update(Signature).where(Signature.id == existing.id).values(**changes))
    mail.enqueue(session, kind, existing.id, payload)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
