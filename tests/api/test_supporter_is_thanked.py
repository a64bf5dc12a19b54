"""A supporter who confirms is thanked: counted, told which offices will receive the
signature, offered ways to share and to tell their story, on the page and by email,
in the campaign site's own name and colours."""

from __future__ import annotations

import json
import re
from html import unescape
from types import SimpleNamespace

import pytest
from flask import render_template

from petition_api import site_look
from petition_api.congress import recipients
from petition_api.petitions import sharing

from ..conftest import load_congress, prepared_app
from .support import confirm_path, mailbox, send_mail, supporter

FAMILIES_FIRST = {
    "name": "Families First",
    "colors": {"primary": "#4051b5", "on_primary": "#ffffff", "accent": "#ff6e42",
               "link": "#4051b5"},
    "story_url": "/stories/tell/",
}  # fmt: skip
SITE = "http://127.0.0.1:8000"


@pytest.fixture
def app(database_url, tmp_path):
    app = prepared_app(database_url, tmp_path, SITE_LOOK=FAMILIES_FIRST)
    load_congress(app)
    yield app
    app.extensions["engine"].dispose()


def confirmed_page(app, **who) -> str:
    client, runner = app.test_client(), app.test_cli_runner()
    signed = client.post("/api/petitions/paid-family-leave/signatures", json=supporter(**who))
    assert signed.status_code == 201, signed.get_data(as_text=True)
    send_mail(runner)
    pressed = client.post(confirm_path(mailbox(app)[-1]))
    assert pressed.status_code == 200
    return pressed


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_a_supporter_in_lower_manhattan_sees_her_three_offices_by_name(app):
    pressed = confirmed_page(app, zip="10004")
    html = pressed.get_data(as_text=True)
    text = text_of(html)
    assert "Thank you, Maria: your signature is confirmed" in text
    assert "Your signature on Guarantee paid family leave is counted" in text
    assert "Representative Daniel S. Goldman Representative for New York's 10th district" in text
    assert "Senator Charles E. Schumer Senior senator for New York" in text
    assert "Senator Kirsten E. Gillibrand Junior senator for New York" in text
    assert text.index("Goldman") < text.index("Schumer") < text.index("Gillibrand")


def test_the_page_offers_plain_share_links_a_link_to_copy_and_a_story_invitation(app):
    html = confirmed_page(app, zip="10004").get_data(as_text=True)
    links = [unescape(h) for h in re.findall(r'<a [^>]*href="([^"]+)"', html)]
    share = [h for h in links if not h.startswith(SITE)]
    assert [re.match(r"(mailto:|https://[^/]+/)", h).group(1) for h in share] == [
        "https://www.facebook.com/",
        "https://wa.me/",
        "https://x.com/",
        "mailto:",
    ]
    # Each carries the signer's referral code (test_supporter_shares_and_friends_sign.py).
    code = re.search(r"utm_medium%3Dshare%26ref%3D([\w-]{12})%26", share[1]).group(1)
    assert (
        f"utm_source%3Dwhatsapp%26utm_medium%3Dshare%26ref%3D{code}%26utm_content%3Dconfirmed"
        in share[1]
    )
    copy = f"{SITE}/petitions/paid-family-leave/?utm_source=link&utm_medium=share"
    copy += f"&ref={code}&utm_content=confirmed"
    assert re.search(r'<input id="petition-link" type="text" readonly value="([^"]+)"', html)
    assert unescape(re.search(r'id="petition-link"[^>]*value="([^"]+)"', html).group(1)) == copy
    assert copy in links
    assert f"{SITE}/stories/tell/?petition=paid-family-leave" in links
    assert "<script" not in html


