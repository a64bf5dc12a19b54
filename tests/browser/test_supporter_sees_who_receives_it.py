"""A supporter confirms on her phone and sees who will receive her signature."""

import json
import re

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, AXE
from .support import fill_in, unique_email, wait_for_form_token

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_a_supporter_confirms_on_her_phone_and_sees_her_offices_and_ways_to_share(
    campaign, open_context
):
    page = open_context(**PHONE).new_page()
    page.goto(campaign.url("petitions/paid-family-leave/"))
    wait_for_form_token(page)
    address = unique_email("ada")
    fill_in(page, address)  # New York, NY 10004: one district, NY-10
    page.get_by_role("button", name="Sign the petition").last.click()
    expect(page.locator(".gs-thanks")).to_be_visible()

    page.goto(campaign.confirmation_link(address))
    page.get_by_role("button", name="Confirm my signature").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you, Ada: your signature is confirmed"
    )
    expect(page.locator("main")).to_contain_text("is counted")
    offices = page.locator(".offices li strong")
    expect(offices).to_have_text(
        [
            "Representative Daniel S. Goldman",
            "Senator Charles E. Schumer",
            "Senator Kirsten E. Gillibrand",
        ]
    )
    share = page.locator(".share a")
    expect(share).to_have_text(
        ["Share on Facebook", "Send on WhatsApp", "Post on X", "Send by email"]
    )
    for i, start in enumerate(("https://www.facebook.com/", "https://wa.me/", "https://x.com/")):
        expect(share.nth(i)).to_have_attribute("href", re.compile("^" + re.escape(start)))
    expect(share.nth(3)).to_have_attribute("href", re.compile(r"^mailto:\?subject="))
    copy = page.get_by_label("Or copy the petition's address")
    # With the signer's referral code (ref), no personal data.
    link = campaign.url("petitions/paid-family-leave/?utm_source=link&utm_medium=share")
    expect(copy).to_have_value(re.compile(re.escape(link) + r"&ref=[\w-]+&utm_content=confirmed$"))
    expect(page.get_by_role("link", name="Tell your story")).to_have_attribute(
        "href", campaign.url("stories/tell/?petition=paid-family-leave")
    )

    # The campaign site's look, under the page's own Content-Security-Policy.
    header = page.locator(".site-header")
    expect(header).to_have_text("Families First")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(64, 81, 181)"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "confirmed-page-phone.png"), full_page=True)

    # axe-core is a script, which the page's policy forbids: check a copy without it.
    html = page.content()
    checked = open_context(bypass_csp=True, **PHONE).new_page()
    checked.set_content(html)
    checked.add_script_tag(path=str(AXE))
    results = checked.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(
        [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in serious], indent=1
    )
