"""Double opt-in: a signature counts once its signer presses the emailed button.

Opening the link (GET) only shows a page with a button; the button POSTs. Mail
scanners and link previews open links, but do not press buttons, so they
cannot confirm on someone's behalf.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from .. import db, openapi
from ..congress import recipients
from ..mail import outbox, signed_again
from ..models import ConsentWording, Petition, Signature, Status, utcnow
from ..petitions import sharing
from ..ratelimits import per_address
from ..supporters import people

bp = Blueprint("confirming", __name__, template_folder="templates")

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def find(session: Session, token: str) -> tuple[Signature | None, Petition | None]:
    """The signature and petition a token belongs to, or (None, None)."""
    if not 20 <= len(token) <= 100:
        return None, None
    row = session.execute(
        Signature.with_token(token)
        .add_columns(Petition)
        .join(Petition, Petition.id == Signature.petition_id)
    ).first()
    return (row[0], row[1]) if row else (None, None)


@bp.get("/confirm/<token>")
@per_address
def show(token: str):
    signature, petition, replaced = as_it_stands(token)
    if replaced:
        return _replaced_page(petition)
    return page(signature, petition, token, pressed=False)


@bp.post("/confirm/<token>")
@per_address
def confirm(token: str):
    # Read first: a guessed or used link never takes the write lock (on SQLite,
    # the one every signer needs).
    signature, petition, replaced = as_it_stands(token)
    if replaced:
        return _replaced_page(petition)
    if signature is not None and signature.confirmable(utcnow()):
        confirmed = False
        with db.writing() as session:
            # Read again under the write lock: the words may have changed since the page.
            signature = session.scalar(
                select(Signature).where(Signature.id == signature.id).with_for_update()
            )
            shown = request.form.get("shown")  # absent from a bare POST (curl)
            if shown is not None and shown != signature.words():
                return page(signature, petition, token, pressed=False, changed=True)
            now = utcnow()
            code = None if signature.referral_code else Signature.new_referral_code()
            if session.execute(Signature.validate(signature.id, token, now, code)).rowcount:
                supporter = people.joined(session, signature, petition, now)
                outbox.enqueue(session, outbox.THANKS, signature.id, supporter_id=supporter.id)
                confirmed = True
            # A newer submission came in this very moment (validate waits for its answer).
            elif signed_again.waiting_for(
                session, signature.petition_id, signature.email_canonical
            ):
                return _newer_page(petition)
            else:
                session.refresh(signature)
        if confirmed:  # rendered once committed: the write lock is not held for a page
            return _confirmed(petition, signature)
    return page(signature, petition, token, pressed=True)


def as_it_stands(token: str) -> tuple[Signature | None, Petition | None, bool]:
    """The link's signature and petition, and whether the link was just replaced.

    A later submission from the address may wait for the worker: its words will
    replace these (maybe with a new link). It is answered here first, as the
    worker would, so nobody confirms words about to go and nobody can hold a
    link off by signing again and again.
    """
    with db.reading() as session:
        signature, petition = find(session, token)
        waits = (
            signature is not None
            and signature.confirmable(utcnow())
            and signed_again.waiting_for(session, signature.petition_id, signature.email_canonical)
        )
    if not waits:
        return signature, petition, False
    config = current_app.config
    try:
        with db.writing() as session:
            signed_again.answer_address(
                session,
                signature.petition_id,
                signature.email_canonical,
                config["DUPLICATE_NOTICE_CAP"],
                utcnow(),
            )
    except OperationalError:
        return signature, petition, False  # the worker holds its turn; validate waits for it
    with db.reading() as session:
        now = find(session, token)[0]
    return now, petition, now is None  # None: the answer sent a newer link


def _confirmed(petition: Petition, signature: Signature):
    """Counted: who will receive it, ways to share it, and an invitation to tell a story."""
    site = current_app.config["SITE_URL"]
    links = sharing.share_links(petition, site, content="confirmed", ref=signature.referral_code)
    page_html = render_template(
        "confirming/confirmed.html",
        petition=petition,
        signature=signature,
        petition_url=sharing.petition_url(petition, site),
        offices=recipients.for_signature(signature),
        share_links=links,
        shared=sharing.offered(petition, site, links),
        story_url=sharing.story_url(petition, site),
    )
    return page_html, 200, NO_STORE


def page(signature, petition, token: str, pressed: bool, changed: bool = False):
    if signature is None or signature.status in (Status.FRAUDULENT, Status.INVALIDATED):
        return render_template("confirming/unknown.html"), 404, NO_STORE
    if signature.status == Status.VALIDATED:
        if pressed:
            return _confirmed(petition, signature)
        return render_template("confirming/already.html", petition=petition), 200, NO_STORE
    if signature.confirm_expires_at <= utcnow():
        return render_template("confirming/expired.html", petition=petition), 410, NO_STORE
    page_html = render_template(
        "confirming/ask.html",
        petition=petition,
        signature=signature,
        token=token,
        changed=changed,
        consent=_consent_text(signature),
    )
    return page_html, 200, NO_STORE


def _newer_page(petition: Petition):
    return render_template("confirming/newer.html", petition=petition), 409, NO_STORE


def _replaced_page(petition: Petition):
    return render_template("confirming/replaced.html", petition=petition), 409, NO_STORE


def _consent_text(signature: Signature | None) -> str | None:
    if signature is None or signature.updates_consent_id is None:
        return None
    with db.reading() as session:
        return session.scalar(
            select(ConsentWording.text).where(ConsentWording.id == signature.updates_consent_id)
        )


_responses = {
    "404": {"description": "unknown link"},
    "409": {
        "description": "a newer submission from this address replaced this link, or is "
        "being answered this moment"
    },
    "410": {"description": "expired link"},
}
openapi.describe(
    bp,
    {
        "/confirm/{token}": {
            "get": {
                "summary": "The confirmation page (a button; opening it confirms nothing)",
                "parameters": [openapi.TOKEN],
                "responses": {"200": {"description": "page with the button"}, **_responses},
            },
            "post": {
                "summary": "Confirm the signature (the button)",
                "parameters": [openapi.TOKEN],
                "responses": {"200": {"description": "confirmed"}, **_responses},
            },
        }
    },
)
