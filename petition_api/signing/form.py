"""What a signature must look like on the wire: every field checked, each error specific.

The form is the one list of the signature's fields: signing stores what it
checked, and the OpenAPI schema is read from it (openapi.form_schema).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import ClassVar

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Table
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, Form, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from ..congress.geography import district_in_zip, geography
from ..formulas import looks_like_formula
from ..models import Signature
from ..states import STATES, zip_matches_state
from . import referrals

# A domain label is at most 63 characters: bounding the run keeps the search linear
# (unbounded, `a-a-a-...` made it quadratic: 0.8 s for 14 KB).
URL_LIKE = re.compile(
    r"(://|www\.|\b[\w-]{1,63}\.(com|net|org|info|biz|ru|cn|xyz|top|io|ly|co|me|site|online)\b)",
    re.IGNORECASE,
)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
ZIP = re.compile(r"^\d{5}(-?\d{4})?$")
DISTRICT = re.compile(r"^[A-Z]{2}-(\d{2}|AL)$")
HONEYPOT = "website"  # the field SignatureForm leaves for bots
CHECKBOX_ON = ("y", "yes", "on", "true", "1")
CHECKBOX_OFF = (False, "", "n", "no", "off", "false", "0")


def plain_text(label: str, lines: str = "one"):
    """Text a person typed: no control characters, no web address, no formula start.

    A one-line field (a name, a city) refuses line breaks too: a name that carried
    one could put an attacker's sentence into a greeting in someone else's inbox.
    """

    def check(form, field):
        value = field.data or ""
        if lines == "one" and (CONTROL.search(value) or _invisible(value)):
            raise ValidationError(f"{label} must be one line, without control characters.")
        if CONTROL.search(value.replace("\n", "")):
            raise ValidationError(f"{label} contains control characters.")
        if URL_LIKE.search(value):
            raise ValidationError(f"{label} cannot contain a web address.")
        if looks_like_formula(value):
            raise ValidationError(f"{label} cannot start with = + - or @.")

    return check


# Unicode's own line breaks and format characters (U+2028, U+0085, the direction
# overrides that reverse text on screen): a name has no use for them. The zero-width
# joiners stay: Persian and Indic names are written with them.
INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp"})
JOINERS = frozenset({"\u200c", "\u200d"})


def _invisible(value: str) -> bool:
    return not value.isascii() and any(
        unicodedata.category(c) in INVISIBLE and c not in JOINERS for c in value
    )


def strip(value):
    return value.strip() if isinstance(value, str) else value


def paragraphs(value):
    """Stripped, with a form post's CRLF line breaks (and lone CRs) as plain newlines."""
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def upper(value):
    return value.strip().upper() if isinstance(value, str) else value


def name_field(label: str) -> StringField:
    return StringField(
        label,
        filters=[strip],
        validators=[
            DataRequired(f"Please enter your {label.lower()}."),
            MaxLength(max=100, message=f"{label} must be at most 100 characters."),
            plain_text(label),
        ],
    )


def email_field() -> StringField:
    return StringField(
        "Email",
        filters=[strip],
        validators=[
            DataRequired("Please enter your email address."),
            MaxLength(max=254, message="Email must be at most 254 characters."),
            EmailAddress(),
        ],
    )


def state_field() -> StringField:
    return StringField(
        "State", filters=[upper], validators=[DataRequired("Please choose your state."), InStates()]
    )


def zip_field() -> StringField:
    """Checked against the state by zip_in_state (a form's validate_zip)."""
    return StringField(
        "ZIP code",
        filters=[strip],
        validators=[
            DataRequired("Please enter your ZIP code."),
            Regexp(ZIP, message="ZIP code must be 5 digits, or ZIP+4 like 12345-6789."),
        ],
    )


def district_field() -> StringField:
    """Checked against the state and ZIP by district_in_zip (a form's validate_district)."""
    return StringField(
        "Congressional district",
        filters=[upper],
        validators=[
            Optional(),
            Regexp(DISTRICT, message="Congressional district must look like NY-12 (or AK-AL)."),
        ],
        description="as /api/districts/{zip} names it",
    )


class MaxLength(Length):
    """Length(max=...) that also stops the field's other checks: a text too long to
    keep is not worth reading (nor worth the CPU of the checks after it)."""

    def __call__(self, form, field):
        try:
            super().__call__(form, field)
        except ValidationError as error:
            raise StopValidation(str(error)) from None


class EmailAddress:
    """A deliverable-looking address (not looked up), normalised as email-validator does."""

    json_schema: ClassVar = {"format": "email"}

    def __call__(self, form, field):
        try:
            result = validate_email(field.data, check_deliverability=False)
        except EmailNotValidError as error:
            raise ValidationError(f"Email address is not valid: {error}") from None
        field.data = result.normalized


class InStates:
    """A US state, DC or territory, by its two-letter code."""

    json_schema: ClassVar = {"pattern": "^[A-Za-z]{2}$"}

    def __call__(self, form, field):
        if field.data not in STATES:
            raise ValidationError("State must be a two-letter US state or territory code, like NY.")


class Attribution:
    """A filter for what our script sets, not the signer: control characters dropped and
    a value too long for its column cut rather than refused (the signer could not fix it)."""

    def __init__(self, column: str, table: Table):
        self.limit = table.c[column].type.length
        self.json_schema = {"maxLength": self.limit}

    def __call__(self, value):
        return CONTROL.sub("", str(value or "")).strip()[: self.limit] or None


