"""A supporter opens a petition page and keeps it open: what she sees, at a phone's
width and a desktop's, before and after signing, with and without JavaScript."""

import io
import re
import subprocess
import sys
import time

import pytest
from PIL import Image
from playwright.sync_api import expect

from petition_api.states import STATES

from .conftest import ROOT
from .looking import look_at, no_horizontal_scroll, screenshot
from .support import fill_in, unique_email, wait_for_form_token

pytestmark = pytest.mark.browser

PETITION = "petitions/protect-wic/"
FACTS = "api/petitions/protect-wic"
COUNTED = "[data-gs-counter]:not([hidden])"
# The API's list (petition_api/petitions/sharing.py), as its confirmed page shows it.
CHANNELS = ["Share on Facebook", "Send on WhatsApp", "Post on X", "Send by email"]


def sign_and_confirm(campaign, open_context, state="NY", zip_code="10004") -> str:
    """Another supporter signs on her own device and confirms from her email."""
    page = open_context().new_page()
    page.goto(campaign.url(PETITION))
    wait_for_form_token(page)
    address = unique_email("friend")
    fill_in(page, address, state=state, zip=zip_code)
    page.get_by_role("button", name="Sign the petition").last.click()
    expect(page.locator(".gs-thanks")).to_be_visible()
    page.goto(campaign.confirmation_link(address))
    page.get_by_role("button", name="Confirm my signature").click()
    expect(page.get_by_role("heading", name=re.compile("confirmed"))).to_be_visible()
    page.close()
    return address


def shown_count(page) -> int:
    return int(page.locator("[data-gs-count]").inner_text().replace(",", ""))


