"""A supporter in Columbus (ZIP 43215 lies in Ohio's 3rd and 15th districts) offers a
story for their members of Congress: without a district it would reach only the
senators, so the form asks which is theirs, as the petition form does. Once confirmed,
the page leads on: to the story's petition, to sharing it, and back to the site."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from ..conftest import load_congress
from .support import mailbox, send_mail
from .test_supporter_offers_a_story import STORY, stories

COLUMBUS = {**STORY, "state": "OH", "zip": "43215", "first_name": "Rosa"}


@pytest.fixture
def districts(app):
    load_congress(app)


def as_form(story: dict) -> dict:
    return {k: ("y" if v is True else "" if v is False else v) for k, v in story.items()}


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_story_for_congress_from_a_zip_in_two_districts_asks_which_without_javascript(
    app, client, districts
):
    asked = client.post("/api/stories", data=as_form(COLUMBUS))
    assert asked.status_code == 422 and stories(app) == []
    page = text_of(asked)
    assert "One question before we save your story" in page
    assert "Your ZIP code is in more than one congressional district. Which is yours?" in page
    assert 'value="OH-03"> OH-03: Joyce Beatty' in page
    assert 'value="OH-15"> OH-15: Mike Carey' in page
    assert COLUMBUS["story"].split("\n")[0] in page  # the words are kept for the second try
    assert '<option value="OH" selected>Ohio</option>' in page

    chosen = client.post("/api/stories", data={**as_form(COLUMBUS), "district": "OH-15"})
    assert chosen.status_code == 303
    assert stories(app)[0].district == "OH-15"


def test_the_api_names_the_districts_to_choose_from_and_refuses_one_the_zip_is_not_in(
    app, client, districts
):
    asked = client.post("/api/stories", json=COLUMBUS)
    assert asked.status_code == 422
    assert asked.get_json()["errors"] == {
        "district": [
            "ZIP code 43215 is in more than one congressional district: choose OH-03 or "
            "OH-15, so your story can reach your representative."
        ]
    }
    wrong = client.post("/api/stories", json={**COLUMBUS, "district": "OH-12"})
    assert (
        "ZIP code 43215 is not in district OH-12: choose OH-03 or OH-15."
        in (wrong.get_json()["errors"]["district"][0])
    )
    elsewhere = client.post("/api/stories", json={**COLUMBUS, "district": "NY-12"})
    assert elsewhere.get_json()["errors"]["district"] == ["District NY-12 is not in OH."]
    assert stories(app) == []
    assert client.post("/api/stories", json={**COLUMBUS, "district": "oh-03"}).status_code == 201
    assert stories(app)[0].district == "OH-03"


def test_a_story_not_for_congress_asks_no_district_and_a_zip_in_one_district_needs_none(
    app, client, districts
):
    private = client.post("/api/stories", json={**COLUMBUS, "consent_congress": False})
    assert private.status_code == 201 and stories(app)[0].district is None
    albany = {**STORY, "state": "NY", "zip": "12207", "email": "al@example.org"}
    assert client.post("/api/stories", json=albany).status_code == 201
    assert stories(app)[1].district == "NY-20"


def confirmed_page(client, runner, app, **changes) -> str:
    """The page a supporter sees after pressing the emailed link's button (unescaped)."""
    client.post("/api/stories", json={**STORY, **changes})
    send_mail(runner)
    [message] = [m for m in mailbox(app) if m["To"] == changes.get("email", STORY["email"])]
    body = message.get_body(("plain",)).get_content()
    link = next(w for w in body.split() if "/confirm-story/" in w).split("8000", 1)[1]
    answer = client.post(link)
    assert answer.status_code == 200
    return html.unescape(answer.get_data(as_text=True))


def test_the_confirmed_page_leads_to_its_petition_to_sharing_it_and_back_to_the_site(
    app, client, runner
):
    shown = confirmed_page(client, runner, app)
    assert "Thank you, Maria: your story is with us" in shown
    site = "http://127.0.0.1:8000"
    sign = f'<a class="button" href="{site}/petitions/paid-family-leave/">Sign the petition</a>'
    assert sign in shown
    shares = re.findall(r'<li><a href="([^"]+)">', shown.split('<ul class="share">')[1])
    assert [urlsplit(href).scheme or href.split(":")[0] for href in shares] == [
        "https", "https", "https", "mailto",
    ]  # fmt: skip
    assert all("story-confirmed" in href for href in shares)  # counted as from this page
    whatsapp = next(href for href in shares if href.startswith("https://wa.me/"))
    text = parse_qs(urlsplit(whatsapp).query)["text"][0]
    assert text.startswith("Sign the petition: ")  # never "I just signed": they may not have
    assert "utm_content=story-confirmed" in shown.split('id="petition-link"')[1].split(">")[0]
    assert f'<a href="{site}">Back to ' in shown
    assert STORY["email"] not in shown


def test_a_story_about_no_petition_is_shown_the_open_petitions_to_sign(app, client, runner):
    shown = confirmed_page(
        client, runner, app, petition="", email="jo@example.org", first_name="Jo"
    )
    assert "Thank you, Jo: your story is with us" in shown
    assert "Add your name" in shown
    listed = re.findall(r'<li><a href="[^"]+/petitions/([a-z-]+)/">', shown)
    assert listed == ["paid-family-leave", "fund-wic"]  # open ones only, never the closed
    assert "Ask your friends to sign" not in shown  # no petition of its own to share


def test_a_story_about_a_closed_petition_is_not_asked_to_sign_it(app, client, runner):
    shown = confirmed_page(client, runner, app, petition="closed-petition", email="al@example.org")
    assert "which has closed" in shown and "Read the petition" in shown
    assert "Sign the petition" not in shown and "Ask your friends to sign" not in shown
