"""A supporter tells their story on the tell page, on a phone, with and without JavaScript;
a ZIP code in two districts asks which is theirs, as the petition form does."""

import email
import email.policy
import io
import json
import re
import subprocess
import sys
import time

import pytest
from PIL import Image
from playwright.sync_api import expect

from campaign_site.config import STORY_CONSENTS

from .conftest import ARTIFACTS, AXE, ROOT
from .looking import (
    WIDTHS,
    every_image_loads,
    look_at,
    no_horizontal_scroll,
    screenshot,
)
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


# ---------------------------------------------------------------------------
# How the form, its error pages and the district question look, at 360 and 1280 px.


def test_the_story_form_looks_right_on_a_phone_and_a_desktop(campaign, page):
    look_at(page, campaign.url(TELL), "story-form")
    assert "<my state>" not in page.locator(FORM).inner_text()  # its words are all words


def test_each_consent_box_sits_beside_its_words_on_a_phone(campaign, page):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(campaign.url(TELL))
    for wording in STORY_CONSENTS.values():
        box = page.get_by_label(wording, exact=True).bounding_box()
        words = page.locator(FORM).get_by_text(wording, exact=True).bounding_box()
        assert words["x"] >= box["x"] + box["width"], wording  # beside it, never under it
        assert abs(words["y"] - box["y"]) < box["height"], wording  # from its first line
        assert words["x"] + words["width"] <= 360, wording


def test_a_supporter_in_a_zip_of_two_districts_chooses_theirs_as_on_the_petition_form(
    campaign, open_context
):
    page = open_context(**PHONE).new_page()
    page.goto(campaign.url(TELL))
    form = page.locator(FORM)
    expect(form.locator("[name=form_token]")).not_to_have_value("")
    address = unique_email("rosa")
    fill_in_story(page, address)
    form.get_by_label("State", exact=True).select_option("OH")
    form.get_by_label("ZIP code", exact=True).fill("43215")
    form.get_by_label("ZIP code", exact=True).press("Tab")
    choice = form.get_by_role("group", name="Which is yours?")
    expect(choice).to_be_hidden()  # the district matters only to a story for Congress
    form.get_by_label(STORY_CONSENTS["congress"]).check()
    expect(choice).to_be_visible()
    expect(choice.get_by_role("radio")).to_have_count(2)
    choice.get_by_label("OH-15: Mike Carey").check()
    expect(form.locator("[name=district]")).to_have_value("OH-15")
    page.screenshot(path=str(ARTIFACTS / "pages" / "story-form-district-choice-phone.png"))
    page.get_by_role("button", name="Send my story").click()
    expect(page).to_have_url(campaign.url(TELL + "thanks/"))

    page.goto(story_link(campaign, address))
    page.get_by_role("button", name="Confirm my story").click()
    expect(page.get_by_role("heading", name="your story is with us")).to_be_visible()
    assert story_shown(campaign, address)["district"] == "OH-15"


def test_without_javascript_the_api_asks_the_district_on_a_page_of_its_own(campaign, open_context):
    page = open_context(java_script_enabled=False).new_page()
    page.goto(campaign.url(TELL + "?petition=paid-family-leave"))
    address = unique_email("rosa")
    fill_in_story(page, address)
    page.locator(FORM).get_by_label("State", exact=True).select_option("OH")
    page.locator(FORM).get_by_label("ZIP code", exact=True).fill("43215")
    page.get_by_label(STORY_CONSENTS["congress"]).check()
    page.get_by_role("button", name="Send my story").click()

    expect(
        page.get_by_role("heading", name="One question before we save your story")
    ).to_be_visible()
    look_here(page, open_context, "story-asks-the-district")
    expect(page.get_by_label(STORY_CONSENTS["congress"])).to_be_checked()  # kept
    page.get_by_label("OH-03: Joyce Beatty").check()
    page.get_by_role("button", name="Send my story").click()
    expect(page).to_have_url(campaign.url(TELL + "thanks/"))


def test_a_story_with_mistakes_comes_back_with_each_one_named(campaign, open_context):
    page = open_context(java_script_enabled=False).new_page()
    page.goto(campaign.url(TELL))
    fill_in_story(page, unique_email("mary"))
    page.locator(FORM).get_by_label("ZIP code", exact=True).fill("90210")  # California's
    page.get_by_role("button", name="Send my story").click()

    expect(page.get_by_role("heading", name="Please check your story")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("ZIP code 90210 is not in New York")
    look_here(page, open_context, "story-errors")


def look_here(page, open_context, name: str) -> None:
    """look_at for the page a form post led to, which no address opens again: the checks
    run on a copy served at the same address in a page that runs scripts (axe is one;
    the original may run none, and an API page's policy lets none in), and the
    screenshots are of the page as the person sees it."""
    html, url = page.content(), page.url
    copy = open_context().new_page()
    copy.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))
    copy.goto(url)
    for width in WIDTHS:
        for each in (page, copy):
            each.set_viewport_size({"width": width, "height": 800 if width < 600 else 900})
        no_horizontal_scroll(copy)
        every_image_loads(copy)
        axe_from_outside(copy)
        screenshot(page, f"{name}-{width}")


def axe_from_outside(page) -> None:
    """axe-core run by the test, not the page: the copy keeps the original's markup but
    not its policy, and nothing is loaded past it."""
    page.evaluate("() => {" + AXE.read_text() + "\n}")
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(
        [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in serious], indent=1
    )


def story_link(campaign, address: str, seconds: float = 15) -> str:
    """The link in the newest story confirmation sent to ``address``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in sorted(campaign.mail_dir.glob("*.eml"), reverse=True):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if address in str(message["To"]):
                body = message.get_body(preferencelist=("plain",)).get_content()
                return re.search(r"https?://\S+/confirm-story/[\w.\-~]+", body).group(0)
        time.sleep(0.2)
    raise AssertionError(f"no story confirmation to {address} in {campaign.mail_dir}")


def flask(campaign, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "flask", *args],
        env=campaign.env, cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def story_shown(campaign, address: str) -> dict:
    """`flask stories show` of the confirmed story sent from ``address``."""
    for line in flask(campaign, "stories", "list").splitlines():
        shown = json.loads(flask(campaign, "stories", "show", line.split("\t")[0]))
        if shown["email"] == address:
            return shown
    raise AssertionError(f"no confirmed story from {address}")
