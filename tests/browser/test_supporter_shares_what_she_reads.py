"""A supporter shares a petition, a chart or a story from the "Share this" box under
it: the pictures to download, the post to copy, the plain links; with and without
JavaScript (only copying needs it), at a phone's width and a desktop's."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from campaign_site.sharefiles import FORMATS, FORMATS_OF, LABELS

from .looking import look_at
from .support import fill_in, unique_email, wait_for_form_token

pytestmark = pytest.mark.browser

PETITION = "petitions/protect-wic/"
STATISTICS = "statistics/wic-coverage/"
STORY = "stories/2026/10/14/a-day-at-a-rural-wic-clinic/"
CHANNELS = ["Share on Facebook", "Send on WhatsApp", "Post on X", "Send by email"]
# Where each page's box is, what it is called and which graphics it offers.
BOXES = [
    (PETITION, "[data-gs-share-before] [data-gs-share]", "Share this petition", "petition"),
    (STATISTICS, ".gs-share--boxed", "Share this chart", "statistic"),
    (STORY, ".gs-share--boxed", "Share this story", "story"),
]


def picture_size(page, href: str) -> tuple[int, int]:
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "image/png", href
    return Image.open(io.BytesIO(response.body())).size


def check_the_box(page, box, heading: str, kind: str) -> None:
    """Each format to download at the size it says, the post, the five channels."""
    expect(box.get_by_role("heading", name=heading)).to_be_visible()
    for fmt in FORMATS_OF[kind]:
        download = box.get_by_role("link", name=f"Download the picture: {LABELS[fmt]} (PNG)")
        expect(download).to_have_attribute("download", re.compile(rf"-{fmt}\.png$"))
        href = download.evaluate("a => a.href")
        assert picture_size(page, href) == FORMATS[fmt]
    expect(box.locator("img.gs-share__preview")).to_have_attribute("alt", re.compile(r"\w"))
    post = box.get_by_label("Suggested post")
    expect(post).to_have_attribute("readonly", "")
    expect(post).to_have_value(re.compile(r"\S.*\n\n(Sign: )?http://127\.0\.0\.1:\d+/", re.S))
    for name in CHANNELS:
        expect(box.get_by_role("link", name=name)).to_have_attribute("href", re.compile("share"))
    expect(box.get_by_role("textbox", name=re.compile("^Link to"))).to_have_value(
        # A signer's link carries her referral code (ref) too.
        re.compile(r"utm_source=link&utm_medium=share(&ref=[\w-]+)?&utm_content=")
    )


@pytest.mark.parametrize(("path", "where", "heading", "kind"), BOXES)
def test_the_box_under_a_petition_a_chart_and_a_story(campaign, page, path, where, heading, kind):
    name = {"petition": "share-petition", "statistic": "share-statistics", "story": "share-story"}
    look_at(page, campaign.url(path), name[kind])  # sideways scroll, images, axe, screenshot
    box = page.locator(where).first
    check_the_box(page, box, heading, kind)
    expect(box.get_by_role("button", name="Copy post text")).to_be_visible()
    expect(box.get_by_role("button", name="Copy link")).to_be_visible()


def test_copying_the_suggested_post_puts_it_on_the_clipboard(campaign, open_context):
    context = open_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(campaign.url(STATISTICS))
    box = page.locator(".gs-share--boxed").first
    box.get_by_role("button", name="Copy post text").click()
    expect(box.get_by_role("status").first).to_have_text("Post text copied.")
    post = box.get_by_label("Suggested post").input_value()
    assert page.evaluate("navigator.clipboard.readText()") == post
    assert post.endswith("utm_content=chart-coverage#chart-coverage")


@pytest.mark.parametrize(("path", "where", "heading", "kind"), BOXES)
def test_without_javascript_only_the_copy_buttons_are_missing(
    campaign, open_context, path, where, heading, kind
):
    page = open_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = page.new_page()
    page.goto(campaign.url(path))
    box = page.locator(where).first
    check_the_box(page, box, heading, kind)
    expect(box.get_by_role("button")).to_have_count(0)  # hidden: nothing to press
    # The link is there to select, and leads to the page.
    link = box.get_by_role("textbox", name=re.compile("^Link to")).input_value()
    assert page.request.get(link).ok


def test_the_confirmed_page_offers_the_petitions_pictures_and_post(campaign, open_context):
    page = open_context(viewport={"width": 360, "height": 800}).new_page()
    page.goto(campaign.url(PETITION))
    wait_for_form_token(page)
    address = unique_email("sharer")
    fill_in(page, address)
    page.get_by_role("button", name="Sign the petition").last.click()
    thanks = page.locator(".gs-thanks [data-gs-share]")
    expect(thanks.get_by_role("heading", name="Ask your friends to sign")).to_be_visible()
    check_the_box(page, thanks, "Ask your friends to sign", "petition")

    page.goto(campaign.confirmation_link(address))
    page.get_by_role("button", name="Confirm my signature").click()
    share = page.locator("section[aria-labelledby=share]")
    for fmt in FORMATS_OF["petition"]:
        download = share.get_by_role("link", name=f"Download the picture: {LABELS[fmt]} (PNG)")
        assert picture_size(page, download.get_attribute("href")) == FORMATS[fmt]
    post = share.get_by_label("Suggested post").input_value()
    assert re.fullmatch(r".+\n\nSign: \S+utm_content=confirmed", post, re.S)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
