"""Double opt-in: a signature counts once its signer presses the emailed button.

Opening the link (GET) only shows a page with a button; the button POSTs. Mail
scanners and link previews open links, but do not press buttons, so they
cannot confirm on someone's behalf.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select, update

from . import db, mail
from .models import Petition, Signature, Status, utcnow
from .signing import token_hash

bp = Blueprint("confirming", __name__)

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def find(session, token: str):
    """The signature and petition a token belongs to, or (None, None)."""
    if not 20 <= len(token) <= 100:
        return None, None
    row = session.execute(
        select(Signature, Petition)
        .join(Petition, Petition.id == Signature.petition_id)
        .where(Signature.confirm_token_hash == token_hash(token))
    ).first()
    return (row[0], row[1]) if row else (None, None)


@bp.get("/confirm/<token>")
def show(token: str):
    signature, petition = find(db.session(), token)
    return page(signature, petition, token, pressed=False)


@bp.post("/confirm/<token>")
def confirm(token: str):
    with db.write_session() as session:
        signature, petition = find(session, token)
        if signature is not None and _confirmable(signature):
            # The status guard makes a double press (two tabs) confirm once.
            done = session.execute(
                update(Signature)
                .where(Signature.id == signature.id, Signature.status == Status.PENDING)
                .values(status=Status.VALIDATED, validated_at=utcnow())
            ).rowcount
            if done:
                mail.enqueue(session, mail.THANKS, signature.id)
            session.refresh(signature)
    return page(signature, petition, token, pressed=True)


def _confirmable(signature: Signature) -> bool:
    return signature.status == Status.PENDING and signature.confirm_expires_at > utcnow()


def page(signature, petition, token: str, pressed: bool):
    if signature is None or signature.status in (Status.FRAUDULENT, Status.INVALIDATED):
        return render_template("confirm/unknown.html"), 404, NO_STORE
    if signature.status == Status.VALIDATED:
        state = "confirmed" if pressed else "already"
        return render_template(f"confirm/{state}.html", petition=petition), 200, NO_STORE
    if signature.confirm_expires_at <= utcnow():
        return render_template("confirm/expired.html", petition=petition), 410, NO_STORE
    return render_template("confirm/ask.html", petition=petition, token=token), 200, NO_STORE
