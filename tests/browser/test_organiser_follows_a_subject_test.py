"""An organiser sends an update whose two subjects test themselves, follows the samples at
the console on a phone and at a desk (360 and 1280 px, axe-checked, screenshots kept),
and chooses the winner by hand."""

from __future__ import annotations

import re
import secrets
import sqlite3
import time

import pytest
from playwright.sync_api import expect

from .test_organiser_reads_the_console import at_each_width, signed_in_organiser
from .test_staff_day_at_the_console import post_json

pytestmark = pytest.mark.browser

PEOPLE = 600  # in Wyoming, where no other story's people live: 60 in each sample
NAME = "subject-test-wyoming"
UPDATE = """---
subject_test:
  subjects:
    - Wyoming, your signatures reached Congress
    - Three things Congress told us this week
  sample: 10%
  wait: 4 hours
audience:
  states: [WY]
---
Hello {{ first_name }},

[Add your name to the next petition](SITE/petitions/paid-family-leave/){.button}
"""


def people_in_wyoming(campaign) -> list[str]:
    """Subscribed supporters, made in the database (becoming one is tested elsewhere)."""
    run = secrets.token_hex(3)
    emails = [f"wy-{run}-{n}@example.org" for n in range(PEOPLE)]
    with sqlite3.connect(campaign.work / "groundswell.db") as db:
        db.executemany(
            "INSERT INTO supporters (email_canonical, email, first_name, last_name, state, zip,"
            " status, scope, link_key, created_at, status_changed_at) VALUES (?, ?, 'Casey',"
            " 'Doe', 'WY', '82001', 'subscribed', 'all', ?, datetime('now'), datetime('now'))",
            [(e, e, secrets.token_urlsafe(24)) for e in emails],
        )
    return emails


def mailing_state(campaign) -> tuple[int, bool]:
    """The newest mailing, and whether its samples are all sent (the wait has begun)."""
    with sqlite3.connect(campaign.work / "groundswell.db") as db:
        mailing_id, sent = db.execute(
            "SELECT mailing_id, samples_sent_at IS NOT NULL FROM subject_tests"
            " ORDER BY mailing_id DESC LIMIT 1"
        ).fetchone()
    return mailing_id, bool(sent)


def signs_through_b(campaign, mailing_id: int) -> None:
    """Someone signs through a link of sample B's copy; confirmed in the database."""
    email = f"b-{secrets.token_hex(3)}@example.org"
    token = campaign.api("/api/petitions/paid-family-leave/form-token")["form_token"]
    post_json(campaign, "/api/petitions/paid-family-leave/signatures",
              {"first_name": "Sam", "last_name": "Doe", "email": email, "state": "NY",
               "zip": "10004", "form_token": token, "utm_source": "updates",
               "utm_medium": "email", "utm_content": f"mailing-{mailing_id}.b"})  # fmt: skip
    with sqlite3.connect(campaign.work / "groundswell.db") as db:
        db.execute(
            "UPDATE signatures SET status = 'validated', validated_at = created_at "
            "WHERE email_canonical = ?",
            (email,),
        )


def test_an_organiser_follows_a_subject_test_and_chooses_its_winner(campaign, page):
    emails = people_in_wyoming(campaign)
    (campaign.work / "mailings" / f"{NAME}.md").write_text(
        UPDATE.replace("SITE", campaign.origin), encoding="utf-8"
    )
    try:
        signed_in_organiser(campaign, page)
        page.goto(campaign.url(f"/admin/mailings/{NAME}"))
        expect(page.get_by_text("samples of 60 (at least 40 each)")).to_be_visible()
        page.get_by_role("button", name="Send to the audience…").click()
        expect(page.get_by_text("A subject test: 2 samples of 60")).to_be_visible()
        page.get_by_role("button", name=re.compile("Yes, send to 600 supporters")).click()
        expect(page.get_by_role("status")).to_contain_text("the rest waits for the winner")

        deadline = time.monotonic() + 60
        while not mailing_state(campaign)[1]:  # the worker sends the samples
            assert time.monotonic() < deadline, "the samples were not sent"
            time.sleep(0.3)
        mailing_id = mailing_state(campaign)[0]
        signs_through_b(campaign, mailing_id)
        signs_through_b(campaign, mailing_id)

        def waiting():
            page.goto(campaign.url(f"/admin/mailings/{NAME}"))
            expect(page.locator("[data-test-state=waiting]")).to_contain_text("Waiting")
            expect(page.locator("li[data-subject=B]")).to_contain_text("Leading")

        at_each_width(page, "console-subject-test-waiting", waiting)

        page.get_by_label("B: Three things Congress told us this week").check()
        page.get_by_role("button", name="Send the rest this subject…").click()
        expect(page.get_by_role("heading", name=re.compile("Send subject B"))).to_be_visible()
        page.get_by_role("button", name="Yes, send subject B to 480 supporters").click()
        expect(page.get_by_role("status")).to_contain_text("Subject B goes to the rest")

        def decided():
            page.goto(campaign.url(f"/admin/mailings/{NAME}"))
            expect(page.locator("[data-test-state=decided]")).to_contain_text("Subject B won")

        at_each_width(page, "console-subject-test-decided", decided)
    finally:  # nothing of this story reaches another: its people leave the list
        with sqlite3.connect(campaign.work / "groundswell.db") as db:
            marks = ",".join("?" * len(emails))
            db.execute(
                f"UPDATE supporters SET status = 'unsubscribed' WHERE email IN ({marks})", emails
            )
        (campaign.work / "mailings" / f"{NAME}.md").unlink()