def test_the_page_offers_the_petitions_pictures_and_a_post_to_copy(app):
    """The build published them in the manifest (tests/api/manifest.json's "share")."""
    html = confirmed_page(app, zip="10004").get_data(as_text=True)
    pictures = re.findall(r'<li><a href="([^"]+)" download>([^<]+)</a></li>', html)
    assert pictures == [
        (f"{SITE}/petitions/paid-family-leave/share/card.png",
         "Download the picture: Link card, 1200 by 630 (PNG)"),
        (f"{SITE}/petitions/paid-family-leave/share/portrait.png",
         "Download the picture: Feed post, 1080 by 1350 (PNG)"),
    ]  # fmt: skip
    assert "What they show, to describe them when you post: Guarantee paid family leave." in html
    post = unescape(re.search(r'<textarea id="post-text" readonly[^>]*>([^<]+)<', html).group(1))
    # The post's link carries the signer's referral code, as the share links do.
    code = re.search(r"&ref=([\w-]{12})&", post).group(1)
    link = f"{SITE}/petitions/paid-family-leave/?utm_source=link&utm_medium=share&ref={code}"
    assert post == (
        f"Twelve weeks of paid leave for every worker: ask Congress.\n\nSign: {link}"
        "&utm_content=confirmed"
    )
    assert '<label for="post-text">Suggested post</label>' in html


def test_the_page_wears_the_campaign_sites_name_and_colours_and_keeps_its_policy(app):
    pressed = confirmed_page(app, zip="10004")
    html = pressed.get_data(as_text=True)
    assert "<title>Thank you: Guarantee paid family leave · Families First</title>" in html
    assert re.search(r'<header class="site-header"><p><a href="[^"]+">Families First</a>', html)
    assert "--primary:#4051b5;--on-primary:#ffffff;--accent:#ff6e42;--link:#4051b5" in html
    policy = pressed.headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
    assert "script-src" not in policy


def test_a_supporter_whose_zip_spans_districts_is_told_it_goes_to_her_senators(app):
    text = text_of(confirmed_page(app, zip="10001").get_data(as_text=True))
    assert "We can't tell your congressional district from your ZIP code" in text
    assert "Senator Charles E. Schumer" in text
    assert "Senator Kirsten E. Gillibrand" in text
    assert "Representative" not in text.split("Ask your friends")[0]


def test_a_supporter_in_washington_dc_sees_her_delegate_and_no_senators(app):
    text = text_of(
        confirmed_page(app, state="DC", zip="20001", city="Washington").get_data(as_text=True)
    )
    assert "Delegate Eleanor Holmes Norton Delegate for District of Columbia" in text
    assert "Senator" not in text


def test_without_congress_data_the_page_still_thanks_and_says_so(database_url, tmp_path):
    app = prepared_app(database_url, tmp_path, SITE_LOOK=FAMILIES_FIRST)
    try:
        text = text_of(confirmed_page(app, zip="10004").get_data(as_text=True))
    finally:
        app.extensions["engine"].dispose()
    assert "your signature is confirmed" in text
    assert "to your representative and both of your senators in New York" in text
    assert "list of members of Congress isn't loaded yet" in text


def thanks_context(app, **where) -> dict:
    """What compose.py passes to the thank-you templates."""
    signature = SimpleNamespace(first_name="Maria", state="NY", zip="10004", district=None)
    vars(signature).update(where)
    petition = SimpleNamespace(
        slug="paid-family-leave",
        title="Guarantee paid family leave",
        ask="We ask Congress to guarantee paid leave.",
        page="/petitions/paid-family-leave/",
    )
    return {
        "signature": signature,
        "petition": petition,
        "petition_url": sharing.petition_url(petition, SITE),
        "offices": recipients.for_signature(signature),
        "share_links": sharing.share_links(petition, SITE, content="thanks-email"),
        "story_url": sharing.story_url(petition, SITE),
        "preferences_url": f"{SITE}/preferences/k3y",
    }


def test_the_thank_you_email_says_the_same_in_html_and_plain_text(app):
    with app.app_context():
        context = thanks_context(app)
        html = render_template("mail/thanks.html", **context)
        text = render_template("mail/thanks.txt", **context)
    for said in (text_of(html), " ".join(text.split())):
        assert "is confirmed and counted" in said
        assert "Representative Daniel S. Goldman" in said
        assert "Senator Charles E. Schumer" in said
        assert "Senator Kirsten E. Gillibrand" in said
        assert "tell your story" in said.lower()
        assert "Your email preferences and your data" in said
    for link in context["share_links"]:
        assert link.url in text
        assert link.url.replace("&", "&amp;") in html
    assert f"{SITE}/stories/tell/?petition=paid-family-leave" in text
    assert f"{SITE}/preferences/k3y" in text
    assert "background:#4051b5;color:#ffffff" in html  # the site's header band
    assert ">Families First</td>" in html


