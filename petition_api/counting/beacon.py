"""The first-party view beacon: POST /api/views, sent once by each petition page shown.

The campaign site's views.js posts the page's path, its variant (the page's
`gs:variant` meta) and the link's `utm_source`, `utm_medium` and `utm_content`,
with no cookie. What is kept is a count per petition, hour, variant and tags
(views.py): never an address, a browser, a cookie, a referrer or a time finer
than the hour. The user agent is read only to leave out known robots, which
are answered like anyone and not counted (telling them would teach them).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

from flask import Blueprint, abort, current_app, request
from sqlalchemy import select

from .. import db, openapi
from ..models import Petition, PetitionVariant
from ..models.petitions import VIEW_KEY_LENGTH
from ..ratelimits import per_hidden_network
from . import counts, views

bp = Blueprint("views", __name__)

# A view is five short fields: anything bigger is not one (and is refused unread).
MAX_VIEW_BYTES = 2048
PAGE_LENGTH = 500  # a petition page's path, as the petitions table holds it
FIELDS = ("page", "variant", "utm_source", "utm_medium", "utm_content")
FORM_TYPE = "application/x-www-form-urlencoded"
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Some mail tools put the reader's address in a link's tags: never kept with a view.
EMAIL_LIKE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
AN_EMAIL = "(an email address)"
# Crawlers, link previewers, uptime monitors, HTTP libraries and automated browsers
# say what they are; a view from one of them is not a person's. (`bot\b`: Googlebot/,
# AdsBot-Google, Twitterbot, Slackbot..., and not CUBOT_X, a phone.)
ROBOTS = re.compile(
    r"bot\b|crawl|spider|slurp|scrap|facebookexternalhit|embedly|preview|headless|"
    r"lighthouse|pingdom|uptime|monitor|curl/|wget/|python|httpx|aiohttp|go-http-client|"
    r"java/|okhttp|axios|node-fetch|phantomjs|puppeteer|playwright|selenium|webdriver",
    re.IGNORECASE,
)


def is_robot(user_agent: str) -> bool:
    """A known robot by its user agent (browsers always send one)."""
    return not user_agent.strip() or ROBOTS.search(user_agent) is not None


class NotAView(ValueError):
    """A field the beacon cannot count, and why: answered 422 with the field named."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@bp.post("/api/views")
@per_hidden_network("LIMIT_VIEWS", scope="views")
def count_view():
    try:
        fields = _read_fields()
        counted_as = _counted_as(fields["page"], fields["variant"])
        if counted_as is None:
            page = fields["page"][:100]
            raise NotAView("page", f"{page!r} is not the page of a petition on this site.")
    except NotAView as refused:
        return {"errors": {refused.field: [str(refused)]}}, 422, {"Cache-Control": "no-store"}
    if not is_robot(request.headers.get("User-Agent", "")):
        petition_id, variant = counted_as
        tags = (fields[name] for name in FIELDS[2:])
        key = views.ViewKey(petition_id, views.this_hour(), variant, *tags)
        views.counter().add(key)
    counted = current_app.response_class(status=204, headers={"Cache-Control": "no-store"})
    del counted.headers["Content-Type"]  # no body, so no type (and no page headers)
    return counted


def _read_fields() -> dict[str, str]:
    """The view's fields from a form post or a JSON object; refused before anything
    is counted: too large (413), another type (415), not text (400), no page (422)."""
    if (request.content_length or 0) > MAX_VIEW_BYTES:
        abort(413, description=f"A view is at most {MAX_VIEW_BYTES} bytes.")
    request.max_content_length = MAX_VIEW_BYTES  # a body without a length, cut off here
    if request.mimetype == FORM_TYPE:
        form = request.form
        raw = {name: form.get(name, "") for name in FIELDS}
    elif request.mimetype == "application/json":
        raw = _json_fields()
    else:
        abort(415, description=f"Send the view as {FORM_TYPE} (what the page's script sends) "
                               "or application/json.")  # fmt: skip
    fields = {name: _tag(raw.get(name)) for name in FIELDS[1:]}
    fields["page"] = _clean(raw.get("page"), PAGE_LENGTH)
    if not fields["page"].startswith("/"):
        raise NotAView("page", "The page's path is required, starting with / (location.pathname).")
    return fields


