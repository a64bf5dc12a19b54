"""A supporter signs a petition in a real browser, with and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .support import fill_in, signature_posts, unique_email, wait_for_form_token

pytestmark = pytest.mark.browser

PETITION = "petitions/paid-family-leave/"


def test_a_supporter_signs_with_javascript_on_and_sees_the_thank_you_panel(campaign, page, traffic):
    page.goto(campaign.url(PETITION + "?utm_source=newsletter&utm_campaign=fall&variant=b"))
    wait_for_form_token(page)
    address = unique_email("ada")
    fill_in(page, address)
    page.check("#gs-email_updates")
    page.get_by_role("button", name="Sign the petition").last.click()

    thanks = page.locator(".gs-thanks")
    expect(thanks.get_by_role("heading", name="Thank you for signing")).to_be_visible()
    expect(thanks).to_contain_text("Check your email to confirm")
    expect(thanks).to_be_focused()
    share = thanks.locator(".gs-share__links a")
    expect(share).to_have_count(4)
    expect(share.nth(0)).to_have_attribute("href", re.compile(r"^https://www\.facebook\.com/"))
    expect(thanks.get_by_role("button", name="Copy link")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    thanks.screenshot(path=str(ARTIFACTS / "thank-you-panel.png"))

    [sent] = signature_posts(traffic)
    assert sent["email"] == address
    assert sent["email_updates"] is True
    # A link's ?variant= is not the page's: the petition page itself names none.
    assert (sent["utm_source"], sent["utm_campaign"], sent["variant"]) == (
        "newsletter",
        "fall",
        "",
    )
    assert sent["page"] == "/" + PETITION
    assert sent["form_token"]
    assert sent["website"] == ""
    assert campaign.confirmation_link(address)


def test_a_supporter_without_javascript_lands_on_the_thank_you_page(campaign, open_context):
    page = open_context(java_script_enabled=False).new_page()
    page.goto(campaign.url(PETITION))
    address = unique_email("grace")
    fill_in(page, address)
    page.get_by_role("button", name="Sign the petition").last.click()

    # With the signer's referral code, which the page's script would add to its links.
    thanks = re.escape(campaign.url(PETITION + "thanks/"))
    expect(page).to_have_url(re.compile(thanks + r"\?ref=[\w-]{12}$"))
    expect(page.get_by_role("heading", name="Thank you for signing")).to_be_visible()
    expect(page.locator(".gs-share__links a")).to_have_count(4)
    assert campaign.confirmation_link(address)


def test_the_counter_reflects_a_confirmed_signature(campaign, page):
    before = campaign.api("api/petitions/protect-wic")["count"]
    page.goto(campaign.url("petitions/protect-wic/"))
    expect(page.locator("[data-gs-count]")).to_have_text(f"{before:,}")
    wait_for_form_token(page)
    address = unique_email("katherine")
    fill_in(page, address)
    page.get_by_role("button", name="Sign the petition").last.click()
    expect(page.locator(".gs-thanks")).to_be_visible()

    page.goto(campaign.confirmation_link(address))
    page.get_by_role("button", name="Confirm my signature").click()
    expect(page.get_by_role("heading", name=re.compile("confirmed"))).to_be_visible()

    page.goto(campaign.url("petitions/protect-wic/"))
    counter = page.locator("[data-gs-count]")
    for _ in range(20):  # the public count is refreshed in batches
        if counter.inner_text() == f"{before + 1:,}":
            break
        page.wait_for_timeout(300)
        page.reload()
    expect(counter).to_have_text(f"{before + 1:,}")
    expect(page.locator("[data-gs-bar]")).to_have_attribute("value", str(before + 1))


def test_a_supporter_arrives_by_instant_navigation_and_the_form_is_ready(campaign, page):
    page.goto(campaign.url(""))
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="Sign the petition").first.click()
    expect(page).to_have_url(campaign.url(PETITION))
    wait_for_form_token(page)
    expect(page.locator("[data-gs-counter]")).to_be_visible()
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # no reload
