"""A supporter makes mistakes filling the form: each field says what is wrong, nothing is stored."""

from __future__ import annotations

import json
from html import escape

import pytest

from petition_api.models import Outbox, Signature

from ..conftest import MANIFEST
from .support import PETITION, SIGN_URL, row_count, signatures, supporter

BAD_INPUTS = [
    # (field, bad value, words the message must contain)
    ("first_name", "", "enter your first name"),
    ("first_name", "   ", "enter your first name"),
    ("first_name", "M" * 101, "at most 100"),
    ("first_name", '=HYPERLINK("http://evil")', "web address"),
    ("first_name", "=SUM(A1:A9)", "cannot start with"),
    ("first_name", "+Maria", "cannot start with"),
    ("first_name", "-Maria", "cannot start with"),
    ("first_name", "@Maria", "cannot start with"),
    ("first_name", "Maria\x00", "control characters"),
    ("first_name", "Maria\nYour account is locked, reply with your password", "one line"),
    ("last_name", "Hernandez\r\nBcc: everyone", "one line"),
    ("city", "New\tYork", "one line"),
    ("first_name", "Maria\u2028Dear customer, your account", "one line"),
    ("last_name", "Hernandez\u202egnp.exe", "one line"),
    ("street", "1 Main St\n2 Other St", "one line"),
    ("last_name", "", "enter your last name"),
    ("last_name", "visit www.cheap-pills.example", "web address"),
    ("last_name", "Hernandez https://spam.example", "web address"),
    ("last_name", "buy-now.com", "web address"),
    ("email", "", "enter your email"),
    ("email", "maria", "not valid"),
    ("email", "maria@", "not valid"),
    ("email", "maria@@example.org", "not valid"),
    ("email", "maria@example", "not valid"),
    ("email", "maria hernandez@example.org", "not valid"),
    ("email", "a" * 250 + "@example.org", "at most 254"),
    ("street", "S" * 201, "at most 200"),
    ("street", "http://example.org/house", "web address"),
    ("city", "C" * 101, "at most 100"),
    ("city", "=1+1", "cannot start with"),
    ("state", "", "choose your state"),
    ("state", "XX", "two-letter"),
    ("state", "New York", "two-letter"),
    ("zip", "", "enter your ZIP"),
    ("zip", "1011", "5 digits"),
    ("zip", "10118-12", "5 digits"),
    ("zip", "ABCDE", "5 digits"),
    ("zip", "90210", "not in New York"),
    ("district", "twelve", "look like NY-12"),
    ("district", "NY-123", "look like NY-12"),
    ("district", "ny12", "look like NY-12"),
    ("district", "CA-12", "not in NY"),
    ("comment", "c" * 1001, "at most 1,000"),
    ("comment", "see http://spam.example", "web address"),
    ("comment", "=cmd|' /C calc'!A0", "cannot start with"),
    ("email_updates", "perhaps", "ticked or left empty"),
]


@pytest.mark.parametrize(("field", "value", "words"), BAD_INPUTS)
def test_each_bad_field_gets_its_own_message_and_nothing_is_stored(
    app, client, field, value, words
):
    response = client.post(SIGN_URL, json=supporter(**{field: value}))

    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert list(errors) == [field]
    assert len(errors[field]) == 1, errors[field]  # one clear message, not a pile
    assert words.lower() in errors[field][0].lower()
    assert row_count(app, Signature) == 0
    assert row_count(app, Outbox) == 0


def test_several_mistakes_are_all_reported_at_once(app, client):
    response = client.post(SIGN_URL, json={"first_name": "Maria", "zip": "123"})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"last_name", "email", "state", "zip"}


def test_a_comment_written_on_several_lines_in_a_form_post_is_kept_as_written(app, client):
    # Browsers send a textarea's line breaks as CRLF; JSON from the script sends LF.
    comment = "My daughter needed WIC.\r\n\r\nPlease fund it."
    response = client.post(SIGN_URL, data=supporter(comment=comment, email_updates="y"))
    assert response.status_code == 303
    [row] = signatures(app)
    assert row.comment == "My daughter needed WIC.\n\nPlease fund it."


def test_names_from_everywhere_are_welcome(app, client):
    for i, (first, last) in enumerate(
        [
            ("José", "Núñez"),
            ("李", "雷"),
            ("Siobhán", "O'Brien-Ó Súilleabháin"),
            ("Mary-Jane", "St. John"),
            ("Nguyễn", "Văn A"),
            ("\u0645\u0647\u0631\u200c\u0646\u0627\u0632", "Rahimi"),  # Mehrnaz, with a ZWNJ
        ]
    ):
        response = client.post(
            SIGN_URL,
            json=supporter(first_name=first, last_name=last, email=f"person{i}@example.org"),
        )
        assert response.status_code == 201, response.get_json()


def test_a_zip_on_a_state_line_is_accepted_for_the_neighbouring_state(app, client):
    # ZIP 57717 (Belle Fourche area) reaches across from South Dakota into Wyoming.
    response = client.post(SIGN_URL, json=supporter(state="WY", zip="57717"))
    assert response.status_code == 201


def test_a_form_post_with_mistakes_shows_each_error_next_to_its_field_and_keeps_what_was_typed(
    app, client
):
    form = supporter(email="maria@", zip="1234", email_updates="y")
    response = client.post(SIGN_URL, data=form, headers={"Accept": "text/html"})

    assert response.status_code == 422
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert 'id="email-error"' in page and "Email address is not valid" in page
    assert 'id="zip-error"' in page and "ZIP code must be 5 digits" in page
    assert 'value="Maria"' in page and 'value="350 Fifth Avenue"' in page
    assert 'aria-invalid="true"' in page
    assert row_count(app, Signature) == 0


def test_the_form_shown_again_asks_for_no_street_when_the_sites_form_sent_none(app, client):
    """The site's form asks for no street (the privacy notice says so); a form embedded
    elsewhere that sent one gets it back to correct."""
    page = client.post(SIGN_URL, data=supporter(street=None, zip="1234")).get_data(True)
    assert 'name="street"' not in page and "Street address" not in page
    page = client.post(SIGN_URL, data=supporter(zip="1234")).get_data(True)
    assert 'name="street"' in page and 'value="350 Fifth Avenue"' in page


def test_the_form_shown_again_asks_for_updates_in_the_words_the_petition_recorded(app, client):
    """Ticking the box on the error page records the petition's consent wording, so
    that is what the box must say, word for word, not words of our own."""
    petitions = json.loads(MANIFEST.read_text(encoding="utf-8"))["petitions"]
    wording = next(p["email_updates_consent"] for p in petitions if p["slug"] == PETITION)
    page = client.post(SIGN_URL, data=supporter(zip="1234", email_updates="y")).get_data(True)
    box = page[page.index('name="email_updates"') : page.index("</label>", page.index("updates"))]
    assert box.endswith(f"> {escape(wording)}") and " checked" in box


def test_a_body_nested_thousands_deep_is_refused_plainly(app, client):
    for body in ("[" * 15_000, '{"a":' * 3_000):  # both within the 16 KB body limit
        response = client.post(SIGN_URL, data=body, content_type="application/json")
        assert response.status_code == 400
        assert "JSON object" in response.get_json()["error"]["message"]
    assert row_count(app, Signature) == 0


def test_a_comment_far_too_long_gets_its_length_error_and_no_more_work(app, client):
    # 14 KB of `a-a-a-` once cost a second of CPU in the web-address check after
    # the length check had already failed.
    response = client.post(SIGN_URL, json=supporter(comment="a-" * 7_000))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "comment": ["Comment must be at most 1,000 characters."]
    }
