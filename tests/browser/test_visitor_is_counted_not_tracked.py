"""A visitor follows a post to a petition in a real browser: the page says it was shown,
with no cookie, and the count turns up in the conversion report, which an organiser
then reads at the console on a phone and at a desk."""

from __future__ import annotations

import csv
import io
import time
import uuid

import pytest
from playwright.sync_api import expect

from .test_organiser_reads_the_console import at_each_width, signed_in_organiser
from .test_staff_day_at_the_console import flask

pytestmark = pytest.mark.browser

PETITION = "paid-family-leave"
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"  # noqa: E501


def views_of_post(campaign, post: str) -> int | None:
    """The post's views in `flask report conversions --by post --csv` (None: no row)."""
    report = flask(campaign, "report", "conversions", PETITION, "--by", "post", "--csv")
    rows = {row[1]: row for row in csv.reader(io.StringIO(report))}
    return int(rows[post][2]) if post in rows else None


def counted_soon(campaign, post: str, views: int, seconds: float = 60) -> int | None:
    """The post's views once they reach `views` (the server writes what it counted every
    0.2 s here, VIEW_FLUSH_SECONDS), or as they stand after `seconds`."""
    deadline = time.monotonic() + seconds
    found = views_of_post(campaign, post)
    while found != views and time.monotonic() < deadline:
        time.sleep(0.3)
        found = views_of_post(campaign, post)
    return found


def opened_from_a_post(page, campaign, post: str):
    """The petition page opened from a post kit link; returns the view the page sent."""
    query = f"utm_source=facebook&utm_medium=social&utm_campaign={PETITION}&utm_content={post}"
    with page.expect_request(lambda r: r.url.endswith("/api/views")) as sent:
        page.goto(campaign.url(f"/petitions/{PETITION}/?{query}"))
    return sent.value


def test_a_visitor_is_counted_without_a_cookie_and_robots_are_not(campaign, open_context):
    # A staff member's console cookie is in this browser: the view must not carry it.
    context = open_context(viewport={"width": 1280, "height": 900}, user_agent=CHROME)
    context.add_cookies(
        [{"name": "groundswell-staff", "value": "signed-in", "url": campaign.origin}]
    )
    page = context.new_page()
    post = f"launch-{uuid.uuid4().hex[:8]}"
    view = opened_from_a_post(page, campaign, post)
    assert view.method == "POST"
    assert view.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert "cookie" not in view.all_headers()
    assert sorted(view.post_data.split("&")) == sorted([
        f"page=%2Fpetitions%2F{PETITION}%2F", "variant=", "utm_source=facebook",
        "utm_medium=social", f"utm_content={post}",
    ])  # fmt: skip
    answer = view.response()
    assert answer.status == 204 and "set-cookie" not in answer.all_headers()
    page.reload()  # a page shown again is another view
    assert counted_soon(campaign, post, 2) == 2

    # A headless browser says so in its user agent: answered, not counted.
    robot = open_context(viewport={"width": 1280, "height": 900}).new_page()
    hidden = f"robot-{uuid.uuid4().hex[:8]}"
    assert opened_from_a_post(robot, campaign, hidden).response().status == 204
    person = f"after-robot-{uuid.uuid4().hex[:8]}"
    assert opened_from_a_post(page, campaign, person).response().status == 204
    assert counted_soon(campaign, person, 1) == 1  # written with (or after) the robot's...
    assert views_of_post(campaign, hidden) is None  # ...which was never counted


def test_an_organiser_reads_the_conversion_report_on_a_phone_and_at_a_desk(campaign, page):
    flask(campaign, "report", "synthesize", PETITION, "--main", "0.02", "--variant",
          "mothers=0.035", "--views", "3000", "--seed", "5")  # fmt: skip
    signed_in_organiser(campaign, page)

    def by_variant():
        page.goto(campaign.url(f"/admin/conversions?petition={PETITION}"))
        texts = page.evaluate(looking_at_chart_text)
        assert texts and all(
            t["px"] >= 11 and t["right"] <= page.viewport_size["width"] for t in texts
        )

    at_each_width(page, "console-conversions", by_variant)
    expect(page.locator("#verdict")).to_contain_text("mothers")
    expect(page.locator("#peeking")).to_contain_text("every hour")
    table = page.locator("#conversions")
    expect(table.locator("tbody tr").first.locator("th")).to_have_text("(main page)")
    expect(table).to_contain_text("mothers")
    assert page.locator("figure svg rect").count() >= 4  # a mark and a line per version

    at_each_width(
        page,
        "console-conversions-by-source",
        lambda: page.goto(campaign.url(f"/admin/conversions?petition={PETITION}&by=source")),
    )
    expect(page.locator("#generations")).to_contain_text("no share link")


looking_at_chart_text = """() => [...document.querySelectorAll('figure svg text')]
  .filter(t => t.getBBox().width > 0)
  .map(t => ({text: t.textContent, right: t.getBoundingClientRect().right,
              px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a}))"""


def test_a_variant_page_says_which_variant_was_shown(campaign, open_context):
    page = open_context(viewport={"width": 1280, "height": 900}, user_agent=CHROME).new_page()
    post = f"babies-ad-{uuid.uuid4().hex[:8]}"
    with page.expect_request(lambda r: r.url.endswith("/api/views")) as sent:
        page.goto(campaign.url(f"/petitions/protect-wic/v/babies/?utm_content={post}"))
    view = sent.value
    assert "variant=babies" in view.post_data.split("&")
    assert "page=%2Fpetitions%2Fprotect-wic%2Fv%2Fbabies%2F" in view.post_data.split("&")
    assert view.response().status == 204
    # A link to the main page, followed by instant navigation (no page load: the
    # site swaps the page in, head and all): another view, with no variant.
    page.evaluate("window.stillThisDocument = true")
    with page.expect_request(lambda r: r.url.endswith("/api/views")) as again:
        page.evaluate("document.querySelector('a[href$=\"petitions/protect-wic/\"]').click()")
    fields = again.value.post_data.split("&")
    assert "variant=" in fields and "page=%2Fpetitions%2Fprotect-wic%2F" in fields
    assert page.evaluate("window.stillThisDocument") is True  # no page was loaded