def test_the_thank_you_email_to_an_unresolved_district_names_the_senators(app):
    with app.app_context():
        text = render_template("mail/thanks.txt", **thanks_context(app, zip="10001"))
    assert "We can't tell your congressional district" in " ".join(text.split())
    assert "- Senator Charles E. Schumer, senior senator for New York" in text
    assert "Representative" not in text


def test_the_thank_you_email_sent_today_still_reads_well(app):
    """compose.py may pass only signature, petition, petition_url and preferences_url."""
    client, runner = app.test_client(), app.test_cli_runner()
    client.post("/api/petitions/paid-family-leave/signatures", json=supporter(zip="10004"))
    send_mail(runner)
    client.post(confirm_path(mailbox(app)[-1]))
    send_mail(runner)
    thanks = mailbox(app)[-1]
    assert thanks["Subject"].startswith("Thank you for signing")
    text = thanks.get_body(("plain",)).get_content()
    assert "is confirmed and counted" in " ".join(text.split())  # wrapped at 72 columns
    assert "http://127.0.0.1:8000/petitions/paid-family-leave/" in text
    assert "(see, download or erase it):\nhttp://127.0.0.1:8000/preferences/" in text
    assert "Families First" in thanks.get_body(("html",)).get_content()


def test_error_pages_wear_the_campaign_sites_name_too(app):
    page = app.test_client().get("/confirm/" + "x" * 40)
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert ">Families First</a>" in html
    assert "--primary:#4051b5" in html


def test_the_build_publishes_the_look_and_sync_keeps_it_for_the_api(database_url, tmp_path):
    manifest = tmp_path / "petitions.json"
    manifest.write_text(json.dumps({"format": 1, "petitions": [], "site": FAMILIES_FIRST}))
    kept = tmp_path / "instance" / "site-look.json"
    app = prepared_app(database_url, tmp_path, SITE_LOOK_FILE=str(kept))
    try:
        with app.app_context():
            assert site_look.current() == site_look.DEFAULT
            assert site_look.remember(manifest).name == "Families First"
            assert kept.is_file()
            assert site_look.current().primary == "#4051b5"
            # A manifest from an older build (no look) leaves the kept one alone.
            manifest.write_text(json.dumps({"format": 1, "petitions": []}))
            assert site_look.remember(manifest) is None
            assert site_look.current().name == "Families First"
        html = app.test_client().get("/confirm/" + "x" * 40).get_data(as_text=True)
        assert ">Families First</a>" in html
    finally:
        app.extensions["engine"].dispose()


def test_the_development_server_takes_the_look_from_the_site_it_serves(database_url, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "petitions.json").write_text(json.dumps({"format": 1, "site": FAMILIES_FIRST}))
    app = prepared_app(
        database_url, tmp_path, SITE_DIR=str(site), SITE_LOOK_FILE=str(tmp_path / "none.json")
    )
    try:
        with app.app_context():
            assert site_look.current().name == "Families First"
    finally:
        app.extensions["engine"].dispose()


def test_a_tampered_look_cannot_write_css_or_links_into_the_pages():
    tampered = site_look.parse(
        {
            "name": "<script>alert(1)</script>",
            "colors": {"primary": "red;}body{display:none", "link": "#123456"},
            "story_url": "javascript:alert(1)",
        }
    )
    assert tampered.primary == site_look.DEFAULT.primary
    assert tampered.link == "#123456"
    assert tampered.story_url == site_look.DEFAULT.story_url
    assert tampered.name == "<script>alert(1)</script>"  # text, escaped where shown
    assert site_look.parse("not an object") is None
