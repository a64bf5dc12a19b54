"""A signature's way in: POST /api/petitions/<slug>/signatures and its form token."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, redirect, render_template, request

from .. import openapi
from ..petitions.lookup import OpenPetition, open_for_signing
from ..ratelimits import client_network, limiter, per_address
from . import abuse
from .form import SignatureForm, signer_fields, to_formdata
from .recording import record
from .referrals import REF_PARAMETER

bp = Blueprint("signing", __name__, template_folder="templates")

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
JSON_ACCEPTED = {"status": "pending"}


@bp.post("/api/petitions/<slug>/signatures")
@limiter.limit(abuse.ip_hard_limit, key_func=client_network, scope="sign-ip")
@limiter.limit(abuse.petition_limit, key_func=abuse.petition_key, scope="sign-petition")
def sign(slug: str):
    petition = open_for_signing(slug)
    is_json, form_data = read_body()
    form = SignatureForm(form_data)
    if not form.validate():
        return refused(form, petition, is_json)
    code = record(petition, form, abuse.judge(form, slug))
    if is_json:
        return {**JSON_ACCEPTED, REF_PARAMETER: code}, 201
    return redirect(thanks_url(petition, code), code=303)


@bp.get("/api/petitions/<slug>/form-token")
@per_address
def form_token(slug: str):
    petition = open_for_signing(slug)
    return {"form_token": abuse.issue_form_token(petition.slug)}, 200, {"Cache-Control": "no-store"}


def read_body():
    """(is_json, form data) from a JSON or form-encoded body; 415 for anything else."""
    if request.mimetype == "application/json":
        try:
            payload = request.get_json(silent=True)
        except RecursionError:  # thousands of nested brackets: not a signature
            payload = None
        if not isinstance(payload, dict):
            abort(400, description="The body must be a JSON object of signature fields.")
        wrong = sorted(
            k for k, v in payload.items() if k in signer_fields() and isinstance(v, dict | list)
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
    return render_template("signing/errors.html", form=form, petition=petition), 422


def thanks_url(petition: OpenPetition, code: str) -> str:
    """The thank-you page, with the code its script adds to the page's share links
    (none on the petition page itself, where `ref` names whoever shared it)."""
    site = current_app.config["SITE_URL"].rstrip("/")
    if not petition.thanks_page:
        return site + petition.page
    return f"{site}{petition.thanks_page}?{urlencode({REF_PARAMETER: code})}"


_signature = openapi.ref("Signature")
openapi.describe(
    bp,
    {
        "/api/petitions/{slug}/form-token": {
            "get": {
                "summary": "A signed timestamp for the form, fetched when the form is shown",
                "parameters": [openapi.SLUG],
                "responses": {
                    "200": openapi.json_body(
                        {"type": "object", "properties": {"form_token": openapi.TEXT}},
                        "the token",
                    ),
                    "403": openapi.error("not open yet"),
                    "404": openapi.error("no such petition"),
                    "410": openapi.error("closed"),
                },
            }
        },
        "/api/petitions/{slug}/signatures": {
            "post": {
                "summary": "Sign. New, duplicate and set-aside signatures get the same answer.",
                "parameters": [openapi.SLUG],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": _signature},
                        "application/x-www-form-urlencoded": {"schema": _signature},
                    },
                },
                "responses": {
                    "201": openapi.json_body(
                        {
                            "type": "object",
                            "properties": {
                                "status": {"type": "string", "enum": ["pending"]},
                                "ref": {
                                    "type": "string",
                                    "description": "the referral code for the signer's "
                                    "share links (?ref=)",
                                },
                            },
                        },
                        "accepted (JSON): check your email",
                    ),
                    "303": {
                        "description": "accepted (form post): to the thank-you page, with "
                        "?ref= the referral code for the signer's share links"
                    },
                    "400": openapi.error("not a JSON object"),
                    "403": openapi.error("origin not allowed, or petition not open yet"),
                    "404": openapi.error("no such petition"),
                    "410": openapi.error("petition closed"),
                    "413": openapi.error("body too large"),
                    "415": openapi.error("not JSON or a form post"),
                    "422": openapi.json_body(openapi.ref("FieldErrors"), "field errors"),
                    "429": openapi.error("too many signatures; see Retry-After"),
                    "503": openapi.error("database unavailable; see Retry-After"),
                },
            }
        },
    },
    schemas={"Signature": openapi.form_schema(SignatureForm)},
)
