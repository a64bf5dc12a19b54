"""A supporter taps an ad that links to a variant of the WIC petition page, on a phone and
on a desktop, reads its headline, and signs with and without JavaScript: the
signature names the variant. An ad for a variant that is gone still reaches the
petition, through the development server and, on any static host, the 404 page."""

from __future__ import annotations

import functools
import http.server
import re
import threading
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, select

from petition_api.models import Signature

from .looking import look_at, screenshot
from .support import fill_in, signature_posts, unique_email, wait_for_form_token

pytestmark = pytest.mark.browser

PETITION = "petitions/protect-wic/"
VARIANT = PETITION + "v/babies/"
HEADLINE = "WIC feeds 6.6 million mothers, babies and young children. Keep it funded."
# As an ad links to it; a ?variant= in the link never outranks the page's own.
AD = "?utm_source=facebook&utm_medium=paid&utm_campaign=protect-wic&utm_content=ad-babies"


def recorded(campaign, address: str) -> tuple[str | None, str | None, str | None]:
    """(variant, utm_source, page) of the signature stored for ``address``."""
    engine = create_engine(campaign.env["GROUNDSWELL_DATABASE_URL"])
    with engine.connect() as connection:
        row = connection.execute(
            select(Signature.variant, Signature.utm_source, Signature.page).where(
                Signature.email == address
            )
        ).one()
    engine.dispose()
    return tuple(row)


@pytest.mark.parametrize("width", [360, 1280])
def test_a_supporter_from_an_ad_signs_on_a_variant_page(campaign, open_context, traffic, width):
    page = open_context(viewport={"width": width, "height": 800}).new_page()
    look_at(page, campaign.url(VARIANT + AD + "&variant=waiting-lists"), "variant-babies",
            widths=(width,), ready="[data-gs-counter]:not([hidden])")  # fmt: skip
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    expect(page.get_by_role("img", name=re.compile("grocery bag of WIC foods"))).to_be_visible()
    expect(page.locator("form[data-gs-petition] [name=variant]")).to_have_value("babies")
    assert page.locator('meta[name="gs:variant"]').get_attribute("content") == "babies"

    wait_for_form_token(page)
    address = unique_email(f"ad-{width}")
    fill_in(page, address)
    page.get_by_role("button", name="Sign the petition").last.click()
    thanks = page.locator(".gs-thanks")
    expect(thanks.get_by_role("heading", name="Thank you for signing")).to_be_visible()
    screenshot(page, f"variant-{width}-thanks", folder="variants")

    [sent] = signature_posts(traffic)
    assert (sent["variant"], sent["utm_source"], sent["utm_content"]) == (
        "babies", "facebook", "ad-babies",
    )  # fmt: skip
    assert recorded(campaign, address) == ("babies", "facebook", "/" + VARIANT)


@pytest.mark.parametrize("width", [360, 1280])
def test_a_supporter_without_javascript_signs_on_a_variant_page(campaign, open_context, width):
    viewport = {"width": width, "height": 800}
    page = open_context(java_script_enabled=False, viewport=viewport).new_page()
    page.goto(campaign.url(VARIANT + AD))
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    screenshot(page, f"variant-{width}-no-javascript", folder="variants")
    address = unique_email(f"no-js-{width}")
    fill_in(page, address)
    page.get_by_role("button", name="Sign the petition").last.click()

    expect(page).to_have_url(re.compile(re.escape(campaign.url(PETITION + "thanks/"))))
    expect(page.get_by_role("heading", name="Thank you for signing")).to_be_visible()
    # The form carries the page's variant; without a script, no utm_ tags.
    assert recorded(campaign, address) == ("babies", None, "/" + VARIANT)


def test_the_petition_page_itself_names_no_variant(campaign, page, traffic):
    page.goto(campaign.url(PETITION + "?utm_source=newsletter&variant=babies"))
    wait_for_form_token(page)
    assert page.locator('meta[name="gs:variant"]').count() == 0
    address = unique_email("main")
    fill_in(page, address)
    page.get_by_role("button", name="Sign the petition").last.click()
    expect(page.locator(".gs-thanks")).to_be_visible()
    [sent] = signature_posts(traffic)
    assert (sent["variant"], sent["utm_source"]) == ("", "newsletter")
    assert recorded(campaign, address) == (None, "newsletter", "/" + PETITION)


def test_leaving_a_variant_page_by_instant_navigation_leaves_its_variant_behind(campaign, page):
    page.goto(campaign.url(VARIANT))
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="how WIC works").click()
    expect(page).to_have_url(campaign.url("policy/wic/"))
    expect(page.locator('meta[name="gs:variant"]')).to_have_count(0)
    expect(page.locator('meta[name="robots"]')).to_have_count(0)
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # no reload


def no_redirects(url: str):
    class Refuse(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        return urllib.request.build_opener(Refuse).open(url, timeout=10)
    except urllib.error.HTTPError as answer:
        return answer


def test_an_ad_for_a_variant_that_is_gone_reaches_the_petition(campaign, page):
    answer = no_redirects(campaign.url(PETITION + "v/spring-ad/" + AD))
    assert answer.status == 302
    assert answer.headers["Location"] == "/" + PETITION + AD
    assert no_redirects(campaign.url(PETITION + "v/")).headers["Location"] == "/" + PETITION
    assert no_redirects(campaign.url(VARIANT)).status == 200
    # Any other missing address is the site's own 404 page.
    missing = no_redirects(campaign.url("petitions/no-such-petition/v/x/"))
    assert missing.status == 404 and b"Page not found" in missing.read()

    page.goto(campaign.url(PETITION + "v/spring-ad/" + AD))
    expect(page).to_have_url(campaign.url(PETITION + AD))
    wait_for_form_token(page)
    expect(page.locator("form[data-gs-petition] [name=variant]")).to_have_value("")
    expect(page.locator("form[data-gs-petition] [name=utm_content]")).to_have_value("ad-babies")


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """A plain static host (as GitHub Pages, Netlify or a bucket serve a site): the
    files, and 404.html for anything missing. It knows nothing of variants."""

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = (self.directory_path / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None

    def log_message(self, *args):
        pass


@pytest.fixture
def static_host(campaign):
    site = campaign.work / "site"
    handler = functools.partial(StaticHost, directory=str(site))
    StaticHost.directory_path = site
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_on_a_static_host_the_404_page_sends_an_ad_for_a_gone_variant_on(static_host, page):
    gone = static_host + PETITION + "v/spring-ad/" + AD
    assert no_redirects(gone).status == 404  # the host itself knows no better
    page.goto(gone)
    expect(page).to_have_url(static_host + PETITION + AD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Protect WIC: fund it in full")


@pytest.mark.parametrize("width", [360, 1280])
def test_without_javascript_the_404_page_offers_the_petitions(static_host, open_context, width):
    viewport = {"width": width, "height": 800}
    page = open_context(java_script_enabled=False, viewport=viewport).new_page()
    page.goto(static_host + PETITION + "v/spring-ad/" + AD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    screenshot(page, f"not-found-{width}", folder="variants")
    page.get_by_role("link", name="Protect WIC: fund it in full").last.click()
    assert urlsplit(page.url).path == "/" + PETITION
