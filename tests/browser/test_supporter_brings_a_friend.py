"""A referral round trip in a real browser: a supporter signs and confirms, shares the
link from the confirmed page, a friend signs through it (the site's script carrying
the code), confirms, and the organiser's dashboard counts one signature in
generation 1, and names nobody."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, select, update

from petition_api.models import Signature

from .support import fill_in, signature_posts, unique_email, wait_for_form_token
from .test_organiser_reads_the_console import signed_in_organiser
from .test_staff_day_at_the_console import flask

pytestmark = pytest.mark.browser

SLUG = "paid-family-leave"
PETITION = f"petitions/{SLUG}/"


def sign_and_confirm(campaign, page, address: str) -> str:
    """Signs with JavaScript on, confirms from the email; returns the link to copy."""
    wait_for_form_token(page)
    fill_in(page, address)
    page.get_by_role("button", name="Sign the petition").last.click()
    panel_link = page.locator(".gs-thanks [data-gs-share-url]")
    expect(panel_link).to_have_value(re.compile(r"[?&]ref=[\w-]{12}(&|$)"))
    page.goto(campaign.confirmation_link(address))
    page.get_by_role("button", name="Confirm my signature").click()
    expect(page.get_by_role("heading", name=re.compile("confirmed"))).to_be_visible()
    return page.locator("#petition-link").input_value()


def a_while_ago(campaign, *addresses: str) -> list[str]:
    """The dashboard's charts count up to two minutes ago: these signatures are moved
    ten minutes back, then the petition is recounted. Returns their codes."""
    engine = create_engine(campaign.env["GROUNDSWELL_DATABASE_URL"])
    ten_minutes_ago = datetime.now(UTC) - timedelta(minutes=10)
    theirs = Signature.email.in_(addresses)
    with engine.begin() as connection:
        connection.execute(
            update(Signature)
            .where(theirs)
            .values(created_at=ten_minutes_ago, validated_at=ten_minutes_ago)
        )
        codes = list(connection.scalars(select(Signature.referral_code).where(theirs)))
    engine.dispose()
    flask(campaign, "petitions", "recount", SLUG)
    return codes


def test_a_friend_signs_through_a_supporters_shared_link_and_the_dashboard_counts_it(
    campaign, open_context, traffic
):
    maria, ana = unique_email("maria"), unique_email("ana")
    supporter = open_context().new_page()
    supporter.goto(campaign.url(PETITION))
    # Before signing, the page's share links carry no code.
    before = supporter.locator("[data-gs-share-before] [data-gs-share-url]")
    expect(before).not_to_have_value(re.compile("ref="))
    shared = sign_and_confirm(campaign, supporter, maria)
    code = parse_qs(urlsplit(shared).query)["ref"][0]

    friend = open_context().new_page()
    friend.goto(shared)
    sign_and_confirm(campaign, friend, ana)
    sent = [post for post in signature_posts(traffic) if post["email"] == ana]
    assert [(p["ref"], p["utm_medium"], p["utm_content"]) for p in sent] == [
        (code, "share", "confirmed")
    ]

    codes = a_while_ago(campaign, maria, ana)
    organiser = open_context().new_page()
    signed_in_organiser(campaign, organiser)
    organiser.goto(campaign.url(f"/admin/?petition={SLUG}"))
    table = organiser.locator("details", has_text="Signatures by referral generation as a table")
    table.locator("summary").click()
    generation_1 = table.locator(
        "tbody tr", has=organiser.locator("th", has_text=re.compile("^1$"))
    )
    expect(generation_1.locator("td").nth(1)).to_have_text("1")  # confirmed
    html = organiser.content()
    assert maria not in html and ana not in html
    assert not any(c in html for c in codes)


def test_the_thank_you_page_adds_the_code_to_its_links_when_javascript_runs(campaign, open_context):
    code = "Qm3vXk9_aZ-1"
    thanks = campaign.url(f"{PETITION}thanks/?ref={code}")
    page = open_context().new_page()
    page.goto(thanks)
    links = page.locator(".gs-thanks .gs-share__links a")
    expect(links.first).to_have_attribute("href", re.compile(f"ref%3D{code}"))
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) == 4 and all(f"utm_medium%3Dshare%26ref%3D{code}%26" in h for h in hrefs)
    expect(page.locator(".gs-thanks [data-gs-share-text]")).to_have_value(
        re.compile(f"utm_medium=share&ref={code}&utm_content=thank-you-page")
    )
    expect(page.locator(".gs-thanks [data-gs-share-url]")).to_have_value(
        re.compile(f"utm_medium=share&ref={code}&utm_content=thank-you-page$")
    )
    plain = open_context(java_script_enabled=False).new_page()
    plain.goto(thanks)
    assert "ref" not in plain.locator(".gs-thanks [data-gs-share-url]").input_value()
