"""An organiser sends a subject test at the console: sees its subjects and samples before
sending, is refused a list too small to tell them apart, sends a test copy of each
subject, follows each sample's figures, and chooses the winner by hand after a question;
audited under their name, as `flask mailings choose` is."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from petition_api.models import AuditEntry, Mailing, Outbox

from ..conftest import database, prepared_app
from .console_support import console_client, post
from .subject_support import SMALL_MINIMUM, SUBJECT_TEST, A, B, a_list_of
from .support import mailbox, send_mail
from .supporters_support import update_file
from .test_organiser_sends_a_mailing_at_the_console import send_confirmed, text_of

NAME = "2026-12-03-delivered"
PAGE = f"/admin/mailings/{NAME}"
ORGANISER = "staff:1:organiser@example.org"


@pytest.fixture
def app(database_url, tmp_path, monkeypatch):
    app = prepared_app(database_url, tmp_path, **SMALL_MINIMUM)
    (tmp_path / "mailings").mkdir()
    update_file(tmp_path / "mailings", SUBJECT_TEST, f"{NAME}.md")
    monkeypatch.chdir(tmp_path)
    yield app
    app.extensions["engine"].dispose()


def updates_sent(app) -> list:
    return [m for m in mailbox(app) if m["List-Id"]]


def test_a_list_too_small_to_tell_the_subjects_apart_is_refused_before_anything_is_queued(app):
    a_list_of(app, 300)  # 30 in each sample; 40 are needed
    organiser = console_client(app, "organiser")
    page = text_of(organiser.get(PAGE))
    assert "This subject test cannot be sent to its audience now:" in page
    assert "subject_test.sample: 10% of 300 supporters is 30 for each subject" in page
    refused = post(organiser, PAGE, {"action": "send"})
    assert refused.status_code == 400
    assert "needs at least 40 in each: a list of 400 at 10%" in text_of(refused)
    with database(app) as session:
        assert session.scalars(select(Mailing)).all() == []


def test_an_organiser_tests_sends_follows_and_chooses_the_winner_by_hand(app, tmp_path):
    a_list_of(app)
    runner = app.test_cli_runner()
    organiser = console_client(app, "organiser")
    page = text_of(organiser.get(PAGE))
    assert f"<li>{A}</li><li>{B}</li>" in page
    assert "10% of the list each, drawn at random; the rest get the winner 4 hours" in page
    assert "<strong>600</strong> subscribed supporters now: samples of 60 (at least 40" in page

    assert post(organiser, PAGE, {"action": "test", "to": "me@example.org"}).status_code == 302
    assert "2 test copies, one per subject" in text_of(organiser.get(PAGE))
    send_mail(runner)
    assert sorted(str(m["Subject"]) for m in updates_sent(app)) == [f"[TEST A] {A}",
                                                                     f"[TEST B] {B}"]  # fmt: skip

    asked = text_of(post(organiser, PAGE, {"action": "send"}))
    assert (
        "A subject test: 2 samples of 60 (10% each) get subjects A, B now; the other 480 get "
        "the winner 4 hours after the last sample copy is sent."
    ) in asked
    assert send_confirmed(organiser).status_code == 302
    assert "Its samples go first; the rest waits for the winner." in text_of(organiser.get(PAGE))
    send_mail(runner)
    send_mail(runner)
    [row] = organiser.get(f"{PAGE}/progress").get_json()["mailings"]
    assert (row["sent"], row["held"], row["state"]) == (120, 480, "waiting for the winner")
    page = text_of(organiser.get(PAGE))
    assert 'data-test-state="waiting"' in page and "the winner is chosen at" in page
    assert f'<li data-subject="A"><strong>A</strong>: {A} <strong class="lead">Leading' in page
    assert '<tr><th scope="row">Sent</th><td class="n">60 of 60</td><td class="n">60 of 60' in page
    assert "Opens are not counted: updates carry no tracking pixel." in page

    wrong = post(organiser, PAGE, {"action": "choose", "mailing": "1", "subject": "Z",
                                   "confirmed": "yes"})  # fmt: skip
    assert wrong.status_code == 400
    assert "No winner was chosen: subject: 'Z' is not one of mailing 1's subjects (A, B)" in (
        text_of(wrong)
    )
    asked = text_of(post(organiser, PAGE, {"action": "choose", "mailing": "1", "subject": "B"}))
    assert "Send subject B to the rest of mailing 1?" in asked
    assert f"“{B}” goes to the <strong>480</strong> supporters waiting" in asked
    with database(app) as session:  # asking changes nothing
        assert (
            session.scalar(select(Outbox.id).where(Outbox.subject == "B", ~Outbox.sample)) is None
        )
    confirmed = post(organiser, PAGE, {"action": "choose", "mailing": "1", "subject": "B",
                                       "confirmed": "yes"})  # fmt: skip
    assert confirmed.status_code == 302
    assert "Subject B goes to the rest of mailing 1" in text_of(organiser.get(PAGE))
    send_mail(runner)
    sent = [m for m in updates_sent(app) if "[TEST" not in str(m["Subject"])]
    assert len(sent) == 600 and len({str(m["To"]) for m in sent}) == 600
    page = text_of(organiser.get(PAGE))
    assert "Subject B won (by hand); the rest receive it" in page
    assert f"Chosen by {ORGANISER} at" in page and 'value="choose"' not in page
    with database(app) as session:
        audited = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.actor == ORGANISER, AuditEntry.action.like("mailings.%"))
            .order_by(AuditEntry.id)
        ).all()
    assert audited == ["mailings.test", "mailings.send", "mailings.winner"]
    assert re.search(r'data-figure="state">finished<', text_of(organiser.get("/admin/mailings")))
