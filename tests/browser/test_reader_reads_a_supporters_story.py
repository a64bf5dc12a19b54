"""A supporter's story, from the moment they confirm it to its page on the site: the
confirmed page leads to its petition, to sharing it and back to the site; once staff
publish it, the story has its own headline, its photo loads on its own page and in the
stories list at a sensible size, and it ends with a button to sign its petition.

The published story is built into a copy of the sample served under /published/, so
the photo's address is proven under a site_url with a path, and no other test's site
changes."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
from PIL import Image
from playwright.sync_api import expect

from campaign_site.config import STORY_CONSENTS

from ..site.support import copy_sample
from .conftest import ROOT
from .looking import look_at
from .support import unique_email
from .test_supporter_offers_a_story import (
    FORM,
    TELL,
    fill_in_story,
    flask,
    look_here,
    story_link,
    story_shown,
)

pytestmark = pytest.mark.browser

HEADLINE = "Nine days of leave, then back on the line"
WORDS = (
    "I went back to the line nine days after my son was born, because without a paycheck "
    "we could not pay the rent.\n\nI still think about those weeks."
)
SHOWN_IN_THE_LIST = 16 * 20  # campaign.css: 16rem, and the theme's rem is 20 px


def portrait() -> bytes:
    picture = io.BytesIO()
    Image.new("RGB", (900, 1600), (200, 120, 40)).save(picture, "JPEG")
    return picture.getvalue()


@pytest.fixture(scope="module")
def published(campaign, browser):
    """A photo story sent and confirmed through the API, approved with a headline and
    published by staff, and the sample built with it under /published/."""
    address = unique_email("rosa")
    api = browser.new_context().request
    fields = {"first_name": "Rosa", "email": address, "state": "OH", "zip": "43215",
              "district": "OH-03", "story": WORDS, "petition": "paid-family-leave",
              "consent_publish": "y", "consent_name": "y"}  # fmt: skip
    photo = {"name": "rosa.jpg", "mimeType": "image/jpeg", "buffer": portrait()}
    sent = api.post(campaign.url("api/stories"), multipart={**fields, "photo": photo},
                    max_redirects=0)  # fmt: skip
    assert sent.status == 303, sent.text()
    assert api.post(story_link(campaign, address)).ok
    story = story_shown(campaign, address)["id"]
    api.dispose()

    folder = campaign.work / "published-campaign"
    config = copy_sample(folder)
    flask(campaign, "stories", "approve", str(story))
    flask(campaign, "stories", "headline", str(story), HEADLINE)
    flask(campaign, "stories", "publish", str(story), "--content", str(folder / "content"))
    env = {**campaign.env, "GROUNDSWELL_SITE_URL": campaign.url("published/")}
    site = campaign.work / "site" / "published"  # the server serves its site folder
    subprocess.run(
        [sys.executable, "build.py", "--quiet", "--config", str(config), "--site-dir", str(site)],
        env=env, cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    [page] = site.glob(f"stories/*/*/*/supporter-story-{story}/index.html")
    return {"story": campaign.url(str(page.parent.relative_to(campaign.work / "site")) + "/"),
            "list": campaign.url("published/stories/")}  # fmt: skip


def test_a_confirmed_story_leads_to_its_petition_to_sharing_and_back_to_the_site(
    campaign, open_context
):
    page = open_context(viewport={"width": 360, "height": 800}).new_page()
    page.goto(campaign.url(TELL + "?petition=paid-family-leave"))
    expect(page.locator(FORM).locator("[name=form_token]")).not_to_have_value("")
    address = unique_email("maria")
    fill_in_story(page, address)
    page.get_by_label(STORY_CONSENTS["publish"]).check()
    page.get_by_role("button", name="Send my story").click()
    expect(page).to_have_url(campaign.url(TELL + "thanks/"))
    page.goto(story_link(campaign, address))
    page.get_by_role("button", name="Confirm my story").click()

    expect(
        page.get_by_role("heading", name="Thank you, Mary: your story is with us")
    ).to_be_visible()
    look_here(page, open_context, "story-confirmed")
    share = page.get_by_role("region", name="Ask your friends to sign")
    expect(share.locator(".share a")).to_have_text(
        ["Share on Facebook", "Send on WhatsApp", "Post on X", "Send by email"]
    )
    # The petition's pictures too (templates/_share.html, as on the confirmed page).
    expect(share.get_by_role("link", name=re.compile("^Download the picture: "))).to_have_count(2)
    expect(page.get_by_label("Or copy the petition's address")).to_have_value(
        campaign.url("petitions/paid-family-leave/?utm_source=link&utm_medium=share"
                     "&utm_content=story-confirmed")
    )  # fmt: skip
    expect(page.get_by_role("link", name="Back to Families First")).to_have_attribute(
        "href", campaign.origin + "/"
    )
    page.get_by_role("link", name="Sign the petition").click()
    expect(page).to_have_url(campaign.url("petitions/paid-family-leave/"))


def test_a_published_story_has_its_headline_its_photo_and_a_button_to_sign(
    campaign, published, page
):
    look_at(page, published["story"], "story-published")
    expect(page.get_by_role("heading", level=1)).to_contain_text(HEADLINE)  # and its ¶ link
    expect(page).to_have_title(f"{HEADLINE} - Families First")
    expect(page.get_by_text("Told by Rosa in Ohio")).to_be_visible()
    photo = page.get_by_role("img", name="A photo shared by Rosa in Ohio")
    assert photo.evaluate("i => [i.naturalWidth, i.naturalHeight]") == [900, 1600]
    assert photo.bounding_box()["height"] <= 0.75 * 900 + 1  # at most 75vh: never a wall
    ending = page.get_by_role("complementary", name="Add your name")
    expect(ending).to_contain_text("Pass paid family and medical leave for every worker")
    ending.get_by_role("link", name="Sign the petition").click()
    expect(page).to_have_url(campaign.url("published/petitions/paid-family-leave/"))


def test_the_stories_list_shows_the_photo_at_a_sensible_size_without_a_jump(
    campaign, published, page
):
    look_at(page, published["list"], "stories-with-a-photo")
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        photo = page.get_by_role("img", name="A photo shared by Rosa in Ohio")
        expect(photo).to_have_attribute("width", "900")
        expect(photo).to_have_attribute("height", "1600")  # its box is known before it loads
        box = photo.bounding_box()
        assert box["height"] <= SHOWN_IN_THE_LIST + 1, (width, box)  # was ~900 px
        title = page.get_by_role("heading", name=HEADLINE).get_by_role("link", name=HEADLINE)
        expect(title).to_have_attribute("href", published["story"])  # listed by its headline
