"""A supporter mistypes, has an ambiguous ZIP, or signs while the API is down."""

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .support import fill_in, unique_email, wait_for_form_token

pytestmark = pytest.mark.browser

PETITION = "petitions/paid-family-leave/"


def test_a_supporter_submits_bad_input_and_sees_each_error_next_to_its_field(campaign, page):
    page.goto(campaign.url(PETITION))
    wait_for_form_token(page)
    fill_in(page, "not-an-email", first_name="", zip="123")
    page.select_option("#gs-state", "")
    page.get_by_role("button", name="Sign the petition").last.click()

    for field in ("first_name", "email", "state", "zip"):
        error = page.locator(f"#gs-{field}-error")
        expect(error).to_be_visible()
        expect(error).not_to_be_empty()
        expect(page.locator(f"#gs-{field}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#gs-last_name-error")).to_be_hidden()
    expect(page.locator("#gs-first_name")).to_be_focused()
    alert = page.locator("[data-gs-alert]")
    expect(alert).to_have_attribute("aria-live", "assertive")
    expect(alert).to_contain_text("fields need your attention")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("[data-gs-panel]").screenshot(path=str(ARTIFACTS / "petition-form-errors.png"))

    page.fill("#gs-first_name", "Ada")
    page.fill("#gs-email", unique_email("ada"))
    page.select_option("#gs-state", "NY")
    page.fill("#gs-zip", "10004")
    page.get_by_role("button", name="Sign the petition").last.click()
    expect(page.locator(".gs-thanks")).to_be_visible()


def test_a_supporter_whose_zip_spans_two_districts_chooses_theirs(campaign, page):
    page.goto(campaign.url(PETITION))
    wait_for_form_token(page)
    page.fill("#gs-zip", "10001")
    page.press("#gs-zip", "Tab")

    choices = page.locator("[data-gs-districts]")
    expect(choices).to_be_visible()
    expect(choices.get_by_role("radio")).to_have_count(2)
    choices.get_by_label("NY-12").check()
    assert page.input_value("[name=district]") == "NY-12"
    ARTIFACTS.mkdir(exist_ok=True)
    choices.screenshot(path=str(ARTIFACTS / "district-choice.png"))

    page.fill("#gs-zip", "10004")
    page.press("#gs-zip", "Tab")
    expect(choices).to_be_hidden()
    expect(page.locator("[name=district]")).to_have_value("NY-10")


def test_a_supporter_signs_while_the_api_is_down_and_keeps_what_they_typed(campaign, page):
    page.goto(campaign.url(PETITION))
    wait_for_form_token(page)
    page.route("**/api/petitions/*/signatures", lambda route: route.abort())
    address = unique_email("mary")
    fill_in(page, address, comment="For my daughter.")
    page.get_by_role("button", name="Sign the petition").last.click()

    expect(page.locator("[data-gs-alert]")).to_contain_text("can't reach the petition service")
    expect(page.locator("#gs-email")).to_have_value(address)
    expect(page.locator("#gs-comment")).to_have_value("For my daughter.")
    expect(page.locator(".gs-submit")).to_be_enabled()
