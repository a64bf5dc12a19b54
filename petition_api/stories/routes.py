"""A story's way in: POST /api/stories (JSON, or a multipart form post with a photo),
its form token, and the page whose button confirms it.

Answered like signing: the same abuse checks, 422 with `{"errors": {field: [...]}}`
for JSON (an HTML page listing each field's error for a form post), 201
`{"status": "pending"}` or 303 to the site's thank-you page.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request
from sqlalchemy import select

from .. import db, openapi, site_look
from ..congress.geography import geography
from ..models import Petition, Story, StoryStatus, utcnow
from ..petitions import sharing
from ..ratelimits import client_network, limiter, per_address
from ..signing import abuse
from ..signing.form import to_formdata
from ..states import STATES
from . import photos
from .form import StoryForm
from .intake import NotReady, record, shown
from .reviewing import by_link, consents_now

bp = Blueprint("stories", __name__, template_folder="templates")


def _story_limit() -> str:
    return current_app.config["LIMIT_STORIES"]


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# The form token is signed for this, as a petition form's is for its slug.
TOKEN_SCOPE = "stories"  # noqa: S105 - a scope name, not a secret
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@bp.post("/api/stories")
@limiter.limit(abuse.ip_hard_limit, key_func=client_network, scope="story-ip-hard")
@limiter.limit(_story_limit, key_func=client_network, scope="story-ip")
def offer():
    if request.mimetype == "multipart/form-data":
        # A photo may be up to 8 MB: only a multipart post takes a body that large.
        # Werkzeug's multipart reader also buffers what it is fed against this limit.
        request.max_content_length = photos.MAX_BYTES + 256 * 1024
        request.max_form_memory_size = 1024 * 1024
    is_json, data = _body()
    form = StoryForm(data)
    form.validate()
    petition_id = _petition(form)
    errors = dict(form.errors)  # computed afresh by WTForms on every read
    verdict = abuse.judge(form, TOKEN_SCOPE) if not errors else None
    photo = None
    set_aside = verdict is not None and verdict not in abuse.FLAG_ONLY
    if not errors and not set_aside:
        # Decoding is the costly part: only for a story that is otherwise fine.
        photo, photo_error = _photo(is_json)
        if photo_error:
            errors["photo"] = [photo_error]
    if errors:
        return _refused(form, errors, is_json)
    try:
        record(form, petition_id, photo, verdict)
    except NotReady:
        abort(
            503,
            description="Stories are not open yet: the site's story form has not been "
            "published to this server (flask petitions sync).",
        )
    if is_json:
        return {"status": "pending"}, 201
    return redirect(_thanks_url(), code=303)


@bp.get("/api/stories/form-token")
@per_address
def form_token():
    return {"form_token": abuse.issue_form_token(TOKEN_SCOPE)}, 200, {"Cache-Control": "no-store"}


def _body():
    if request.mimetype == "application/json":
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            abort(400, description="The body must be a JSON object of story fields.")
        if "photo" in payload:
            abort(400, description="photo: send a photo in a multipart form post, not JSON.")
        return True, to_formdata(payload)
    if request.mimetype in FORM_TYPES:
        return False, request.form
    abort(415, description="Send the story as application/json or a form post.")


def _petition(form: StoryForm) -> int | None:
    slug = form.petition.data
    if not slug:
        return None
    found = None
    if Petition.could_be(slug):
        with db.reading() as session:
            found = session.scalar(select(Petition.id).where(Petition.slug == slug))
    if found is None:
        form.petition.errors = [*form.petition.errors, f"There is no petition called {slug!r}."]
    return found


def _photo(is_json: bool) -> tuple[photos.Photo | None, str | None]:
    upload = None if is_json else request.files.get("photo")
    if upload is None or not upload.filename:
        return None, None
    data = upload.stream.read(photos.MAX_BYTES + 1)
    try:
        return photos.process(data), None
    except photos.PhotoError as error:
        return None, str(error).removeprefix("photo: ")


def _refused(form: StoryForm, errors: dict, is_json: bool):
    if is_json:
        return {"errors": errors}, 422
    with db.reading() as session:
        wording = shown(session)
    labels = {name: form[name].label.text for name in errors if name in form}
    labels.update(photo="Photo", petition="Petition")
    members = geography().members
    page = render_template(
        "stories/errors.html",
        form=form,
        errors=errors,
        wordings=wording,
        labels=labels,
        states=STATES.items(),
        districts=[(code, members.get(code)) for code in form.district_choices()],
        only_the_district=list(errors) == ["district"],
    )
    return page, 422, NO_STORE


def _thanks_url() -> str:
    where = site_look.current().story_url
    if where.startswith("/"):
        where = current_app.config["SITE_URL"].rstrip("/") + where
    return where.rstrip("/") + "/thanks/"


@bp.get("/confirm-story/<token>")
@per_address
def confirm_page(token: str):
    with db.reading() as session:
        story = _pending(session, token)
        given = {str(k): v for k, v in consents_now(session, story.id).items()} if story else {}
    if story is None:
        return render_template("stories/unknown.html"), 404, NO_STORE
    page = render_template("stories/confirm.html", story=story, token=token, given=given)
    return page, 200, NO_STORE


@bp.post("/confirm-story/<token>")
@per_address
def confirm(token: str):
    with db.writing() as session:
        story = _pending(session, token)
        if story is None:
            return render_template("stories/unknown.html"), 404, NO_STORE
        story.status = StoryStatus.SUBMITTED
        story.confirmed_at = utcnow()
        story.confirm_token_hash = None  # the link has done its work
        petition = session.get(Petition, story.petition_id) if story.petition_id else None
        listed = session.scalars(select(Petition).where(Petition.listed).order_by(Petition.id))
        open_now = [p for p in listed if p.status(story.confirmed_at) == "open"]
    return _confirmed(story, petition, open_now)


def _confirmed(story: Story, petition: Petition | None, open_now: list[Petition]):
    """Where to go next: sign and share the story's petition (or the open ones, when it
    names none), or back to the site."""
    site = current_app.config["SITE_URL"]
    links = sharing.share_links(petition, site, "story-confirmed", signed=False) if petition else []
    page = render_template(
        "stories/confirmed.html",
        story=story,
        petition=petition,
        petition_open=petition in open_now,
        petition_url=sharing.petition_url(petition, site) if petition else None,
        share_links=links,
        shared=sharing.offered(petition, site, links) if petition else None,
        petitions=[(p.title, sharing.petition_url(p, site)) for p in open_now],
        site_url=site,
    )
    return page, 200, NO_STORE


def _pending(session, token: str) -> Story | None:
    return by_link(session, token, [StoryStatus.PENDING])


openapi.describe(
    bp,
    {
        "/api/stories": {
            "post": {
                "summary": "Offer a story (JSON, or a multipart form post with a photo); "
                "confirmed by email before staff see it",
                "requestBody": {
                    "content": {
                        "application/json": {"schema": openapi.form_schema(StoryForm)},
                        "multipart/form-data": {"schema": openapi.form_schema(StoryForm)},
                    }
                },
                "responses": {
                    "201": {"description": "stored, waiting for the emailed confirmation"},
                    "303": {"description": "form post: to the site's thank-you page"},
                    "400": openapi.error("not a JSON object, or a photo sent in JSON"),
                    "413": openapi.error("larger than a photo of 8 MB"),
                    "415": openapi.error("neither JSON nor a form post"),
                    "422": {"description": "each field's errors"},
                    "429": openapi.error("too many from this address"),
                    "503": openapi.error("the story form is not published to this server"),
                },
            }
        },
        "/api/stories/form-token": {
            "get": {
                "summary": "The story form's time-trap token",
                "responses": {"200": {"description": "the token"}},
            }
        },
    },
)