def _json_fields() -> dict:
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # a thousand nested brackets: not a view
        payload = None
    if not isinstance(payload, dict):
        abort(400, description="The body must be a JSON object of the view's fields.")
    wrong = sorted(
        k for k in FIELDS if payload.get(k) is not None and not isinstance(payload[k], str)
    )
    if wrong:
        abort(400, description=f"These fields must be text: {', '.join(wrong)}.")
    return payload


def _tag(value: str | None) -> str:
    """A variant or link tag as kept: cleaned, and never an email address."""
    tag = _clean(value, 2 * VIEW_KEY_LENGTH)  # an address the cut would split is still one
    return AN_EMAIL if _looks_like_an_email(tag) else tag[:VIEW_KEY_LENGTH]


def _looks_like_an_email(tag: str) -> bool:
    """As written, or as a mail tool that encoded the link twice left it
    (rosa%40example.com), or with a look-alike at sign (the fullwidth one, which NFKC makes @)."""
    seen = tag
    for _ in range(3):
        shown = unicodedata.normalize("NFKC", seen)
        if "@" in shown and EMAIL_LIKE.search(shown):
            return True
        seen = unquote(seen)
    return False


def _clean(value: str | None, length: int) -> str:
    """As signatures treat the tags the page's script sets: control characters dropped,
    cut to the column's length rather than refused (the visitor could not fix a link).
    A lone surrogate (JSON's "\ud800") becomes "?": no database can store one, and one
    held among a process's views failed every write of them all."""
    text = (value or "").encode("utf-8", "replace").decode("utf-8")
    return CONTROL.sub("", text).strip()[:length]


def _counted_as(path: str, variant: str) -> tuple[int, str] | None:
    """(petition id, variant) of the page at `path`: a petition's page or one of its
    variants' (`<page>v/<name>/`), as the site's manifest declared them. The page's
    `gs:variant` names the variant; one the petition does not declare (an old page's,
    a made-up one) counts as the page's own, as a signature records none."""
    pages, declared = counts.until_refresh(("view-pages",), _petition_pages)
    found = pages.get(path.removesuffix("index.html"))
    if found is None:
        return None
    petition_id, own = found
    return petition_id, variant if (petition_id, variant) in declared else own


def _petition_pages() -> tuple[dict[str, tuple[int, str]], set[tuple[int, str]]]:
    """{page path: (petition id, variant or "")} for every petition the site lists and
    each of its variants, and every (petition id, variant) declared; kept one refresh
    interval (every view asks; they change when the site is synced)."""
    with db.reading() as session:
        pages = {
            page: (petition_id, "")
            for page, petition_id in session.execute(
                select(Petition.page, Petition.id).where(Petition.listed)
            )
        }
        listed = {petition_id for petition_id, _ in pages.values()}
        for page, petition_id, name in session.execute(
            select(PetitionVariant.page, PetitionVariant.petition_id, PetitionVariant.name)
        ):
            if petition_id in listed:
                pages[page] = (petition_id, name)
    return pages, {found for found in pages.values() if found[1]}


_text = {"type": "string", "maxLength": VIEW_KEY_LENGTH}
openapi.describe(
    bp,
    {
        "/api/views": {
            "post": {
                "summary": "Count a view of a petition page (the site's first-party beacon). "
                "Nothing personal is kept: a count per petition, hour, variant and tags.",
                "requestBody": {
                    "required": True,
                    "content": {
                        media: {"schema": openapi.ref("View")}
                        for media in (FORM_TYPE, "application/json")
                    },
                },
                "responses": {
                    "204": {"description": "counted (or, from a known robot, not counted)"},
                    "400": openapi.error("not a JSON object, or a field that is not text"),
                    "403": openapi.error("origin not allowed"),
                    "413": openapi.error("body too large"),
                    "415": openapi.error("not a form post or JSON"),
                    "422": openapi.json_body(openapi.ref("FieldErrors"), "not a petition's page"),
                    "429": openapi.error("too many views from this network; see Retry-After"),
                },
            }
        }
    },
    schemas={
        "View": {
            "type": "object",
            "required": ["page"],
            "properties": {
                "page": {
                    "type": "string",
                    "maxLength": PAGE_LENGTH,
                    "description": "the page's path (location.pathname)",
                },
                "variant": {**_text, "description": "the page's gs:variant meta, if any"},
                "utm_source": _text,
                "utm_medium": _text,
                "utm_content": _text,
            },
        }
    },
)
