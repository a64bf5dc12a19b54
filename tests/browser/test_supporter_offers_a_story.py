"""A supporter tells their story on the tell page, on a phone, with and without JavaScript."""

import io
import json

import pytest
from PIL import Image
from playwright.sync_api import expect

from campaign_site.config import STORY_CONSENTS

from .conftest import ARTIFACTS, AXE
from .support import unique_email

pytestmark = pytest.mark.browser

TELL = "stories/tell/"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
FORM = "form[data-gs-story]"
LABELLED = {
    "first_name": "First name",
    "email": "Email",
    "state": "State",
    "zip": "ZIP code",
    "story": "Your story",
    "photo": "A photo (optional)",
    **{f"consent_{key}": wording for key, wording in STORY_CONSENTS.items()},
}
HIDDEN = ("petition", "website", "form_token", "utm_source", "variant", "page")


def a_photo() -> dict:
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(picture, "PNG")
    return {"name": "family.png", "mimeType": "image/png", "buffer": picture.getvalue()}


def fill_in_story(page, address: str) -> None:
    form = page.locator(FORM)
    form.get_by_label("First name", exact=True).fill("Mary")
    form.get_by_label("Email", exact=True).fill(address)
    form.get_by_label("State", exact=True).select_option("NY")
    form.get_by_label("ZIP code", exact=True).fill("10004")
    form.get_by_label("Your story", exact=True).fill(
        "When our daughter was born I had two weeks of leave, all of it unpaid."
    )


@pytest.mark.parametrize("path", [TELL, TELL + "thanks/"])
def test_a_supporter_on_a_phone_meets_no_serious_accessibility_problems(
    campaign, open_context, path
):
    page = open_context(**PHONE).new_page()
    page.goto(campaign.url(path))
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(
        [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in serious], indent=1
    )


def test_a_supporter_on_a_phone_finds_every_field_labelled_and_nothing_off_screen(
    campaign, open_context
):
    page = open_context(**PHONE).new_page()
    page.goto(campaign.url(TELL))
    form = page.locator(FORM)
    for name, label in LABELLED.items():
        field = form.get_by_label(label, exact=True)
        expect(field).to_have_count(1)
        expect(field).to_have_attribute("name", name)
        field.scroll_into_view_if_needed()
        expect(field).to_be_visible()
        box = field.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, name
    consents = form.get_by_role("group", name="What we may do with your story")
    expect(consents.get_by_role("checkbox")).to_have_count(4)
    for checkbox in consents.get_by_role("checkbox").all():
        expect(checkbox).not_to_be_checked()
    expect(form.get_by_label("Your story", exact=True)).to_have_attribute("maxlength", "5000")
    expect(form.get_by_text("JPEG, PNG or WebP, up to 8 MB")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "story-form-phone.png"), full_page=True)


def test_a_supporter_without_javascript_gets_a_form_that_posts_everything(campaign, open_context):
    page = open_context(java_script_enabled=False, **PHONE).new_page()
    page.goto(campaign.url(TELL + "?petition=paid-family-leave&utm_source=email"))
    form = page.locator(FORM)
    expect(form).to_have_attribute("method", "post")
    expect(form).to_have_attribute("enctype", "multipart/form-data")
    assert form.evaluate("f => f.action") == campaign.url("api/stories")
    names = set(form.evaluate("f => Array.from(f.elements, e => e.name).filter(Boolean)"))
    assert names >= set(LABELLED) | set(HIDDEN)
    # Without the script the petition stays empty: the story simply names none.
    expect(form.locator("[name=petition]")).to_have_value("")
    expect(form.locator("[name=form_token]")).to_have_value("")
    expect(form.locator("[name=page]")).to_have_value("/" + TELL)
    expect(page.locator("[data-gs-story-about]")).to_be_hidden()


def test_a_supporter_arriving_from_a_confirmed_signature_tells_a_story_about_that_petition(
    campaign, page
):
    page.goto(campaign.url(TELL + "?petition=paid-family-leave&utm_source=email&variant=b"))
    form = page.locator(FORM)
    expect(form.locator("[name=petition]")).to_have_value("paid-family-leave")
    about = page.locator("[data-gs-story-about]")
    expect(about).to_be_visible()
    expect(about).to_contain_text("Pass paid family and medical leave for every worker")
    expect(form.locator("[name=utm_source]")).to_have_value("email")
    expect(form.locator("[name=variant]")).to_have_value("b")
    expect(form.locator("[name=form_token]")).not_to_have_value("")


def test_a_made_up_petition_in_the_address_is_left_out(campaign, page):
    page.goto(campaign.url(TELL + "?petition=not-a-petition"))
    page.wait_for_load_state("networkidle")
    expect(page.locator(FORM + " [name=petition]")).to_have_value("")
    expect(page.locator("[data-gs-story-about]")).to_be_hidden()


def test_a_supporter_without_javascript_sends_a_story_and_lands_on_the_thank_you_page(
    campaign, open_context
):
    page = open_context(java_script_enabled=False, **PHONE).new_page()
    page.goto(campaign.url(TELL))
    fill_in_story(page, unique_email("mary"))
    page.get_by_label(STORY_CONSENTS["publish"]).check()
    page.get_by_role("button", name="Send my story").click()

    expect(page).to_have_url(campaign.url(TELL + "thanks/"))
    expect(
        page.get_by_role("heading", name="Check your email to confirm your story")
    ).to_be_visible()


def test_a_supporter_with_javascript_sends_a_story_with_a_photo(campaign, open_context):
    page = open_context(**PHONE).new_page()
    page.goto(campaign.url(TELL + "?petition=protect-wic"))
    form = page.locator(FORM)
    expect(form.locator("[name=form_token]")).not_to_have_value("")
    fill_in_story(page, unique_email("dorothy"))
    form.get_by_label("A photo (optional)").set_input_files(a_photo())
    for wording in STORY_CONSENTS.values():
        form.get_by_label(wording).check()
    page.get_by_role("button", name="Send my story").click()

    expect(page).to_have_url(campaign.url(TELL + "thanks/"))
