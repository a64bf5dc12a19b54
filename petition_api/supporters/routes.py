"""The pages every email links to: unsubscribe, preferences, and a person's data.

The links carry a secret: a supporter's link key (it never expires, so a link in
a years-old email still unsubscribes), or, before anyone confirmed, the
confirmation token the email carried. Opening a link changes nothing; every
action is a POST, and forgetting asks twice. The pages show the address and
the choice, nothing else about the person.

`POST /unsubscribe/<key>` with `List-Unsubscribe=One-Click` is RFC 8058's
one-click unsubscribe, which mail providers send with no cookie and no page.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import select

from .. import db, openapi
from ..mail import outbox
from ..models import Mailing, Outbox, Scope, Signature, Supporter, utcnow
from ..petitions.manifest import consent_wording
from ..ratelimits import per_address, per_address_unless
from . import people, rights

bp = Blueprint("supporters", __name__, template_folder="templates")

COPY_INTERVAL = timedelta(days=1)
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
PREFERENCES_WORDING = (
    "Email me updates about {choice}. I can unsubscribe at any time with one click."
)
CHOICES = {
    Scope.ALL: "this campaign's petitions",
    Scope.SIGNED: "the petitions I signed",
}
# The choice said back to the person.
SAVED = {
    Scope.ALL: "every petition of this campaign",
    Scope.SIGNED: "the petitions you signed",
}


def _supporter(session, key: str, lock: bool = False) -> Supporter | None:
    """The supporter a link's secret stands for: their link key, or the unexpired
    confirmation token of one of their signatures (the links in confirmation emails;
    the thank-you and every later email carry the key, which never expires)."""
    if not 20 <= len(key) <= 100:
        return None
    query = select(Supporter).where(Supporter.link_key == key)
    found = session.scalar(query.with_for_update() if lock else query)
    if found is None:
        signed = select(Signature.email_canonical).where(
            Signature.confirm_token_hash == Signature.token_hash(key),
            Signature.confirm_expires_at > utcnow(),
        )
        query = select(Supporter).where(Supporter.email_canonical.in_(signed))
        found = session.scalar(query.with_for_update() if lock else query)
    return found


def _known(key: str) -> bool:
    """Is anyone behind this link? Asked in a read before any write transaction, which
    on SQLite takes the database's one write lock: a flood of made-up links must not."""
    with db.reading() as session:
        return _supporter(session, key) is not None or _pending(session, key) is not None


def _mailing_id(session) -> int | None:
    """The mailing the link came in (`?m=`), if there is such a mailing."""
    mailing = request.args.get("m", "")
    if not (mailing.isdigit() and len(mailing) < 10):
        return None
    return session.scalar(select(Mailing.id).where(Mailing.id == int(mailing)))


def _page(template: str, status: int = 200, **context):
    return render_template(f"supporters/{template}.html", **context), status, NO_STORE


@bp.get("/unsubscribe/<key>")
@per_address
def unsubscribe_page(key: str):
    with db.reading() as session:
        supporter = _supporter(session, key)
        mailing = _mailing_id(session)
    if supporter is None:
        return _page("unknown", 404)
    return _page("unsubscribe", supporter=supporter, key=key, mailing=mailing)


def _one_click() -> bool:
    """A mail provider's one-click POST (RFC 8058). Gmail and Yahoo send them from a
    few addresses for all their users after a large mailing, so they get a budget of
    their own (LIMIT_ONE_CLICK): a 429 could lose an unsubscribe."""
    return request.form.get("List-Unsubscribe") == "One-Click"


@bp.post("/unsubscribe/<key>")
@per_address_unless(_one_click, "LIMIT_ONE_CLICK")
def unsubscribe(key: str):
    # The page's button and a mail provider's one-click POST do the same thing.
    source = "one-click" if request.headers.get("Sec-Fetch-Mode") != "navigate" else "unsubscribe"
    if not _known(key):
        return _page("unknown", 404)
    with db.writing() as session:
        supporter = _supporter(session, key, lock=True)
        if supporter is None:
            return _page("unknown", 404)
        people.withdrawn(session, supporter, source, utcnow(), _mailing_id(session))
    return _page("unsubscribed", supporter=supporter, key=key)


@bp.get("/preferences/<key>")
@per_address
def preferences(key: str):
    return _preferences_page(key)


def _preferences_page(key: str, error: str | None = None):
    with db.reading() as session:
        supporter = _supporter(session, key)
        pending = None if supporter else _pending(session, key)
    if supporter is None and pending is None:
        return _page("unknown", 404)
    return _page(
        "preferences",
        422 if error else 200,
        supporter=supporter,
        key=key,
        choices=CHOICES,
        wording=PREFERENCES_WORDING,
        email=supporter.email if supporter else pending.email,
        error=error,
    )


