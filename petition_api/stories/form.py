"""What a story must look like on the wire: the supporter's words, where they live, and
four separate consents, each checked with an error that names its field.

Wire names (the story form and POST /api/stories): first_name, email, state, zip,
district, story, photo (multipart only), consent_publish, consent_name,
consent_congress, consent_contact (present/true when ticked), petition (optional
slug), and the same website honeypot, form_token and utm_*/page/variant as
signing.

A story for Congress needs the author's district, for their representative: when
the ZIP code spans several and none was chosen, the form comes back asking which
(`district`), as the petition form's choice does; without the Congress consent
nobody is asked.
"""

from __future__ import annotations

import re
import unicodedata

from wtforms import BooleanField, Form, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from ..congress.geography import district_in_zip, geography
from ..models import Story, StoryConsentKind
from ..signing.form import (
    CHECKBOX_OFF,
    CHECKBOX_ON,
    MaxLength,
    attribution_field,
    district_field,
    email_field,
    name_field,
    paragraphs,
    plain_text,
    state_field,
    strip,
    zip_field,
    zip_in_state,
)

MAX_STORY = 5000
CONSENT_FIELDS = {f"consent_{kind.value}": kind for kind in StoryConsentKind}

STORIES = Story.__table__  # a story's tags are cut to its own, shorter columns


def consent_field(label: str) -> BooleanField:
    return BooleanField(label, false_values=CHECKBOX_OFF, description="ticked or not (opt-in)")


# A first name, and nothing a page could read as markup: it may head a published page.
# (Separators: space, apostrophes, full stop, hyphen, and the zero-width joiners that
# Persian and Indic names are written with.)
FIRST_NAME = re.compile(r"^[^\W\d_]+(?:[ '\u2019.\-\u200c\u200d]+[^\W\d_]+)*\.?$")


class StoryForm(Form):
    first_name = name_field("First name")
    email = email_field()
    state = state_field()
    zip = zip_field()
    district = district_field()
    story = TextAreaField(
        "Your story",
        filters=[paragraphs],
        validators=[
            DataRequired("Please write your story."),
            MaxLength(
                max=MAX_STORY, message=f"Your story must be at most {MAX_STORY:,} characters."
            ),
            plain_text("Your story", lines="many"),
        ],
    )
    consent_publish = consent_field("Publish my story on the campaign's website")
    consent_name = consent_field("Show my first name with it")
    consent_congress = consent_field("Share my story with my members of Congress")
    consent_contact = consent_field("Contact me about my story")
    petition = StringField(
        "Petition", filters=[strip], validators=[Optional()], description="a petition's slug"
    )
    # Read by the abuse checks, never stored.
    website = StringField("Website", description="leave empty (a trap for bots)")
    form_token = StringField("Form token", description="from /api/stories/form-token")
    utm_source = attribution_field("utm_source", STORIES)
    utm_medium = attribution_field("utm_medium", STORIES)
    utm_campaign = attribution_field("utm_campaign", STORIES)
    utm_content = attribution_field("utm_content", STORIES)
    page = attribution_field("page", STORIES)

    def validate_zip(self, field):
        zip_in_state(self, field)

    def validate_district(self, field):
        district_in_zip(self, field)

    def validate_first_name(self, field):
        if field.errors:  # already refused: one message is enough
            return
        field.data = unicodedata.normalize("NFC", field.data or "")
        if field.data and not FIRST_NAME.match(field.data):
            raise ValidationError(
                "First name can hold letters, spaces, apostrophes, hyphens and full stops only."
            )

    def consents(self) -> dict[StoryConsentKind, bool]:
        return {kind: bool(self[name].data) for name, kind in CONSENT_FIELDS.items()}

    def district_choices(self) -> tuple[str, ...]:
        """The districts the ZIP spans in the state (none: nothing to choose)."""
        found = geography().districts_in(self.zip.data or "", self.state.data or "")
        return found if found and len(found) > 1 else ()

    def _district(self) -> bool:
        """Resolved when the ZIP leaves no choice; asked when it does and Congress may
        have the story."""
        choices = self.district_choices()
        if not choices:
            self.district.data = geography().resolve(self.state.data, self.zip.data)
            return True
        if not self.consent_congress.data:
            return True  # no representative will read it: nobody is asked
        self.district.errors = [
            *self.district.errors,
            f"ZIP code {self.zip.data} is in more than one congressional district: choose "
            f"{' or '.join(choices)}, so your story can reach your representative.",
        ]
        return False

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and not self.district.data:
            valid = self._district()
        for name in CONSENT_FIELDS:
            raw = (self[name].raw_data or [""])[0]
            if str(raw).lower() not in CHECKBOX_ON + CHECKBOX_OFF:
                self[name].errors = [
                    *self[name].errors,
                    f"{self[name].label.text}: tick it or leave it empty.",
                ]
                valid = False
        return valid


__all__ = ["CONSENT_FIELDS", "MAX_STORY", "StoryForm"]
