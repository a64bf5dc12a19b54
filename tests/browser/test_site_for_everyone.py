"""Anyone can use the site (axe-core finds nothing serious) and no third party sees them."""

import json

import pytest

from .conftest import ARTIFACTS, AXE

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "path",
    [
        "",
        "petitions/paid-family-leave/",
        "petitions/paid-family-leave/thanks/",
        "statistics/paid-leave-access/",
        "stories/",
    ],
)
def test_a_screen_reader_user_meets_no_serious_accessibility_problems(campaign, page, path):
    page.goto(campaign.url(path))
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(
        [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in serious], indent=1
    )


def test_a_reader_browses_the_campaign_and_no_request_leaves_the_machine(campaign, page, traffic):
    for path in (
        "",
        "stories/",
        "statistics/paid-leave-access/",
        "policy/wic/",
        "privacy/",
        "petitions/protect-wic/",
    ):
        page.goto(campaign.url(path))
        page.wait_for_load_state("networkidle")
    page.click("text=Stories >> nth=0")  # instant navigation fetches pages itself
    page.wait_for_load_state("networkidle")
    assert len(traffic.requests) > 10
    # The `open_context` fixture fails the test if any request was bound elsewhere.


@pytest.mark.parametrize(("name", "width", "height"), [("desktop", 1280, 900), ("phone", 390, 844)])
def test_screenshots_of_the_petition_page_are_kept(campaign, open_context, name, width, height):
    page = open_context(viewport={"width": width, "height": height}).new_page()
    page.goto(campaign.url("petitions/paid-family-leave/"))
    page.wait_for_selector("[data-gs-counter]:not([hidden])")
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"petition-page-{name}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
