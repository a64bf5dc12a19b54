"""Nothing a person's browser asks for is missing: no 404 behind any page of the site,
the API's pages or the staff console, down to the tab's icon. (A 404 in the browser's
console or the server's log reads as something broken to whoever looks.)"""

from __future__ import annotations

import json
import urllib.request

import pytest

from .looking import screenshot
from .support import unique_email

pytestmark = pytest.mark.browser

SITE_PAGES = (
    "",
    "petitions/paid-family-leave/",
    "petitions/paid-family-leave/thanks/",
    "stories/",
    "stories/tell/",
    "stories/tell/thanks/",
    "statistics/wic-participation/",
    "privacy/",
)


class Missing:
    """Every URL a page asked for that answered 400 or more, the favicon included:
    Chromium reports that request only in the console."""

    def __init__(self, page):
        self.urls: list[str] = []
        page.on("response", self._response)
        page.on("console", self._console)

    def _response(self, response) -> None:
        if response.status >= 400:
            self.urls.append(f"{response.status} {response.url}")

    def _console(self, message) -> None:
        if message.type == "error" and "Failed to load resource" in message.text:
            self.urls.append(f"{message.text} {message.location['url']}")
        elif message.type == "error" and "Content Security Policy" in message.text:
            self.urls.append(message.text)


def read(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")  # mkdocs-material fetches sitemap.xml after load


def a_confirmation_page(campaign) -> str:
    """The address of a fresh signature's confirmation page (an API page)."""
    address = unique_email("reader")
    body = {"first_name": "Ana", "last_name": "Lopez", "email": address, "state": "NY"}
    request = urllib.request.Request(  # noqa: S310 (the local test server)
        campaign.url("api/petitions/paid-family-leave/signatures"),
        data=json.dumps({**body, "zip": "12207"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).close()  # noqa: S310
    return campaign.confirmation_link(address)


def test_a_reader_browses_the_site_and_nothing_it_asks_for_is_missing(campaign, page):
    missing = Missing(page)
    story = sorted((campaign.work / "site" / "stories").glob("2*/*/*/*/index.html"))[0]
    story_path = story.parent.relative_to(campaign.work / "site").as_posix() + "/"
    for path in (*SITE_PAGES, story_path):
        read(page, campaign.url(path))
    assert missing.urls == []


def test_the_apis_pages_and_the_console_show_the_campaigns_icon_and_ask_for_no_favicon(
    campaign, open_context
):
    for width in (360, 1280):
        page = open_context(viewport={"width": width, "height": 800}).new_page()
        missing = Missing(page)
        for name, url in (
            ("confirm-page", a_confirmation_page(campaign)),
            ("console-sign-in", campaign.url("admin/login")),
        ):
            read(page, url)
            icon = page.locator("link[rel=icon]").get_attribute("href")
            assert icon.startswith("data:image/svg+xml,"), icon
            screenshot(page, f"{name}-{width}")
        assert missing.urls == []
    # The icon itself, large enough to look at.
    page.set_content(f'<img src="{icon}" width="128" height="128" alt="">')
    screenshot(page, "api-page-icon")
