"""The social team opens a day of the post kit on a phone and at a desk."""

from __future__ import annotations

import pytest

from .looking import look_at

pytestmark = pytest.mark.browser


def test_the_social_team_reads_a_days_posts_on_a_phone_and_a_desktop(campaign, page):
    # The sample's message test: two variants beside one graphic.
    look_at(page, campaign.url("post-kit/2026-11-05/"), "post-kit-day")
    assert page.locator("textarea[readonly]").count() == 2
    link = page.locator("input[type=url][readonly]").first.input_value()
    assert link.endswith("utm_medium=social&utm_campaign=protect-wic&utm_content=wic-ask.a")
    look_at(page, campaign.url("post-kit/"), "post-kit-index")