def bar_colour(bar) -> tuple[int, int, int]:
    """The colour a progress bar fills with, read from its pixels half filled."""
    was = bar.evaluate("e => { const v = e.value; e.value = e.max / 2; return v; }")
    picture = Image.open(io.BytesIO(bar.screenshot())).convert("RGB")
    bar.evaluate("(e, v) => { e.value = v; }", was)
    return picture.getpixel((picture.width // 4, picture.height // 2))


def wait_on_the_page(page, seconds: float) -> None:
    """Let the page's clock jump ahead, then give its requests real time to answer
    (waiting through Playwright, which meanwhile hears of the page's requests)."""
    page.clock.fast_forward(int(seconds * 1000))
    page.wait_for_timeout(300)


def test_a_supporter_sees_the_petition_page_at_a_phones_width_and_a_desktops(campaign, page):
    look_at(page, campaign.url(PETITION), "petition-page", ready=COUNTED)
    facts = campaign.api(FACTS)

    expect(page.locator("[data-gs-count]")).to_have_text(f"{facts['count']:,}")
    left = facts["goal"] - facts["count"]
    expect(page.locator("[data-gs-left]")).to_have_text(
        f"{left:,} more to reach the goal of {facts['goal']:,}."
    )
    bar = page.locator("[data-gs-bar]")
    expect(bar).to_have_attribute("value", str(facts["count"]))
    primary = page.evaluate(
        "getComputedStyle(document.body).getPropertyValue('--md-primary-fg-color').trim()"
    )
    assert primary == "#4051b5"  # mkdocs.yml's indigo
    assert bar_colour(bar) == (64, 81, 181)

    # Share links before signing, worded for someone who may not have signed.
    share = page.locator("[data-gs-share-before]")
    expect(share.get_by_role("heading")).to_have_text("Share this petition")
    expect(share.locator(".gs-share__links a")).to_have_text(CHANNELS)
    expect(share.get_by_role("link", name="Send on WhatsApp")).to_have_attribute(
        "href", re.compile(r"^https://wa\.me/\?text=Sign\+the\+petition")
    )
    expect(share.get_by_label("Link to the petition")).to_have_value(
        campaign.url(PETITION + "?utm_source=link&utm_medium=share&utm_content=petition-page")
    )
    expect(share.get_by_role("button", name="Copy link")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False])
def test_a_long_title_in_the_header_never_widens_a_phones_page(campaign, open_context, javascript):
    phone = {"viewport": {"width": 360, "height": 800}, "java_script_enabled": javascript}
    page = open_context(**phone).new_page()
    page.goto(campaign.url("petitions/paid-family-leave/thanks/"))
    no_horizontal_scroll(page)
    page.mouse.wheel(0, 400)  # the header swaps the site's name for the page's title
    page.wait_for_timeout(300)
    no_horizontal_scroll(page)


def test_the_counter_goes_up_while_the_page_stays_open(campaign, page, open_context):
    page.clock.install()
    page.goto(campaign.url(PETITION))
    page.wait_for_selector(COUNTED)
    before = shown_count(page)
    page.evaluate("window.stillTheSamePage = true")

    sign_and_confirm(campaign, open_context)
    for _ in range(10):  # the API folds confirmations into its count in batches
        wait_on_the_page(page, 30)
        if shown_count(page) == before + 1:
            break
    expect(page.locator("[data-gs-count]")).to_have_text(f"{before + 1:,}")
    expect(page.locator("[data-gs-bar]")).to_have_attribute("value", str(before + 1))
    assert page.evaluate("window.stillTheSamePage")  # no reload
    expect(page.locator("[data-gs-count-news]")).to_have_text("")  # one more is no news


def test_a_screen_reader_hears_when_the_count_passes_a_tenth_of_the_goal(campaign, page):
    slug = "paid-family-leave"  # goal 100,000: a tenth is 10,000 signatures
    page.clock.install()
    page.goto(campaign.url(f"petitions/{slug}/"))
    page.wait_for_selector(COUNTED)
    before = shown_count(page)
    subprocess.run(
        [sys.executable, "-m", "flask", "signatures", "synthesize", "10000", "--petition", slug],
        env=campaign.env, cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    for _ in range(20):
        wait_on_the_page(page, 30)
        if shown_count(page) >= before + 10_000:
            break
    now = shown_count(page)
    tenth = now * 10 // 100_000
    assert tenth > before * 10 // 100_000
    news = page.locator("[data-gs-count-news]")
    expect(news).to_have_text(f"{now:,} signatures now: {tenth * 10}% of the goal.")
    expect(news).to_have_attribute("role", "status")


def test_the_number_on_screen_never_drops_while_someone_watches(campaign, page, open_context):
    page.clock.install()
    page.goto(campaign.url(PETITION))
    page.wait_for_selector(COUNTED)
    address = sign_and_confirm(campaign, open_context)
    for _ in range(10):
        wait_on_the_page(page, 30)
        if shown_count(page) == campaign.api(FACTS)["count"]:
            break
    watched = shown_count(page)

    # Staff take the signature out of the count: a page left open keeps its number...
    subprocess.run(
        [sys.executable, "-m", "flask", "signatures", "invalidate", "--email", address,
         "--petition", "protect-wic", "--reason", "a test", "--yes"],
        env=campaign.env, cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while campaign.api(FACTS)["count"] >= watched and time.monotonic() < deadline:
        time.sleep(0.2)
    assert campaign.api(FACTS)["count"] == watched - 1
    wait_on_the_page(page, 30)
    expect(page.locator("[data-gs-count]")).to_have_text(f"{watched:,}")
    # ...and the next visit tells the truth.
    page.reload()
    expect(page.locator("[data-gs-count]")).to_have_text(f"{watched - 1:,}")


def test_a_hidden_tab_asks_nothing_until_it_is_looked_at_again(campaign, page):
    asked = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/" + FACTS) else None)
    page.clock.install()
    page.goto(campaign.url(PETITION))
    page.wait_for_selector(COUNTED)
    wait_on_the_page(page, 30)
    assert len(asked) == 2  # on arrival, then 30 seconds later

    # Headless Chromium never hides a tab: say it is hidden, as a browser would.
    set_hidden = """hidden => {
      Object.defineProperty(document, 'hidden', {value: hidden, configurable: true});
      Object.defineProperty(document, 'visibilityState',
        {value: hidden ? 'hidden' : 'visible', configurable: true});
      document.dispatchEvent(new Event('visibilitychange'));
    }"""
    page.evaluate(set_hidden, True)
    for _ in range(20):
        wait_on_the_page(page, 30)  # ten minutes in another tab
    assert len(asked) == 2
    page.evaluate(set_hidden, False)
    page.wait_for_timeout(300)
    assert len(asked) == 3  # at once: the last answer is older than 30 seconds


def test_a_counter_that_cannot_reach_the_service_asks_less_and_less_often(campaign, page):
    failed = []

    def unavailable(route):
        failed.append(time.monotonic())
        route.fulfill(status=503, body="{}", content_type="application/json")

    page.route("**/" + FACTS, unavailable)
    page.clock.install()
    page.goto(campaign.url(PETITION))
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-gs-goal-line]")).to_have_text("Goal: 50,000 signatures")
    # 60 s after the first failure, then 120, 240, and every 300 from then on.
    steps = [(55, 1), (10, 2), (110, 2), (15, 3), (230, 3), (15, 4), (290, 4), (15, 5)]
    for wait, total in [*steps, (290, 5), (15, 6)]:
        wait_on_the_page(page, wait)
        assert len(failed) == total, (wait, total)


def test_the_page_lists_signatures_by_state_most_first(campaign, page, open_context):
    sign_and_confirm(campaign, open_context, state="OH", zip_code="43215")
    # Signatures from every district (staff's synthetic ones), so some states are in
    # the "Show N more" part.
    subprocess.run(
        [sys.executable, "-m", "flask", "signatures", "synthesize", "500", "--petition",
         "protect-wic"],
        env=campaign.env, cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while len(campaign.api(FACTS)["by_state"]) <= 10 and time.monotonic() < deadline:
        time.sleep(0.2)
    page.goto(campaign.url(PETITION))
    section = page.locator("[data-gs-by-state]")
    expect(section.get_by_role("heading", name="Signatures by state")).to_be_visible()
    expected = {STATES[code]: count for code, count in campaign.api(FACTS)["by_state"].items()}

    expect(section.locator("[data-gs-states-top] tr")).to_have_count(10)
    rest = section.locator("[data-gs-states-rest] tr")
    expect(rest.first).to_be_hidden()
    summary = section.locator("[data-gs-states-more] summary")
    expect(summary).to_have_text(f"Show {len(expected) - 10} more states")
    summary.click()
    expect(rest.first).to_be_visible()
    rows = section.locator("tbody tr")
    shown = [
        (row.locator("th").inner_text(), int(row.locator("td").inner_text().replace(",", "")))
        for row in rows.all()
    ]
    assert dict(shown) == expected and len(shown) == len(expected)
    assert [count for _, count in shown] == sorted(expected.values(), reverse=True)
    assert "Ohio" in dict(shown)


def test_after_signing_the_panel_offers_what_the_confirmed_page_offers(campaign, page):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(campaign.url(PETITION))
    wait_for_form_token(page)
    expect(page.get_by_role("textbox", name=re.compile("Street"))).to_have_count(0)
    address = unique_email("ada")
    fill_in(page, address)
    page.get_by_role("button", name="Sign the petition").last.click()

    thanks = page.locator(".gs-thanks")
    expect(thanks.get_by_role("heading", name="Ask your friends to sign")).to_be_visible()
    expect(thanks.locator(".gs-share__links a")).to_have_text(CHANNELS)
    expect(thanks.get_by_role("link", name="Send on WhatsApp")).to_have_attribute(
        "href", re.compile(r"^https://wa\.me/\?text=I\+just\+signed.*thank-you-panel")
    )
    expect(page.locator("[data-gs-share-before]")).to_have_count(0)  # one set of links
    expect(thanks.get_by_role("button", name="Copy link")).to_be_visible()
    no_horizontal_scroll(page)
    screenshot(page, "petition-thank-you-panel-360")

    page.goto(campaign.confirmation_link(address))
    page.get_by_role("button", name="Confirm my signature").click()
    expect(page.locator(".share a")).to_have_text(CHANNELS)


def test_without_javascript_the_links_work_and_nothing_pretends_to(campaign, open_context):
    page = open_context(
        java_script_enabled=False, viewport={"width": 360, "height": 800}
    ).new_page()
    page.goto(campaign.url(PETITION))
    expect(page.locator("[data-gs-goal-line]")).to_have_text("Goal: 50,000 signatures")
    expect(page.locator("[data-gs-counter]")).to_be_hidden()
    expect(page.locator("[data-gs-by-state]")).to_be_hidden()
    share = page.locator("[data-gs-share-before]")
    expect(share.locator(".gs-share__links a")).to_have_text(CHANNELS)
    expect(share.get_by_role("button", name="Copy link")).to_be_hidden()
    no_horizontal_scroll(page)
    screenshot(page, "petition-page-without-javascript-360")

    page.goto(campaign.url(PETITION + "thanks/"))
    expect(page.locator(".gs-share__links a")).to_have_text(CHANNELS)
    expect(page.get_by_role("link", name="Post on X")).to_have_attribute(
        "href", re.compile(r"utm_content%3Dthank-you-page")
    )
    expect(page.get_by_role("button", name="Copy link")).to_be_hidden()
    no_horizontal_scroll(page)


def test_the_thank_you_page_looks_right_at_a_phones_width_and_a_desktops(campaign, page):
    look_at(page, campaign.url(PETITION + "thanks/"), "petition-thank-you-page")
    expect(page.locator(".gs-share__links a")).to_have_text(CHANNELS)
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
