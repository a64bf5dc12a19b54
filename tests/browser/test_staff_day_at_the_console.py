"""A day at the console, in Chromium, on a phone: sign in with two-factor, read the
dashboard, take a fraudulent batch out and watch the count drop, approve and
publish a story, send a test of an update. Every page on the way is axe-checked."""

from __future__ import annotations

import email
import email.policy
import json
import re
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pyotp
import pytest
from playwright.sync_api import expect

from .conftest import AXE, ROOT
from .support import unique_email

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PASSWORD = "plum-engine-harbor-silk"
PETITION = "paid-family-leave"


def flask(campaign, *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-m", "flask", *args],
        env=campaign.env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def post_json(campaign, path: str, body: dict) -> None:
    request = urllib.request.Request(  # noqa: S310 (the local test server)
        campaign.url(path),
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 (local)


def signed_and_confirmed(campaign, addresses: list[str]) -> None:
    """People sign; their confirmations are made in the database (the supporter's side
    of confirming is tested in test_supporter_signs.py)."""
    for address in addresses:
        token = campaign.api(f"/api/petitions/{PETITION}/form-token")["form_token"]
        post_json(
            campaign,
            f"/api/petitions/{PETITION}/signatures",
            {"first_name": "Sam", "last_name": "Doe", "email": address, "state": "NY",
             "zip": "10004", "utm_source": "console-test", "form_token": token},
        )  # fmt: skip
    with sqlite3.connect(campaign.work / "groundswell.db") as db:
        marks = ",".join("?" * len(addresses))
        db.execute(
            "UPDATE signatures SET status = 'validated', validated_at = created_at "
            f"WHERE status = 'pending' AND email_canonical IN ({marks})",
            addresses,
        )


def a_confirmed_story(campaign, address: str) -> None:
    post_json(
        campaign,
        "/api/stories",
        {"first_name": "Maria", "email": address, "state": "NY", "zip": "10118",
         "story": "When my daughter was born early, WIC kept us going.",
         "consent_publish": True, "consent_name": True, "consent_congress": True,
         "consent_contact": True, "petition": PETITION},
    )  # fmt: skip
    body = newest_mail(campaign, address, "/confirm-story/")
    link = re.search(r"https?://\S+/confirm-story/[\w.\-~]+", body).group(0)
    urllib.request.urlopen(urllib.request.Request(link, data=b"", method="POST"), timeout=10)  # noqa: S310


def newest_mail(campaign, address: str, containing: str, seconds: float = 15) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in sorted(campaign.mail_dir.glob("*.eml"), reverse=True):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            body = message.get_body(preferencelist=("plain",)).get_content()
            if address in str(message["To"]) and containing in (body + str(message["Subject"])):
                return body
        time.sleep(0.2)
    raise AssertionError(f"no message to {address} with {containing!r}")


def no_serious_accessibility_problems(page) -> None:
    """axe on the page as it is, run from the test's side (the console's policy lets no
    script in but its own, and the test must not turn that policy off)."""
    page.evaluate("() => {" + AXE.read_text() + "\n}")
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], (
        page.url,
        [(v["id"], [n["target"] for n in v["nodes"]]) for v in serious],
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def settled_count(campaign) -> int:
    """The public count once new confirmations are in it (it refreshes every 0.2 s here,
    each refresh counting the confirmations made before it began)."""
    count = campaign.api(f"/api/petitions/{PETITION}")["count"]
    while True:
        time.sleep(0.6)
        now = campaign.api(f"/api/petitions/{PETITION}")["count"]
        if now == count:
            return now
        count = now


def confirmed(page) -> int:
    return int(page.locator("#confirmed").inner_text().replace(",", ""))


def test_an_organiser_works_through_a_day_at_the_console(campaign, open_context):
    me = unique_email("admin")
    flask(campaign, "staff", "create", me, "--role", "admin", "--password-stdin", stdin=PASSWORD)
    page = open_context(**PHONE).new_page()

    # First sign-in: set up two-factor with an authenticator app, then sign in with it.
    page.goto(campaign.url("/admin/"))
    expect(page).to_have_url(re.compile(r"/admin/login"))
    no_serious_accessibility_problems(page)
    page.get_by_label("Email address").fill(me)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(campaign.url("/admin/account/two-factor"))
    no_serious_accessibility_problems(page)
    secret = page.locator("#secret").inner_text()
    page.get_by_label("Six-digit code").fill(pyotp.TOTP(secret).now())
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Turn two-factor on").click()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email address").fill(me)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/admin/login/code"))
    # The code shown when two-factor was turned on works once: the app's next one.
    page.get_by_label("The six digits").fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Sign in").click()

    # The dashboard, before and after a click farm's batch is taken out.
    farm = [unique_email("farm").replace("example.org", "clickfarm.example") for _ in range(4)]
    signed_and_confirmed(campaign, [*farm, unique_email("real")])
    settled_count(campaign)
    page.goto(campaign.url(f"/admin/?petition={PETITION}"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    no_serious_accessibility_problems(page)
    before = confirmed(page)
    page.get_by_text("Confirmed signatures by state as a table").click()
    expect(page.get_by_role("rowheader", name="NY").first).to_be_visible()

    page.goto(campaign.url("/admin/signatures"))
    page.get_by_label("Search by").select_option("domain")
    page.get_by_label("Looking for").fill("clickfarm.example")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results")).to_contain_text("4 signatures found")
    no_serious_accessibility_problems(page)
    page.get_by_role("button", name=re.compile("Invalidate all 4")).click()
    expect(page.locator("#preview")).to_contain_text("4 signatures would be invalidated")
    no_serious_accessibility_problems(page)
    page.get_by_label("Why?").fill("a click farm: one domain, one minute")
    page.get_by_role("button", name="Invalidate 4").click()
    expect(page.get_by_role("status")).to_contain_text("4 signatures invalidated")
    page.goto(campaign.url(f"/admin/?petition={PETITION}"))
    assert confirmed(page) == before - 4

    # A story, from the queue to the site's content folder.
    a_confirmed_story(campaign, unique_email("maria"))
    page.goto(campaign.url("/admin/stories"))
    no_serious_accessibility_problems(page)
    page.get_by_role("link", name=re.compile(r"^Story \d+$")).first.click()
    no_serious_accessibility_problems(page)
    page.get_by_label("Story text to approve").fill(
        "When my daughter was born early, the WIC program kept us going."
    )
    page.get_by_role("button", name="Approve").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("build the site to publish it")
    [post] = (campaign.work / "content" / "stories" / "posts").glob("*supporter-story-*.md")
    assert "the WIC program kept us going" in post.read_text()

    # A test copy of an update, to myself.
    page.goto(campaign.url("/admin/mailings"))
    no_serious_accessibility_problems(page)
    page.locator("main a[href$='/admin/mailings/example']").first.click()
    no_serious_accessibility_problems(page)
    # Its centre lies on the phone screen's bottom edge, where Chromium's emulated
    # tap lands on nothing: bring it to the middle, as a thumb would.
    send_test = page.get_by_role("button", name="Send a test copy")
    send_test.evaluate("button => button.scrollIntoView({block: 'center'})")
    send_test.click()
    expect(page.get_by_role("status")).to_contain_text(re.compile("test", re.I))
    assert "We delivered your signatures" in subject_of_newest(campaign, me)


def subject_of_newest(campaign, address: str, seconds: float = 20) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in sorted(campaign.mail_dir.glob("*.eml"), reverse=True):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if address in str(message["To"]) and "[TEST]" in str(message["Subject"]):
                return str(message["Subject"])
        time.sleep(0.2)
    raise AssertionError(f"no test copy to {address}")