@bp.post("/preferences/<key>")
@per_address
def choose(key: str):
    choice = request.form.get("updates", "")
    if choice not in (*CHOICES, "none"):
        return _preferences_page(key, error="Choose one of the options, then save.")
    now = utcnow()
    if not _known(key):
        return _page("unknown", 404)
    with db.writing() as session:
        supporter = _supporter(session, key, lock=True)
        if supporter is None:
            return _page("unknown", 404)
        if choice == "none":
            people.withdrawn(session, supporter, "preferences", now)
        else:
            wording = PREFERENCES_WORDING.format(choice=CHOICES[Scope(choice)])
            supporter.scope = Scope(choice)
            found = consent_wording(session, "updates", wording)
            people.consented(
                session,
                supporter,
                found.id,
                "preferences",
                now,
                page=request.path.rsplit("/", 1)[0],
            )
    return _page("saved", key=key, saved=SAVED.get(choice))


def _pending(session, token: str) -> Signature | None:
    """Before confirming, the email's unexpired confirmation link stands for the address."""
    if not 20 <= len(token) <= 100:
        return None
    return session.scalar(
        Signature.with_token(token).where(Signature.confirm_expires_at > utcnow())
    )


def _email_for(session, key: str, lock: bool = False) -> str | None:
    return _person(session, key, lock)[0]


def _person(session, key: str, lock: bool = False) -> tuple[str | None, int | None, int | None]:
    """(email, supporter id, pending signature id) for a link's secret."""
    supporter = _supporter(session, key, lock)
    if supporter is not None:
        return supporter.email, supporter.id, None
    pending = _pending(session, key)
    return (pending.email, None, pending.id) if pending is not None else (None, None, None)


@bp.post("/preferences/<key>/copy")
@per_address
def copy(key: str):
    """Email the person everything we hold about their address (to that address only)."""
    if not _known(key):
        return _page("unknown", 404)
    with db.writing() as session:
        email, supporter_id, signature_id = _person(session, key, lock=True)
        if email is None:
            return _page("unknown", 404)
        if _copied_lately(session, supporter_id, signature_id):
            return _page("copy_sent", key=key, already=True)
        # The copy is made now and leaves the database with the message; tied to the
        # person, so forgetting them before it goes takes it too.
        payload = {"email": email, "data": rights.held(session, email)}
        if supporter_id is None:
            # Not confirmed yet: no key of their own, so the copy links back with the
            # confirmation link that asked for it (mail/compose.py; it leaves with the
            # message, as the confirmation email's own token does).
            payload["key"] = key
        outbox.enqueue(session, outbox.YOUR_DATA, signature_id, payload, supporter_id)
    return _page("copy_sent", key=key, already=False)


def _copied_lately(session, supporter_id: int | None, signature_id: int | None) -> bool:
    """One copy a day: whoever holds a link (a forwarded email) cannot fill the person's
    inbox, nor hold back other mail, by pressing the button again and again."""
    theirs = (
        Outbox.supporter_id == supporter_id
        if supporter_id is not None
        else Outbox.signature_id == signature_id
    )
    return (
        session.scalar(
            select(Outbox.id)
            .where(theirs, Outbox.kind == outbox.YOUR_DATA)
            .where(Outbox.created_at > utcnow() - COPY_INTERVAL)
            .limit(1)
        )
        is not None
    )


@bp.get("/preferences/<key>/forget")
@per_address
def forget_page(key: str):
    with db.reading() as session:
        email = _email_for(session, key)
    if email is None:
        return _page("unknown", 404)
    return _page("forget", key=key, email=email)


@bp.post("/preferences/<key>/forget")
@per_address
def forget(key: str):
    if not _known(key):
        return _page("unknown", 404)
    with db.writing() as session:
        email = _email_for(session, key, lock=True)
        if email is None:
            return _page("unknown", 404)
        rights.forget(session, email, actor="the person, by their link")
    return _page("forgotten", site=current_app.config["SITE_URL"])


openapi.describe(
    bp,
    {
        "/unsubscribe/{token}": {
            "get": {
                "summary": "The unsubscribe page: one button (opening it changes nothing)",
                "parameters": [openapi.TOKEN],
                "responses": {"200": {"description": "page"}, "404": {"description": "unknown"}},
            },
            "post": {
                "summary": "Unsubscribe from updates (RFC 8058 one-click; idempotent)",
                "parameters": [openapi.TOKEN],
                "responses": {"200": {"description": "done"}, "404": {"description": "unknown"}},
            },
        },
    },
)
