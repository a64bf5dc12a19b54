"""Every email, opened on a phone: each kind's HTML part, as the app's worker wrote it,
rendered in Chromium 360 px wide. Nothing runs past the screen (long links break), the
one button is there to tap and at least 44 px tall, the campaign's postal address
ends it, legible, and nothing serious stands in the way of a screen reader. A
screenshot of each is kept in test-artifacts/emails/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ..api.every_email_support import (
    KINDS,
    POSTAL,
    POSTAL_LINES,
    campaign_app,
    every_email,
    html_of,
)
from ..api.support import mailbox
from .looking import no_horizontal_scroll, no_serious_accessibility_problems, screenshot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
TAPPABLE = 44  # px: the smallest target a thumb hits reliably (WCAG 2.5.5, Apple's HIG)


@pytest.fixture(scope="module")
def emails(tmp_path_factory):
    """One email of each kind, written by the worker to the development mail folder."""
    tmp_path = tmp_path_factory.mktemp("emails")
    app = campaign_app(f"sqlite:///{tmp_path / 'groundswell.db'}", tmp_path, **POSTAL)
    try:
        yield every_email(app, tmp_path, lambda: mailbox(app))
    finally:
        app.extensions["engine"].dispose()


@pytest.mark.parametrize("kind", KINDS)
def test_every_email_reads_on_a_phone_with_its_button_in_reach(emails, open_context, kind):
    page = open_context(**PHONE).new_page()
    page.set_content(html_of(emails[kind]))
    no_horizontal_scroll(page)
    button = page.locator("a.button")
    expect(button).to_have_count(1)
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box["height"] >= TAPPABLE, box
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    postal = page.locator("p.postal")
    assert postal.inner_text().split("\n") == POSTAL_LINES  # a line each, as on an envelope
    assert postal.bounding_box()["y"] > box["y"]  # below the message, as a footer
    assert postal.evaluate("p => parseFloat(getComputedStyle(p).fontSize)") >= 13
    no_serious_accessibility_problems(page)
    screenshot(page, f"{kind}-360", folder="emails")


@pytest.mark.parametrize("kind", KINDS)
def test_every_email_keeps_its_width_on_a_desktop(emails, open_context, kind):
    page = open_context(**DESKTOP).new_page()
    page.set_content(html_of(emails[kind]))
    no_horizontal_scroll(page)
    card = page.locator("table[role=presentation] table[role=presentation]").first
    assert card.bounding_box()["width"] <= 600
    screenshot(page, f"{kind}-1280", folder="emails")
