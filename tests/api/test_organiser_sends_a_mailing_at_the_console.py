"""An organiser sends an update at the console (/admin/mailings): previews a file from the
mailings folder with its audience, sends themself a test copy, sends it to its audience
after saying yes to how many will get it, follows its figures and pauses it; the same
functions `flask mailings` uses, audited under their name, and mail only ever queued."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from petition_api.models import AuditEntry, Mailing, Outbox

from ..conftest import database
from .console_support import console_client, csrf, post
from .support import mailbox, send_mail
from .supporters_support import UPDATE, becomes_supporter, update_file

NAME = "2026-12-03-delivered"
PAGE = f"/admin/mailings/{NAME}"


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def a_mailings_folder(app, client, runner, tmp_path, monkeypatch, supporters: int = 1):
    """The update file in mailings/ where the app runs, and confirmed supporters for it."""
    for n in range(supporters):
        becomes_supporter(client, runner, lambda: mailbox(app), email=f"s{n}@example.org")
    folder = tmp_path / "mailings"
    folder.mkdir()
    monkeypatch.chdir(tmp_path)
    return update_file(folder)


def updates_sent(app) -> list:
    return [m for m in mailbox(app) if "We delivered" in m["Subject"]]


def actions(app) -> list[tuple[str, str, str]]:
    with database(app) as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("mailings.%")).order_by(AuditEntry.id)
        )
        return [(e.action, e.target, e.actor) for e in entries]


def send_confirmed(organiser, again: bool = False):
    """Send, say yes to the question, as the confirm form does."""
    asked = organiser.post(PAGE, data={"csrf_token": csrf(organiser, PAGE), "action": "send"})
    assert asked.status_code == 200, text_of(asked)
    sha256 = re.search(r'name="sha256" value="([0-9a-f]{64})"', text_of(asked)).group(1)
    answer = {"action": "send", "confirmed": "yes", "sha256": sha256}
    return post(organiser, PAGE, {**answer, **({"again": "yes"} if again else {})})


def test_an_organiser_previews_an_update_with_its_subject_and_audience_size(
    app, client, runner, tmp_path, monkeypatch
):
    path = a_mailings_folder(app, client, runner, tmp_path, monkeypatch, supporters=2)
    update_file(path.parent, UPDATE.replace("audience: all", "audience:\n  states: [XY]"), "b.md")
    organiser = console_client(app, "organiser")
    listing = text_of(organiser.get("/admin/mailings"))
    assert f'href="{PAGE}"' in listing and "We delivered your signatures" in listing
    assert f"{path.parent.resolve() / 'b.md'}: audience.states: 'XY' is not a US state" in listing

    page = organiser.get(PAGE)
    shown = text_of(page)
    assert page.status_code == 200
    assert "<h1>We delivered your signatures</h1>" in shown
    assert "<strong>2</strong> subscribed supporters now" in shown
    assert "Hello Alex," in shown  # the text part, as `flask mailings preview` prints it
    frame = re.search(
        r'<iframe sandbox title="[^"]*" srcdoc="([^"]*)"', page.get_data(as_text=True)
    )
    assert "<strong" in html.unescape(frame.group(1))  # the HTML part, scripts impossible
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert 'value="organiser@example.org"' in shown  # the test copy's address, by default
    assert organiser.get("/admin/mailings/no-such-file").status_code == 404
    assert console_client(app, "editor").get(PAGE).status_code == 403


def test_an_organiser_sends_a_test_copy_of_an_update_to_one_address(
    app, client, runner, tmp_path, monkeypatch
):
    a_mailings_folder(app, client, runner, tmp_path, monkeypatch)
    organiser = console_client(app, "organiser")
    wrong = post(organiser, PAGE, {"action": "test", "to": "notanemail"})
    assert wrong.status_code == 400 and "'notanemail'" in text_of(wrong)

    sent = post(organiser, PAGE, {"action": "test", "to": "staff@example.org"})
    assert sent.status_code == 302 and sent.location.endswith(PAGE)
    assert "queued to staff@example.org" in text_of(organiser.get(PAGE))
    with database(app) as session:  # queued, not sent inside the request
        [row] = session.scalars(select(Outbox).where(Outbox.kind == "update_test")).all()
        assert row.payload["to"] == "staff@example.org"
        assert session.scalars(select(Mailing)).all() == []
    send_mail(runner)
    [copy] = updates_sent(app)
    assert copy["To"] == "staff@example.org"
    assert copy["Subject"] == "[TEST] We delivered your signatures"
    assert "Hello Alex," in copy.get_body(("plain",)).get_content()
    assert actions(app) == [("mailings.test", NAME, "staff:1:organiser@example.org")]


def test_an_organiser_says_yes_to_how_many_then_follows_the_mailings_progress(
    app, client, runner, tmp_path, monkeypatch
):
    a_mailings_folder(app, client, runner, tmp_path, monkeypatch, supporters=2)
    organiser = console_client(app, "organiser")
    asked = post(organiser, PAGE, {"action": "send"})
    assert asked.status_code == 200
    assert "Send “We delivered your signatures” to 2 supporters?" in text_of(asked)
    with database(app) as session:  # asking queues nothing
        assert session.scalars(select(Mailing)).all() == []

    sent = send_confirmed(organiser)
    assert sent.status_code == 302
    assert "Mailing 1 is queued to 2 supporters" in text_of(organiser.get(PAGE))
    progress = organiser.get(f"{PAGE}/progress").get_json()
    [row] = progress["mailings"]
    assert (row["id"], row["recipients"], row["queued"], row["sent"]) == (1, 2, 2, 0)
    assert row["state"] == "sending"
    assert f'data-progress-url="{PAGE}/progress"' in text_of(organiser.get(PAGE))

    send_mail(runner)
    [row] = organiser.get(f"{PAGE}/progress").get_json()["mailings"]
    assert (row["queued"], row["sent"], row["share"], row["state"]) == (0, 2, 1.0, "finished")
    assert sorted(m["To"] for m in updates_sent(app)) == ["s0@example.org", "s1@example.org"]
    listing = text_of(organiser.get("/admin/mailings"))  # as `flask mailings status` shows it
    assert '<tr data-mailing="1">' in listing and 'data-figure="sent">2<' in listing

    again = send_confirmed(organiser)
    assert again.status_code == 400 and "already sent as mailing 1" in text_of(again)
    assert actions(app) == [("mailings.send", NAME, "staff:1:organiser@example.org")]
    assert send_confirmed(organiser, again=True).status_code == 302
    with database(app) as session:
        assert len(session.scalars(select(Mailing)).all()) == 2


def test_an_organiser_pauses_a_mailing_and_resumes_it(app, client, runner, tmp_path, monkeypatch):
    a_mailings_folder(app, client, runner, tmp_path, monkeypatch)
    organiser = console_client(app, "organiser")
    assert send_confirmed(organiser).status_code == 302
    assert post(organiser, PAGE, {"action": "pause", "mailing": "1"}).status_code == 302
    page = text_of(organiser.get(PAGE))
    assert "Mailing 1 is paused" in page and 'value="resume"' in page
    send_mail(runner)
    assert updates_sent(app) == []
    twice = post(organiser, PAGE, {"action": "pause", "mailing": "1"})
    assert twice.status_code == 400 and "mailing 1 is already paused" in text_of(twice)

    assert post(organiser, PAGE, {"action": "resume", "mailing": "1"}).status_code == 302
    assert "Mailing 1 is sending again" in text_of(organiser.get(PAGE))
    send_mail(runner)
    assert [m["To"] for m in updates_sent(app)] == ["s0@example.org"]
    finished = post(organiser, PAGE, {"action": "pause", "mailing": "1"})
    assert finished.status_code == 400 and "has nothing left to send" in text_of(finished)
    assert [a for a, _, _ in actions(app)] == ["mailings.send", "mailings.pause", "mailings.resume"]


def test_a_send_without_the_forms_security_token_changes_nothing(
    app, client, runner, tmp_path, monkeypatch
):
    path = a_mailings_folder(app, client, runner, tmp_path, monkeypatch)
    organiser = console_client(app, "organiser")
    organiser.get(PAGE)
    forged = organiser.post(PAGE, data={"action": "send", "confirmed": "yes", "again": "yes"})
    assert forged.status_code == 400 and "nothing was changed" in text_of(forged)
    test = organiser.post(PAGE, data={"action": "test", "to": "someone@example.org"})
    assert test.status_code == 400
    with database(app) as session:
        assert session.scalars(select(Mailing)).all() == []
        assert (
            session.scalars(select(Outbox).where(Outbox.kind.in_(["update", "update_test"]))).all()
            == []
        )
    assert path.exists() and actions(app) == []
