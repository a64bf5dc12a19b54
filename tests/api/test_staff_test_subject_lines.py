"""Staff send an update whose subject lines test themselves: each subject to an equal
random sample, the rest the winner, judged by what the samples did through the update's
links; a guard that stops a sample that complains; and each person one subject, ever.
Real SMTP, SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from petition_api.mail import worker
from petition_api.models import Mailing, Outbox, Supporter
from petition_api.updates import mailings, operations
from petition_api.updates.mailings import MailingError

from ..conftest import database
from .bounce_support import event, post_events
from .subject_support import (
    LIST,
    SUBJECT_TEST,
    A,
    B,
    a_list_of,
    by_subject,
    check_later,
    copies_per_person,
    one_of,
    referral_code,
    send_test,
    signs_through,
    signs_through_a_share,
    site_link,
    statuses,
    subject_app,
    tags_of,
    tells_a_story_through,
    the_test,
    updates_in,
)
from .support import send_mail


@pytest.fixture
def app(database_url, tmp_path, smtp_server):
    app = subject_app(database_url, tmp_path, smtp_server)
    yield app
    app.extensions["engine"].dispose()


def test_each_sample_gets_its_subject_and_the_rest_the_winner_chosen_by_hand(
    app, smtp_server, tmp_path
):
    _, inbox = smtp_server
    runner = app.test_cli_runner()
    a_list_of(app)
    sent = send_test(runner, tmp_path)
    assert f"mailing 1 queued to {LIST} supporters" in sent.output
    assert "samples of 60 for subjects A, B now; the other 480 get the winner 4 hours" in (
        sent.output
    )
    send_mail(runner)
    assert by_subject(inbox) == {A: 60, B: 60}
    a_copy, b_copy = one_of(inbox, A), one_of(inbox, B)
    assert tags_of(a_copy) == {"utm_source": "updates", "utm_medium": "email",
                               "utm_campaign": "2026-12-03-delivered",
                               "utm_content": "mailing-1.a"}  # fmt: skip
    assert tags_of(b_copy)["utm_content"] == "mailing-1.b"
    assert "x=1" in site_link(a_copy) and site_link(a_copy).endswith("#sign")
    # The tags name the mailing and the subject, never the person.
    assert {site_link(m) for m in updates_in(inbox) if m["Subject"] == A} == {site_link(a_copy)}
    assert "https://news.example.org/delivered/)" in a_copy.get_body(("plain",)).get_content()
    assert "<img" not in a_copy.get_body(("html",)).get_content()  # no pixel counts opens
    assert statuses(app)[("held", None, False)] == 480
    send_mail(runner)  # the worker sees every sample copy sent: the wait begins
    assert "(waiting for the winner)" in runner.invoke(args=["mailings", "status"]).output
    shown = runner.invoke(args=["mailings", "subjects", "1"]).output
    assert "mailing 1: Waiting: the winner is chosen at" in shown
    assert (
        "the rest: 480 (480 waiting)" in shown and f"A\t60/60\t0\t0\t0\t0.00%\t0\t0\t{A}" in shown
    )

    chosen = runner.invoke(args=["mailings", "choose", "1", "b", "--yes"])
    assert chosen.output.strip() == "mailing 1: subject B goes to the rest"
    send_mail(runner)
    assert by_subject(inbox) == {A: 60, B: 540}
    assert set(copies_per_person(inbox).values()) == {1} and len(copies_per_person(inbox)) == LIST
    rest = [m for m in updates_in(inbox)[120:]]
    assert {tags_of(m)["utm_content"] for m in rest} == {"mailing-1"}  # not counted as B's
    assert the_test(app).decided_by.startswith("cli:")
    # What a person asking for their data is told: which subject they got, and how.
    held = json.loads(runner.invoke(args=["supporters", "show", str(b_copy["To"])]).output)
    [copy] = [mail for mail in held["mail"] if mail["mailing_id"] == 1]
    assert (copy["subject"], copy["in_a_sample"]) == ("B", True)
    again = runner.invoke(args=["mailings", "choose", "1", "A", "--yes"])
    assert again.exit_code != 0 and "subject B was chosen already" in again.output
    assert (
        "Subject B won (by hand); the rest receive it"
        in runner.invoke(args=["mailings", "subjects", "1"]).output
    )


def test_the_winner_is_the_subject_whose_links_brought_the_most_actions(app, smtp_server, tmp_path):
    _, inbox = smtp_server
    client, runner = app.test_client(), app.test_cli_runner()
    a_list_of(app)
    send_test(runner, tmp_path)
    send_mail(runner)
    a_copy, b_copy = one_of(inbox, A), one_of(inbox, B)
    signs_through(client, runner, inbox, a_copy, "ana@example.org")
    signs_through(client, runner, inbox, b_copy, "bea@example.org")
    tells_a_story_through(client, runner, inbox, b_copy, "rosa@example.org")
    # A friend signs through the share link Bea's thank-you gave her.
    signs_through_a_share(client, runner, inbox, referral_code(inbox, "bea@example.org"),
                          "friend@example.org")  # fmt: skip
    signs_through(client, runner, inbox, a_copy, "never.confirms@example.org", confirm=False)
    send_mail(runner)
    shown = runner.invoke(args=["mailings", "subjects", "1"]).output
    assert f"A\t60/60\t1\t0\t0\t1.67%\t0\t0\t{A}" in shown
    assert f"B\t60/60\t1\t1\t1\t5.00%\t0\t0\t{B}" in shown
    assert "leading: B (too close to call: the lead may be chance)" in shown  # 3 in 60 vs 1

    assert check_later(app, hours=3, minutes=59) == {"stopped": 0, "decided": 0}
    assert check_later(app, hours=4, minutes=1) == {"stopped": 0, "decided": 1}
    assert (the_test(app).winner, the_test(app).decided_by) == ("B", "automatic")
    send_mail(runner)
    assert by_subject(inbox) == {A: 60, B: 540}
    assert (
        "Subject B won (automatically)" in runner.invoke(args=["mailings", "subjects", "1"]).output
    )


def test_a_tie_goes_to_the_sample_that_lost_fewer_people_then_to_the_first_subject(
    database_url, tmp_path, smtp_server
):
    _, inbox = smtp_server
    app = subject_app(database_url, tmp_path, smtp_server, SUBJECT_TEST_MAX_UNSUBSCRIBES=0.05)
    client, runner = app.test_client(), app.test_cli_runner()
    a_list_of(app)
    send_test(runner, tmp_path)
    send_mail(runner)
    send_mail(runner)
    check_later(app, hours=5)
    assert the_test(app, 1).winner == "A"  # nothing done by either sample: the first subject

    send_test(runner, tmp_path, SUBJECT_TEST.replace("Hello", "Hi"), "2026-12-04-again.md")
    send_mail(runner)
    mine = [m for m in updates_in(inbox) if tags_of(m)["utm_content"] == "mailing-2.a"]
    one_click = mine[0]["List-Unsubscribe"].split(",")[0].strip("<> ").split("8000", 1)[1]
    assert client.post(one_click, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    send_mail(runner)
    check_later(app, hours=5)
    assert the_test(app, 2).winner == "B"  # no actions either way: A's sample lost one person
    with database(app) as session:  # each send draws its samples afresh, at random
        drawn = [
            set(session.scalars(select(Outbox.supporter_id).where(
                Outbox.mailing_id == mailing, Outbox.sample.is_(True), Outbox.subject == "A")))
            for mailing in (1, 2)
        ]  # fmt: skip
    assert len(drawn[0]) == len(drawn[1]) == 60 and drawn[0] != drawn[1]
    app.extensions["engine"].dispose()


def test_the_guard_stops_a_test_whose_sample_complains(app, smtp_server, tmp_path):
    _, inbox = smtp_server
    client, runner = app.test_client(), app.test_cli_runner()
    a_list_of(app)
    send_test(runner, tmp_path)
    send_mail(runner)
    complained = one_of(inbox, B)
    answer = post_events(client, {"events": [event(
        "complaint", str(complained["To"]), message_id=complained["Message-ID"])]})  # fmt: skip
    assert answer.status_code == 200
    send_mail(runner)  # the worker's check meets the guard
    shown = runner.invoke(args=["mailings", "subjects", "1"]).output
    assert (
        "mailing 1: Stopped by the guard: sample B: complaints from 1 of its 60 people (1.67%), "
        "above the limit of 0.30% (SUBJECT_TEST_MAX_COMPLAINTS)"
    ) in shown
    assert f"B\t60/60\t0\t0\t0\t0.00%\t0\t1\t{B}" in shown
    assert "(paused)" in runner.invoke(args=["mailings", "status"]).output
    check_later(app, hours=5)
    assert runner.invoke(args=["mailings", "resume", "1"]).exit_code == 0
    send_mail(runner)
    assert len(updates_in(inbox)) == 120  # the rest wait: nobody chose for them
    assert "(stopped by the guard)" in runner.invoke(args=["mailings", "status"]).output
    assert the_test(app).winner is None

    assert runner.invoke(args=["mailings", "choose", "1", "A", "--yes"]).exit_code == 0
    send_mail(runner)
    assert by_subject(inbox) == {A: 540, B: 60}
    assert set(copies_per_person(inbox).values()) == {1}


def test_the_guard_stops_a_test_whose_sample_unsubscribes(database_url, tmp_path, smtp_server):
    _, inbox = smtp_server
    app = subject_app(database_url, tmp_path, smtp_server, SUBJECT_TEST_MAX_UNSUBSCRIBES=0.02)
    client, runner = app.test_client(), app.test_cli_runner()
    a_list_of(app)
    send_test(runner, tmp_path)
    send_mail(runner)
    first, second = [m for m in updates_in(inbox) if m["Subject"] == A][:2]

    def unsubscribes(message):  # the page's button, after the link in the email
        page = message["List-Unsubscribe"].split(",")[0].strip("<> ").split("8000", 1)[1]
        answer = client.post(page, headers={"Sec-Fetch-Mode": "navigate"})
        assert answer.status_code == 200

    unsubscribes(first)
    assert check_later(app, minutes=1) == {"stopped": 0, "decided": 0}  # 1 of 60: within 2%
    unsubscribes(second)
    send_mail(runner)
    assert the_test(app).stopped_because.startswith(
        "sample A: unsubscribes from 2 of its 60 people (3.33%), above the limit of 2.00%"
    )
    app.extensions["engine"].dispose()


def test_pausing_and_resuming_keep_each_person_to_one_subject(app, smtp_server, tmp_path):
    _, inbox = smtp_server
    runner = app.test_cli_runner()
    a_list_of(app)
    send_test(runner, tmp_path)
    app.config["MAIL_BATCH"] = 25
    sender = worker.transport(app.config)
    with app.app_context():
        worker.send_batch([sender], worker.Crew(), None)
    sender.close()
    assert len(updates_in(inbox)) == 25
    assert runner.invoke(args=["mailings", "pause", "1"]).exit_code == 0
    app.config["MAIL_BATCH"] = 200
    send_mail(runner)
    check_later(app, hours=5)  # half a sample is never judged: the wait has not begun
    assert len(updates_in(inbox)) == 25 and the_test(app).samples_sent_at is None
    assert runner.invoke(args=["mailings", "resume", "1"]).exit_code == 0
    send_mail(runner)
    send_mail(runner)
    assert by_subject(inbox) == {A: 60, B: 60} and the_test(app).samples_sent_at is not None
    check_later(app, hours=5)
    assert runner.invoke(args=["mailings", "pause", "1"]).exit_code == 0
    send_mail(runner)
    assert len(updates_in(inbox)) == 120
    assert runner.invoke(args=["mailings", "resume", "1"]).exit_code == 0
    send_mail(runner)
    assert by_subject(inbox) == {A: 540, B: 60}
    assert set(copies_per_person(inbox).values()) == {1}
    assert statuses(app) == {("sent", "A", True): 60, ("sent", "B", True): 60,
                             ("sent", "A", False): 480}  # fmt: skip


def test_people_who_join_during_the_wait_get_nothing_and_people_who_leave_are_skipped(
    app, smtp_server, tmp_path
):
    _, inbox = smtp_server
    client, runner = app.test_client(), app.test_cli_runner()
    a_list_of(app)
    send_test(runner, tmp_path)
    send_mail(runner)
    signs_through(client, runner, inbox, one_of(inbox, A), "joins@example.org")
    with database(app) as session:
        held = session.scalars(
            select(Outbox.supporter_id).where(Outbox.status == "held").limit(2)
        ).all()
        leaving, forgotten = (session.get(Supporter, i) for i in held)
        key, forgotten_email = leaving.link_key, forgotten.email
    assert client.post(f"/unsubscribe/{key}").status_code == 200
    assert runner.invoke(args=["supporters", "forget", forgotten_email, "--yes"]).exit_code == 0
    assert runner.invoke(args=["mailings", "choose", "1", "A", "--yes"]).exit_code == 0
    send_mail(runner)
    got = copies_per_person(inbox)
    assert "joins@example.org" not in got and len(got) == LIST - 2
    assert statuses(app)[("skipped", None, False)] == 1  # forgotten while waiting
    assert statuses(app)[("skipped", "A", False)] == 1  # unsubscribed before their turn


def test_the_database_keeps_each_copy_to_one_declared_subject(app, tmp_path):
    runner = app.test_cli_runner()
    a_list_of(app)
    send_test(runner, tmp_path)
    with database(app) as session:
        person = session.scalar(select(Supporter.id).limit(1))
        held = session.scalar(select(Outbox.id).where(Outbox.status == "held").limit(1))
    wrong = [
        Outbox(kind="update", mailing_id=1, supporter_id=person, subject="A"),  # a second copy
        Outbox(kind="update", mailing_id=1, subject="C"),  # a subject it never declared
        Outbox(kind="update", mailing_id=1, sample=True),  # a sample copy with no subject
    ]
    for row in wrong:
        with pytest.raises(IntegrityError), database(app) as session:
            session.add(row)
    with pytest.raises(IntegrityError), database(app) as session:  # held, yet with a subject
        session.execute(update(Outbox).where(Outbox.id == held).values(subject="B"))


def test_a_list_too_small_to_tell_is_refused_with_its_minimum(database_url, tmp_path, smtp_server):
    app = subject_app(database_url, tmp_path, smtp_server, SUBJECT_TEST_BASE_RATE=0.02)
    runner = app.test_cli_runner()
    a_list_of(app, 2_000)
    path = tmp_path / "2026-12-03-delivered.md"
    path.write_text(SUBJECT_TEST)
    problem = (
        f"{path}: subject_test.sample: 10% of 2,000 supporters is 200 for each subject, and "
        "telling 2 subjects apart needs at least 1,139 in each: a list of 11,390 at 10%, or a "
        "larger share. Nothing was queued; send it with one subject instead"
    )
    preview = runner.invoke(args=["mailings", "preview", str(path)])
    assert f"refused as it is: {problem}" in preview.output
    refused = runner.invoke(args=["mailings", "send", str(path), "--yes"])
    assert refused.exit_code != 0 and problem in refused.output
    with app.app_context(), pytest.raises(MailingError, match="needs at least 1,139"):
        operations.send(mailings.read(path), "test")  # what a send that skipped asking meets
    with database(app) as session:
        assert session.scalars(select(Mailing)).all() == []
        assert session.scalars(select(Outbox)).all() == []
    tried = runner.invoke(args=["mailings", "test", str(path), "--to", "me@example.org"])
    assert tried.exit_code == 0, tried.output  # a copy of each subject, whatever the list
    copies = sorted(str(m["Subject"]) for m in smtp_server[1].messages)
    assert copies == [f"[TEST A] {A}", f"[TEST B] {B}"]
    for more, least in (("    - Third\n", "1,379"), ("    - Third\n    - Fourth\n", "1,519")):
        path.write_text(SUBJECT_TEST.replace(f"    - {B}\n", f"    - {B}\n{more}"))
        preview = runner.invoke(args=["mailings", "preview", str(path)]).output
        assert f"apart needs at least {least} in each" in preview
    app.extensions["engine"].dispose()


FRONT = SUBJECT_TEST.split("audience")[0]


@pytest.mark.parametrize(
    "front, error",
    [
        (FRONT.replace(f"    - {B}\n", ""),
         "subject_test.subjects must be a list of two to four subject lines"),
        (FRONT.replace(f"    - {B}\n", f"    - {B}\n" + "    - More\n" * 3),
         "subject_test.subjects must be a list of two to four subject lines"),
        (FRONT.replace(f"    - {B}\n", f"    - {A.upper()} \n"),
         "subject_test.subjects: subjects 1 and 2 are the same line"),
        (FRONT.replace(f"    - {B}\n", "    - Hi {{ first_name }}\n"),
         "subject_test.subjects[2]: placeholders such as {{ first_name }} work only in the body"),
        (FRONT.replace("10%", "10"), "subject_test.sample must be each subject's share of the "
         "list, such as 10%"),
        (FRONT.replace("10%", "30%"), "subject_test.sample must be between 1% and 25% (it is 30%)"),
        (FRONT.replace(f"    - {B}\n", f"    - {B}\n    - Third\n").replace("10%", "20%"),
         "subject_test.sample: 3 samples of 20% reach 60% of the list; together they may reach "
         "50% at most"),
        (FRONT.replace("4 hours", "soon"),
         "subject_test.wait must be a time such as 4 hours or 90 minutes"),
        (FRONT.replace("4 hours", "10 minutes"),
         "subject_test.wait must be between 30 minutes and 72 hours"),
        (FRONT.replace("  wait: 4 hours\n", "  wait: 4 hours\n  winner: clicks\n"),
         "subject_test.winner is not known (subjects, sample, wait)"),
        (FRONT.replace("subject_test:", "subject: One line\nsubject_test:"),
         "subject and subject_test: write the subject lines in one place"),
    ],
)  # fmt: skip
def test_staff_write_a_subject_test_wrong_and_are_told_which_field(app, tmp_path, front, error):
    path = tmp_path / "update.md"
    path.write_text(front + "audience: all\n---\nHello.\n")
    result = app.test_cli_runner().invoke(args=["mailings", "preview", str(path)])
    assert result.exit_code != 0
    assert f"{path}: {error}" in result.output
