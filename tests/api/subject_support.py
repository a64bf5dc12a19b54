"""Helpers for the subject-test stories: a list of supporters, an update whose subjects test
themselves, a real SMTP inbox read by subject, and people acting through a copy's links
the way the site's forms carry the tags (the page's script copies them into the form)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy import select

from petition_api.models import Outbox, SubjectTest, utcnow
from petition_api.supporters import synthetic
from petition_api.updates import deciding

from ..conftest import database, prepared_app
from .bounce_support import SECRET
from .support import SIGN_URL, supporter
from .supporters_support import confirm_everyone, update_file

A = "We delivered your signatures"
B = "Congress has your signature now"
SUBJECT_TEST = f"""---
subject_test:
  subjects:
    - {A}
    - {B}
  sample: 10%
  wait: 4 hours
preheader: What the offices said
audience: all
---
Hello {{{{ first_name }}}},

We delivered **230,000 signatures** to Congress this week.

[Add your name to the next petition](http://127.0.0.1:8000/petitions/paid-family-leave/?x=1#sign){{.button}}

[Read what the offices said](https://news.example.org/delivered/)
"""
# When 30% of recipients are expected to act, two subjects need 40 people each: small
# lists make quick tests (with the defaults, 2%, the least sample is 1,139).
SMALL_MINIMUM = {"SUBJECT_TEST_BASE_RATE": 0.3}
LIST = 600  # 60 in each sample of 10%, 480 in the rest
SITE_LINK = re.compile(r"http://127\.0\.0\.1:8000/petitions/[^\s\])>\"]+")


def subject_app(database_url, tmp_path, smtp_server, **settings):
    """An app sending through the SMTP server, taking signed delivery events."""
    controller, _ = smtp_server
    return prepared_app(
        database_url, tmp_path, MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1",
        SMTP_PORT=controller.port, SMTP_SECURITY="none", SMTP_TIMEOUT=5.0,
        MAIL_EVENTS_SECRET=SECRET, MAIL_EVENTS_MAX_AGE=300, MAIL_BATCH=200,
        **(SMALL_MINIMUM | settings),
    )  # fmt: skip


def a_list_of(app, count: int = LIST) -> None:
    with app.app_context():
        synthetic.generate(count)


def send_test(runner, tmp_path, text: str = SUBJECT_TEST, name: str = "2026-12-03-delivered.md"):
    result = runner.invoke(
        args=["mailings", "send", str(update_file(tmp_path, text, name)), "--yes"]
    )
    assert result.exit_code == 0, result.output
    return result


def updates_in(inbox) -> list:
    return [message for message in inbox.messages if message["List-Id"]]


def by_subject(inbox) -> Counter[str]:
    return Counter(str(message["Subject"]) for message in updates_in(inbox))


def copies_per_person(inbox) -> Counter[str]:
    return Counter(str(message["To"]) for message in updates_in(inbox))


def site_link(message) -> str:
    """The link to the campaign site in a copy's text (its button)."""
    return SITE_LINK.search(message.get_body(("plain",)).get_content()).group(0)


def tags_of(message) -> dict[str, str]:
    return {k: v for k, v in parse_qsl(urlsplit(site_link(message)).query) if k.startswith("utm_")}


def signs_through(client, runner, inbox, message, email: str, confirm: bool = True):
    """Someone opens a copy's link and signs on the page it leads to."""
    client.post(SIGN_URL, json=supporter(email=email, **tags_of(message)))
    if confirm:
        confirm_everyone(client, runner, inbox.messages)


def signs_through_a_share(client, runner, inbox, code: str, email: str) -> None:
    """A friend signs through the share link a signer's thank-you email gave them."""
    share = {"utm_source": "link", "utm_medium": "share", "utm_content": "thanks-email"}
    client.post(SIGN_URL, json=supporter(email=email, ref=code, **share))
    confirm_everyone(client, runner, inbox.messages)


def tells_a_story_through(client, runner, inbox, message, email: str) -> None:
    story = {"first_name": "Rosa", "email": email, "state": "NY", "zip": "10118",
             "story": "WIC kept my twins fed.", "consent_publish": True,
             "petition": "paid-family-leave", **tags_of(message)}  # fmt: skip
    assert client.post("/api/stories", json=story).status_code == 201
    confirm_everyone(client, runner, inbox.messages)
    [asked] = [m for m in inbox.messages if m["To"] == email]
    body = asked.get_body(("plain",)).get_content()
    link = next(word for word in body.split() if "/confirm-story/" in word).split("8000", 1)[1]
    assert client.post(link).status_code == 200


def referral_code(inbox, email: str) -> str:
    """The code in the share links of the thank-you a signer received."""
    [thanks] = [m for m in inbox.messages if m["To"] == email and "Thank you" in m["Subject"]]
    return re.search(r"[?&]ref=([A-Za-z0-9_-]{12})", thanks.get_body(("plain",)).get_content())[1]


def one_of(inbox, subject: str):
    return next(message for message in updates_in(inbox) if message["Subject"] == subject)


def check_later(app, **wait) -> dict:
    """The subject tests checked as the worker checks them, `wait` from now."""
    with app.app_context():
        return deciding.check(utcnow() + timedelta(**wait))


def the_test(app, mailing_id: int = 1) -> SubjectTest:
    with database(app) as session:
        return session.get(SubjectTest, mailing_id)


def statuses(app, mailing_id: int = 1) -> Counter[tuple[str, str | None, bool]]:
    """(status, subject, in a sample) of the mailing's copies, counted."""
    with database(app) as session:
        rows = session.execute(
            select(Outbox.status, Outbox.subject, Outbox.sample).where(
                Outbox.mailing_id == mailing_id
            )
        ).all()
    return Counter((str(status), subject, bool(sample)) for status, subject, sample in rows)
