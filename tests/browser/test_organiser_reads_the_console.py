"""An organiser reads the console on a phone and at a desk: a dashboard whose figures
agree and whose charts say which colour is which, exports whose filters come before
the buttons they apply to, and a search across petitions that says whose petition
each signature is on. Each page is looked at at 360 and 1280 px."""

from __future__ import annotations

from itertools import pairwise

import pytest
from playwright.sync_api import expect

from . import looking
from .support import unique_email
from .test_staff_day_at_the_console import PASSWORD, flask, no_serious_accessibility_problems

pytestmark = pytest.mark.browser

PETITION = "protect-wic"
SYNTHETIC = 400


def look_here(page, name: str) -> None:
    """looking.look_at's checks on the page as it is (a search's results are posted,
    so there is no address to open again); axe from the test's side, as the console's
    policy lets no script in but its own."""
    looking.no_horizontal_scroll(page)
    looking.every_image_loads(page)
    no_serious_accessibility_problems(page)
    looking.screenshot(page, name)


def at_each_width(page, name: str, show) -> None:
    """``show()`` the page at a phone's width and a desktop's, and look at it each time."""
    for width in looking.WIDTHS:
        page.set_viewport_size({"width": width, "height": 800 if width < 600 else 900})
        show()
        look_here(page, f"{name}-{width}")


def signed_in_organiser(campaign, page) -> None:
    me = unique_email("organiser")
    flask(
        campaign, "staff", "create", me, "--role", "organiser", "--password-stdin", stdin=PASSWORD
    )
    page.goto(campaign.url("/admin/login"))
    page.get_by_label("Email address").fill(me)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


# The campaign's link colour (the console's --link, from the site's look), as computed.
LINK_COLOUR = """() => {
  const probe = document.createElement('i');
  probe.style.color = 'var(--link)';
  document.body.append(probe);
  const colour = getComputedStyle(probe).color;
  probe.remove();
  return colour;
}"""


# Every piece of chart text a person can see, with the size it is drawn at on screen:
# its font size times whatever scales its SVG (a viewBox shown narrower than drawn).
CHART_TEXT = """() => [...document.querySelectorAll('figure svg text')]
  .filter(t => t.getBBox().width > 0 && getComputedStyle(t).display !== 'none')
  .map(t => {
    const box = t.getBoundingClientRect();
    return {text: t.textContent, left: box.left, right: box.right, top: box.top,
            px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
            axis: t.closest('svg').querySelector('line') !== null};
  })"""
SMALLEST_TEXT_PX = 11


def chart_text_reads_at(page, width: int) -> None:
    """At this width every chart's text is at least 11 px, inside the page, and the
    labels along a time axis stand clear of each other."""
    texts = page.evaluate(CHART_TEXT)
    assert len(texts) > 10
    small = [(t["text"], round(t["px"], 1)) for t in texts if t["px"] < SMALLEST_TEXT_PX]
    assert small == [], f"chart text under {SMALLEST_TEXT_PX} px at {width} px: {small[:5]}"
    assert all(t["left"] >= 0 and t["right"] <= width for t in texts)
    rows: dict[float, list] = {}
    for t in texts:
        if t["axis"]:
            rows.setdefault(round(t["top"]), []).append((t["left"], t["right"], t["text"]))
    for row in rows.values():
        row.sort()
        for (_, right, text), (left, _, after) in pairwise(row):
            assert right + 2 <= left, f"{text!r} runs into {after!r} at {width} px"


def number(text: str) -> int:
    return int(text.replace(",", ""))


def test_an_organiser_reads_a_dashboard_that_agrees_with_itself(campaign, page):
    signed_in_organiser(campaign, page)
    flask(campaign, "signatures", "synthesize", str(SYNTHETIC), "--petition", PETITION)
    flask(campaign, "signatures", "synthesize", "25", "--petition", PETITION, "--status", "pending")

    def dashboard():
        page.goto(campaign.url(f"/admin/?petition={PETITION}"))
        chart_text_reads_at(page, page.viewport_size["width"])

    at_each_width(page, "console-dashboard", dashboard)

    figures = page.locator(".figures")
    confirmed = number(figures.locator("strong").nth(0).inner_text())
    waiting = number(figures.locator("strong").nth(1).inner_text())
    submitted = number(figures.locator("strong").nth(2).inner_text())
    assert confirmed == campaign.api(f"/api/petitions/{PETITION}")["count"] >= SYNTHETIC
    assert submitted == confirmed + waiting and waiting >= 25
    per_day = page.locator("figure", has_text="Signatures per day")
    legend = per_day.locator(".legend li")
    expect(legend).to_have_text(["Signed", "Confirmed"])
    swatches = [legend.nth(i).locator(".swatch").evaluate(
        "s => getComputedStyle(s).backgroundColor") for i in range(2)]  # fmt: skip
    bars = [per_day.locator("rect").nth(i).evaluate("r => getComputedStyle(r).fill")
            for i in range(2)]  # fmt: skip
    assert swatches == bars and swatches[0] != swatches[1]
    link = page.evaluate(LINK_COLOUR)
    assert swatches[0] == link  # the campaign's link colour
    bar = page.locator("#goal").evaluate("p => getComputedStyle(p).accentColor")
    assert bar == link


def test_an_organiser_chooses_who_is_in_an_export_before_downloading_it(campaign, page):
    signed_in_organiser(campaign, page)
    at_each_width(page, "console-exports", lambda: page.goto(campaign.url("/admin/exports")))

    # The campaign under test set no sender for its packets: said before any packet button.
    warning = page.locator("#packet-problems")
    expect(warning).to_contain_text("GROUNDSWELL_CAMPAIGN_ORGANISATION is not set")
    packets = page.get_by_role("button", name="Download packets").first
    expect(packets).to_be_disabled()
    assert warning.bounding_box()["y"] < packets.bounding_box()["y"]

    audiences = page.locator("#audience-form")
    first_button = audiences.get_by_role("button").first.bounding_box()
    for choice in (audiences.get_by_label("Only people who confirmed on or after"),
                   audiences.get_by_role("checkbox").last):  # fmt: skip
        assert choice.bounding_box()["y"] < first_button["y"]


def test_an_organiser_searching_every_petition_sees_whose_each_signature_is(campaign, page):
    signed_in_organiser(campaign, page)
    for slug in ("paid-family-leave", "protect-wic"):
        flask(campaign, "signatures", "synthesize", "3", "--petition", slug)

    def search():
        page.goto(campaign.url("/admin/signatures"))
        page.get_by_label("Search by").select_option("domain")
        page.get_by_label("Looking for").fill("example.invalid")
        page.get_by_role("button", name="Search").click()
        expect(page.locator("#results")).to_contain_text("found across all petitions")

    at_each_width(page, "console-signatures-found", search)
    table = page.locator("main table")
    expect(table.get_by_role("columnheader", name="Petition")).to_be_visible()
    titles = set(table.locator("tbody tr td:nth-child(4)").all_inner_texts())
    assert {
        "Pass paid family and medical leave for every worker",
        "Protect WIC: fund it in full",
    } <= titles