def attribution_field(name: str, table: Table = Signature.__table__) -> StringField:
    """A tag the page's script sets, cut to ``table``'s column (a story's are shorter)."""
    filters = [Attribution(name, table)]
    return StringField(name, filters=filters, description="attribution; cut to length")


class SignerFields(Form):
    """What the signer types or ticks."""

    first_name = name_field("First name")
    last_name = name_field("Last name")
    email = email_field()
    street = StringField(
        "Street address",
        filters=[strip],
        validators=[
            Optional(),
            MaxLength(max=200, message="Street address must be at most 200 characters."),
            plain_text("Street address"),
        ],
    )
    city = StringField(
        "City",
        filters=[strip],
        validators=[
            Optional(),
            MaxLength(max=100, message="City must be at most 100 characters."),
            plain_text("City"),
        ],
    )
    state = state_field()
    zip = zip_field()
    district = district_field()
    comment = TextAreaField(
        "Comment",
        filters=[paragraphs],
        validators=[
            Optional(),
            MaxLength(max=1000, message="Comment must be at most 1,000 characters."),
            plain_text("Comment", lines="many"),
        ],
    )
    email_updates = BooleanField(
        "Email updates",
        false_values=CHECKBOX_OFF,
        description="consent to update emails (opt-in)",
    )
    comment_shareable = BooleanField(
        "You may share my comment",
        false_values=CHECKBOX_OFF,
        description="consent to the comment becoming a story candidate (opt-in)",
    )


class SignatureForm(SignerFields):
    """Everything a signature carries: the signer's fields, then what the page's script
    sets (or a bot fills in)."""

    # Read by the abuse checks, never stored.
    website = StringField("Website", description="leave empty (a trap for bots)")
    form_token = StringField("Form token", description="from /api/petitions/{slug}/form-token")
    utm_source = attribution_field("utm_source")
    utm_medium = attribution_field("utm_medium")
    utm_campaign = attribution_field("utm_campaign")
    utm_content = attribution_field("utm_content")
    variant = StringField(
        "variant",
        filters=[Attribution("variant", Signature.__table__)],
        description="the variant of the petition's page the form is on (the page sets "
        "it); recorded only when the petition declares it, ignored otherwise",
    )
    page = attribution_field("page")
    # Not a column: signing records whose code it is (signing/referrals.py).
    ref = StringField(
        referrals.REF_PARAMETER,
        filters=[referrals.well_formed],
        description="the referral code of the share link the signer came through "
        "(its ?ref=); anything that is not one of ours is ignored",
    )

    def stored(self) -> dict:
        """The checked fields that are the signature's columns, by name."""
        return {name: self[name].data or None for name in _stored_fields()}

    def validate_email_updates(self, field):
        raw = (field.raw_data or [""])[0]
        if str(raw).lower() not in CHECKBOX_ON + CHECKBOX_OFF:
            raise ValidationError("Email updates must be ticked or left empty.")

    def validate_comment_shareable(self, field):
        raw = (field.raw_data or [""])[0]
        if str(raw).lower() not in CHECKBOX_ON + CHECKBOX_OFF:
            raise ValidationError("You may share my comment must be ticked or left empty.")

    def validate_zip(self, field):
        zip_in_state(self, field)

    def validate_district(self, field):
        district_in_zip(self, field)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and not self.district.data:
            # A ZIP in one district (or a state with one seat) leaves no choice;
            # otherwise the district stays unresolved: senators yes, House no.
            self.district.data = geography().resolve(self.state.data, self.zip.data)
        return valid


def zip_in_state(form, field) -> None:
    """The ZIP code lies in the chosen state (and is stored normalised)."""
    state = form.state.data
    if state in STATES and ZIP.match(field.data or ""):
        # The loaded ZCTA table knows most ZIPs exactly; the prefix check covers the rest.
        known = geography().states(field.data)
        if not (state in known if known else zip_matches_state(field.data, state)):
            raise ValidationError(
                f"ZIP code {field.data} is not in {STATES[state]}: "
                "please check the ZIP code and the state."
            )
        field.data = normalise_zip(field.data)


@cache
def _stored_fields() -> tuple[str, ...]:
    columns = Signature.__table__.c
    return tuple(field.name for field in SignatureForm() if field.name in columns)


def normalise_zip(zip_code: str) -> str:
    digits = zip_code.replace("-", "")
    return digits if len(digits) == 5 else f"{digits[:5]}-{digits[5:]}"


@cache
def signer_fields() -> frozenset[str]:
    return frozenset(field.name for field in SignerFields())


def to_formdata(payload: dict) -> MultiDict:
    """A JSON body as the form data WTForms reads: strings, booleans as 'y'.

    Lists and objects are dropped (routes.read_body refuses them in the signer's
    fields), except in the honeypot, where anything at all is a bot's mark.
    """
    items = []
    for key, value in payload.items():
        if isinstance(value, dict | list):
            if key == HONEYPOT and value:
                items.append((key, "filled"))
            continue
        if value is None:
            continue
        if isinstance(value, bool):
            items.append((key, "y" if value else ""))
        else:
            items.append((key, str(value)))
    return MultiDict(items)
