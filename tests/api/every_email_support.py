"""One email of every kind, as a supporter and staff bring them about: signing, signing
again, confirming, asking for a copy of one's data, offering a story, staff asking for
its consents and sending an update. Each is read back as it arrived (the SMTP server's
inbox or the file backend's folder), composed by the app's own worker."""

from __future__ import annotations

from pathlib import Path

from ..conftest import load_congress, prepared_app
from .support import confirm_path, send_mail, supporter
from .supporters_support import supporter_row, update_file

FAMILIES_FIRST = {
    "name": "Families First",
    "colors": {"primary": "#4051b5", "on_primary": "#ffffff", "accent": "#ff6e42",
               "link": "#4051b5"},
    "story_url": "/stories/tell/",
}  # fmt: skip
# Where the campaign can be found: every email's footer says it (bulk mail must).
POSTAL = {
    "CAMPAIGN_ORGANISATION": "Families First Coalition",
    "CAMPAIGN_ADDRESS": "1200 Main Street, Suite 4; Springfield, IL 62701",
}
POSTAL_LINES = ["Families First Coalition", "1200 Main Street, Suite 4", "Springfield, IL 62701"]
TITLE = "Guarantee paid family leave"
SIGN_URL = "/api/petitions/paid-family-leave/signatures"
STORY = {
    "first_name": "Maria",
    "email": "maria.hernandez@example.org",
    "state": "NY",
    "zip": "10004",
    "story": "When my daughter was born early, WIC kept us going.",
    "consent_publish": True,
    "consent_name": False,
    "consent_congress": True,
    "consent_contact": True,
    "petition": "paid-family-leave",
}
UPDATE = """---
subject: We delivered 230,000 signatures
preheader: What the offices said, and what comes next
audience: all
---
Hello {{ first_name }},

We delivered **230,000 signatures** to Congress this week. [Read what the
offices said](https://example.org/news/2026/12/03/what-the-offices-said-about-paid-leave).

## What comes next

- Calls to every office that has not answered
- A *town hall* in each state with a **co-sponsor**

| Office | What they said |
| --- | --- |
| Most House offices | They will read the stories of constituents |

[Call your representative](https://www.house.gov/representatives/find-your-representative){.button}

Thank you,

Maria
"""
KINDS = (
    "confirm",
    "confirm_again",
    "thanks",
    "already_signed",
    "your_data",
    "story_confirm",
    "story_permission",
    "update",
)
SUBJECTS = {
    "confirm": f"Please confirm your signature: {TITLE}",
    "confirm_again": f"You already signed: please confirm your signature: {TITLE}",
    "thanks": f"Thank you for signing: {TITLE}",
    "already_signed": f"You have already signed: {TITLE}",
    "your_data": "The data we hold about you",
    "story_confirm": "Please confirm your story",
    "story_permission": "May we share your story?",
    "update": "We delivered 230,000 signatures",
}


def campaign_app(database_url: str, tmp_path: Path, **settings):
    """The API of a campaign called Families First (unless SITE_LOOK says otherwise), with
    its members of Congress."""
    app = prepared_app(database_url, tmp_path, **{"SITE_LOOK": FAMILIES_FIRST, **settings})
    load_congress(app)
    return app


def every_email(app, tmp_path: Path, arrived) -> dict:
    """{kind: the message as it arrived}; `arrived()` lists the messages so far."""
    client, runner = app.test_client(), app.test_cli_runner()

    def newest(kind: str):
        send_mail(runner)
        found = [m for m in arrived() if m["Subject"] == SUBJECTS[kind]]
        assert found, f"no {kind} email arrived"
        return found[-1]

    emails = {}
    client.post(SIGN_URL, json=supporter(zip="10004"))
    emails["confirm"] = newest("confirm")
    client.post(SIGN_URL, json=supporter(zip="10004"))  # again, before confirming
    emails["confirm_again"] = newest("confirm_again")
    client.post(confirm_path(emails["confirm_again"]))
    emails["thanks"] = newest("thanks")
    client.post(SIGN_URL, json=supporter(zip="10004"))  # again, once confirmed
    emails["already_signed"] = newest("already_signed")
    key = supporter_row(app, supporter()["email"]).link_key
    client.post(f"/preferences/{key}/copy")
    emails["your_data"] = newest("your_data")
    client.post("/api/stories", json=STORY)
    emails["story_confirm"] = newest("story_confirm")
    story_link = next(
        word for word in text_of(emails["story_confirm"]).split() if "/confirm-story/" in word
    )
    client.post(story_link.split("8000", 1)[1])
    asked = runner.invoke(args=["stories", "ask", "1"])
    assert asked.exit_code == 0, asked.output
    emails["story_permission"] = newest("story_permission")
    sent = runner.invoke(args=["mailings", "send", str(update_file(tmp_path, UPDATE)), "--yes"])
    assert sent.exit_code == 0, sent.output
    emails["update"] = newest("update")
    return emails


def text_of(message) -> str:
    """The plain-text part, its lines ended as Python writes them (SMTP sends CRLF)."""
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def html_of(message) -> str:
    return message.get_body(("html",)).get_content().replace("\r\n", "\n")
