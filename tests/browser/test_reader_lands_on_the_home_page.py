"""A reader lands on the home page: every petition with its progress, and a story."""

import pytest
from playwright.sync_api import expect

from .looking import look_at, no_horizontal_scroll, screenshot

pytestmark = pytest.mark.browser

COUNTED = "[data-gs-counter]:not([hidden])"
PETITIONS = [  # as content/petitions/ declares them: open ones first, by page
    ("paid-family-leave", "Pass paid family and medical leave for every worker", "U.S. Congress"),
    ("protect-wic", "Protect WIC: fund it in full", "House and Senate Appropriations Committees"),
]
NEWEST_STORY = "Grandparents can apply for WIC too"  # none is marked featured: the newest


def test_a_reader_sees_the_home_page_at_a_phones_width_and_a_desktops(campaign, page):
    look_at(page, campaign.url(""), "home-page", ready=COUNTED)
    cards = page.locator(".gs-card")
    expect(cards).to_have_count(len(PETITIONS))
    for card, (slug, title, target) in zip(cards.all(), PETITIONS, strict=True):
        facts = campaign.api(f"api/petitions/{slug}")
        expect(card.get_by_role("heading", name=title)).to_be_visible()
        expect(card.locator(".gs-card__target")).to_have_text(f"To {target}")
        expect(card.locator("[data-gs-count]")).to_have_text(f"{facts['count']:,}")
        expect(card.locator("[data-gs-bar]")).to_have_attribute("value", str(facts["count"]))
        left = facts["goal"] - facts["count"]
        expect(card.locator("[data-gs-left]")).to_have_text(
            f"{left:,} more to reach the goal of {facts['goal']:,}."
        )
        sign = card.get_by_role("link", name="Sign the petition")
        expect(sign).to_have_attribute("href", campaign.url(f"petitions/{slug}/"))
    expect(cards.first.locator(".gs-card__when")).to_have_text("Open until March 31, 2027")


def test_the_featured_story_leads_to_the_story(campaign, page):
    page.goto(campaign.url(""))
    featured = page.locator(".gs-featured")
    expect(featured.locator(".gs-featured__kicker")).to_have_text("Featured story")
    expect(featured).to_contain_text("November 20, 2026 · James Okafor, Maria Alvarez")
    featured.get_by_role("link", name=NEWEST_STORY).click()
    expect(page.get_by_role("heading", level=1, name=NEWEST_STORY)).to_be_visible()


def test_without_javascript_each_card_gives_its_goal(campaign, open_context):
    phone = {"viewport": {"width": 360, "height": 800}, "java_script_enabled": False}
    page = open_context(**phone).new_page()
    page.goto(campaign.url(""))
    expect(page.locator(".gs-card [data-gs-goal-line]")).to_have_text(
        ["Goal: 100,000 signatures", "Goal: 50,000 signatures"]
    )
    expect(page.locator(".gs-card [data-gs-counter]").first).to_be_hidden()
    expect(page.locator(".gs-featured").get_by_role("link", name=NEWEST_STORY)).to_be_visible()
    no_horizontal_scroll(page)
    screenshot(page, "home-page-without-javascript-360")


def test_a_reader_goes_from_a_card_to_its_petition_and_every_script_still_works(campaign, page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(campaign.url(""))
    page.wait_for_selector(COUNTED)
    page.locator(".gs-card").nth(1).get_by_role("link", name=PETITIONS[1][1]).click()
    expect(page).to_have_url(campaign.url(f"petitions/{PETITIONS[1][0]}/"))
    expect(page.locator(f".gs-petition__sign {COUNTED}")).to_be_visible()
    page.go_back()  # instant navigation again, to a page of counters already seen once
    expect(page.locator(COUNTED)).to_have_count(len(PETITIONS))
    assert errors == []
