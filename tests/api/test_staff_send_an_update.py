"""Staff send an update to supporters: only those who asked for it, once, through SMTP."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from petition_api.mail import worker
from petition_api.models import (
    CongressDataset,
    CongressOffice,
    EmailStatus,
    Mailing,
    Outbox,
    Supporter,
)

from ..conftest import ROOT, database
from .bounce_support import event, events_app, post_events
from .conftest import Inbox
from .support import SIGN_URL, mailbox, send_mail, supporter
from .supporters_support import (
    UPDATE,
    becomes_supporter,
    confirm_everyone,
    supporter_row,
    update_file,
)


def updates_in(inbox: Inbox) -> list:
    return [m for m in inbox.messages if m["List-Id"]]


def send(runner, path, *extra):
    return runner.invoke(args=["mailings", "send", str(path), "--yes", *extra])


def test_only_confirmed_supporters_who_ticked_the_box_receive_an_update(
    smtp_app, smtp_server, tmp_path
):
    _, inbox = smtp_server
    client, runner = smtp_app.test_client(), smtp_app.test_cli_runner()
    people = {
        "ticked@example.org": dict(email_updates=True),
        "unticked@example.org": dict(email_updates=None),
        "unsubscribed@example.org": dict(email_updates=True),
        "bounced@example.org": dict(email_updates=True),
        "complained@example.org": dict(email_updates=True),
        "forgotten@example.org": dict(email_updates=True, first_name="Forgotten"),
    }
    for email, person in people.items():
        becomes_supporter(client, runner, inbox.messages, email=email, **person)
    client.post(SIGN_URL, json=supporter(email="pending@example.org"))  # never confirms
    with database(smtp_app) as session:
        for email, status in (
            ("bounced@example.org", EmailStatus.BOUNCING),
            ("complained@example.org", EmailStatus.SPAM_COMPLAINT),
        ):
            session.execute(update(Supporter).where(Supporter.email == email).values(status=status))
    unsubscribe = supporter_row(smtp_app, "unsubscribed@example.org").link_key
    assert client.post(f"/unsubscribe/{unsubscribe}").status_code == 200
    forgot = runner.invoke(args=["supporters", "forget", "forgotten@example.org", "--yes"])
    assert forgot.exit_code == 0, forgot.output

    result = send(runner, update_file(tmp_path))
    assert result.exit_code == 0, result.output
    assert "queued to 1 supporters" in result.output
    send_mail(runner)
    assert [m["To"] for m in updates_in(inbox)] == ["ticked@example.org"]
    # ... and the confirmations went to everyone who signed, the pending signer included.
    confirmations = {m["To"] for m in inbox.messages if m["Subject"].startswith("Please confirm")}
    assert "pending@example.org" in confirmations and "unticked@example.org" in confirmations


def test_an_update_carries_one_click_unsubscribe_and_the_persons_own_escaped_name(
    smtp_app, smtp_server, tmp_path
):
    _, inbox = smtp_server
    client, runner = smtp_app.test_client(), smtp_app.test_cli_runner()
    becomes_supporter(client, runner, inbox.messages, first_name="<b>Zoë</b> & co")
    send(runner, update_file(tmp_path))
    send_mail(runner)
    [message] = updates_in(inbox)
    key = supporter_row(smtp_app, "maria.hernandez@example.org").link_key
    assert message["Subject"] == "We delivered your signatures"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = [part.strip(" <>") for part in message["List-Unsubscribe"].split(",")]
    assert https.startswith(f"http://127.0.0.1:8000/unsubscribe/{key}?m=")
    assert mailto == f"mailto:unsubscribe@localhost?subject=unsubscribe-{key}"
    assert message["List-Id"] == "Campaign updates <updates.localhost>"
    assert message["Message-ID"].endswith("@localhost>")
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "Hello &lt;b&gt;Zoë&lt;/b&gt; &amp; co," in html and "<b>Zoë</b>" not in html
    assert "Hello <b>Zoë</b> & co," in text
    assert "<strong" in html and 'style="' in html  # Markdown rendered, CSS inlined
    assert f"/preferences/{key}" in html and f"/preferences/{key}" in text


def test_the_same_update_is_not_sent_twice_unless_staff_insist(app, runner, client, tmp_path):
    becomes_supporter(client, runner, lambda: mailbox(app))
    path = update_file(tmp_path)
    assert send(runner, path).exit_code == 0
    again = send(runner, path)
    assert again.exit_code != 0 and "already sent as mailing 1" in again.output
    assert "add --again" in again.output
    assert send(runner, path, "--again").exit_code == 0
    with database(app) as session:
        assert len(session.scalars(select(Mailing)).all()) == 2


def test_sending_asks_first_and_refuses_without_a_terminal(app, client, runner, tmp_path):
    becomes_supporter(client, runner, lambda: mailbox(app))
    result = runner.invoke(args=["mailings", "send", str(update_file(tmp_path))])
    assert result.exit_code != 0 and "add --yes" in result.output


def test_an_update_that_would_reach_nobody_is_not_queued(app, runner, tmp_path):
    result = send(runner, update_file(tmp_path))
    assert result.exit_code != 0 and "reaches nobody (0 subscribed supporters)" in result.output
    with database(app) as session:
        assert session.scalars(select(Mailing)).all() == []


@pytest.mark.parametrize(
    "front, error",
    [
        ("audience: all\n", "subject is missing"),
        ("subject: Hi\naudience: everyone\n", "audience must be `all` or a mapping"),
        ("subject: Hi\naudience:\n  cities: [Akron]\n", "audience.cities is not known"),
        ("subject: Hi\naudience:\n  states: [XX]\n", "audience.states: 'XX' is not a US state"),
        ("subject: Hi\naudience:\n  districts: [OH-3]\n", "'OH-3' is not a district like OH-03"),
        ("subject: Hi\naudience:\n  petitions: [no-such]\n", "no petition 'no-such'"),
        ("subject: Hi\nsubjet: typo\naudience: all\n", "unknown field 'subjet'"),
        ("subject: Hi {{ first_name }}\naudience: all\n", "subject: placeholders such as"),
        ("subject: Hi\naudience: all\n---\nHello {{ name }}", "unknown placeholder '{{ name }}'"),
        ("subject: Hi\naudience: all\n---\n{{ FIRST_NAME }}", "the only one is {{ first_name }}"),
    ],
)
def test_staff_write_an_update_wrong_and_are_told_which_field(app, runner, tmp_path, front, error):
    text = f"---\n{front}---\nHello.\n" if "\n---\n" not in front else f"---\n{front}\n"
    path = update_file(tmp_path, text)
    result = send(runner, path)
    assert result.exit_code != 0
    assert str(path) in result.output and error in result.output
    with database(app) as session:
        assert session.scalars(select(Mailing)).all() == []


def test_an_audience_narrows_by_petition_state_and_district(smtp_app, smtp_server, tmp_path):
    _, inbox = smtp_server
    client, runner = smtp_app.test_client(), smtp_app.test_cli_runner()
    becomes_supporter(client, runner, inbox.messages, email="ny@example.org")
    becomes_supporter(
        client,
        runner,
        inbox.messages,
        email="oh@example.org",
        state="OH",
        zip="44308",
        city="Akron",
        street=None,
    )
    becomes_supporter(
        client,
        runner,
        inbox.messages,
        "/api/petitions/fund-wic/signatures",
        email="wic@example.org",
    )
    with database(smtp_app) as session:  # Only the petitions they signed, they said.
        session.execute(
            update(Supporter).where(Supporter.email == "wic@example.org").values(scope="signed")
        )

    def audience(front: str) -> str:
        path = update_file(tmp_path, UPDATE.replace("audience: all\n", front), "preview.md")
        return runner.invoke(args=["mailings", "preview", str(path)]).output

    assert "audience: 2 subscribed" in audience("audience: all\n")
    assert "audience: 1 subscribed" in audience("audience:\n  states: [OH]\n")
    assert "audience: 1 subscribed" in audience("audience:\n  petitions: [fund-wic]\n")
    assert "audience: 0 subscribed" in audience(
        "audience:\n  states: [OH]\n  petitions: [fund-wic]\n"
    )


def test_confirmations_go_out_before_a_mailing_already_queued(smtp_app, smtp_server, tmp_path):
    _, inbox = smtp_server
    client, runner = smtp_app.test_client(), smtp_app.test_cli_runner()
    for n in range(3):
        becomes_supporter(client, runner, inbox.messages, email=f"s{n}@example.org")
    send_mail(runner)  # the thank-yous
    send(runner, update_file(tmp_path))
    client.post(SIGN_URL, json=supporter(email="waiting@example.org"))
    smtp_app.config["MAIL_BATCH"] = 1
    sender = worker.transport(smtp_app.config)
    with smtp_app.app_context():
        sent = worker.send_batch([sender], worker.Crew(), None)
    sender.close()
    assert sent == {"sent": 1}
    assert inbox.messages[-1]["To"] == "waiting@example.org"


def test_a_paused_mailing_waits_and_confirmations_still_go(smtp_app, smtp_server, tmp_path):
    _, inbox = smtp_server
    client, runner = smtp_app.test_client(), smtp_app.test_cli_runner()
    becomes_supporter(client, runner, inbox.messages)
    send(runner, update_file(tmp_path))
    assert runner.invoke(args=["mailings", "pause", "1"]).exit_code == 0
    client.post(SIGN_URL, json=supporter(email="new@example.org"))
    send_mail(runner)
    assert updates_in(inbox) == [] and inbox.messages[-1]["To"] == "new@example.org"
    status = runner.invoke(args=["mailings", "status"]).output
    assert "(paused)" in status and "1 queued" in status
    assert runner.invoke(args=["mailings", "resume", "1"]).exit_code == 0
    send_mail(runner)
    assert len(updates_in(inbox)) == 1
    status = runner.invoke(args=["mailings", "status"]).output
    assert "1 sent" in status and "100%" in status
    assert (
        runner.invoke(args=["mailings", "pause", "9"])
        .output.strip()
        .endswith("no mailing 9 (see flask mailings status)")
    )
    finished = runner.invoke(args=["mailings", "pause", "1"])
    assert finished.exit_code != 0 and "has nothing left to send" in finished.output
    running = runner.invoke(args=["mailings", "resume", "1"])
    assert running.exit_code != 0 and "mailing 1 is not paused" in running.output


def test_a_placeholder_written_loosely_still_greets_each_person(smtp_app, smtp_server, tmp_path):
    _, inbox = smtp_server
    client, runner = smtp_app.test_client(), smtp_app.test_cli_runner()
    becomes_supporter(client, runner, inbox.messages, first_name="Ngozi")
    send(runner, update_file(tmp_path, UPDATE.replace("{{ first_name }}", "{{first_name}}")))
    send_mail(runner)
    [update_] = updates_in(inbox)
    assert "Hello Ngozi," in update_.get_body(("plain",)).get_content()


def test_a_district_that_is_no_seat_in_the_loaded_data_is_refused(app, runner, tmp_path):
    with database(app) as session:
        dataset = CongressDataset(congress=119, active=True, districts_source="t",
                                  legislators_source="t")  # fmt: skip
        session.add(dataset)
        session.flush()
        for code, chamber in (("NY-12", "house"), ("VT-AL", "house"), ("NY", "senate")):
            session.add(CongressOffice(dataset_id=dataset.id, code=code, chamber=chamber,
                                       state=code[:2]))  # fmt: skip
    wrong = update_file(tmp_path, "---\nsubject: Hi\naudience:\n  districts: [NY-AL]\n---\nHi\n")
    result = runner.invoke(args=["mailings", "preview", str(wrong)])
    assert result.exit_code != 0
    assert "'NY-AL' is not a district in the loaded congressional data" in result.output
    right = update_file(
        tmp_path, "---\nsubject: Hi\naudience:\n  districts: [VT-AL, NY-12]\n---\nHi\n"
    )
    assert runner.invoke(args=["mailings", "preview", str(right)]).exit_code == 0


def test_staff_send_test_copies_only_to_real_addresses(smtp_app, smtp_server, tmp_path):
    _, inbox = smtp_server
    runner = smtp_app.test_cli_runner()
    path = str(update_file(tmp_path))
    wrong = runner.invoke(args=["mailings", "test", path, "--to", "notanemail"])
    assert wrong.exit_code != 0 and "--to" in wrong.output and "'notanemail'" in wrong.output
    assert inbox.messages == []
    both = runner.invoke(
        args=["mailings", "test", path, "--to", "a@example.org", "--to", "b@example.org"]
    )
    assert both.exit_code == 0, both.output
    assert [m["To"] for m in inbox.messages] == ["a@example.org", "b@example.org"]


def test_someone_who_unsubscribes_after_the_mailing_was_queued_is_skipped(
    smtp_app, smtp_server, tmp_path
):
    _, inbox = smtp_server
    client, runner = smtp_app.test_client(), smtp_app.test_cli_runner()
    becomes_supporter(client, runner, inbox.messages)
    send(runner, update_file(tmp_path))
    key = supporter_row(smtp_app, "maria.hernandez@example.org").link_key
    client.post(f"/unsubscribe/{key}?m=1", data={"List-Unsubscribe": "One-Click"})
    send_mail(runner)
    assert updates_in(inbox) == []
    with database(smtp_app) as session:
        assert [
            str(s) for s in session.scalars(select(Outbox.status).where(Outbox.mailing_id == 1))
        ] == ["skipped"]
    assert "1 unsubscribed" in runner.invoke(args=["mailings", "status"]).output


def test_staff_preview_and_test_send_an_update(smtp_app, smtp_server, tmp_path):
    _, inbox = smtp_server
    runner = smtp_app.test_cli_runner()
    path = update_file(tmp_path)
    html = tmp_path / "preview.html"
    preview = runner.invoke(args=["mailings", "preview", str(path), "--html", str(html)])
    assert preview.exit_code == 0, preview.output
    assert "Hello Alex," in preview.output and "audience: 0 subscribed" in preview.output
    assert "<strong" in html.read_text()
    test = runner.invoke(args=["mailings", "test", str(path), "--to", "staff@example.org"])
    assert test.exit_code == 0, test.output
    [message] = inbox.messages
    assert message["To"] == "staff@example.org"
    assert message["Subject"] == "[TEST] We delivered your signatures"
    with database(smtp_app) as session:
        assert session.scalars(select(Mailing)).all() == []  # nothing queued


def test_the_manuals_update_and_the_example_file_are_updates_staff_can_send(
    app, client, runner, tmp_path
):
    becomes_supporter(client, runner, lambda: mailbox(app), email="reader@example.org")
    manual = (ROOT / "docs" / "pages" / "supporters.md").read_text(encoding="utf-8")
    shown = manual.split("## Writing an update", 1)[1].split("```markdown\n", 1)[1]
    for path in (update_file(tmp_path, shown.split("```", 1)[0]), ROOT / "mailings/example.md"):
        preview = runner.invoke(
            args=["mailings", "preview", str(path), "--html", str(tmp_path / "p")]
        )
        assert preview.exit_code == 0, preview.output
        assert "Hello Alex," in preview.output
        assert "audience: 1 subscribed supporters" in preview.output


def test_the_database_refuses_a_second_copy_of_a_mailing_for_one_supporter(
    app, client, runner, tmp_path
):
    client.post(SIGN_URL, json=supporter())
    confirm_everyone(client, runner, lambda: mailbox(app))  # the file backend's messages
    assert send(runner, update_file(tmp_path)).exit_code == 0
    row = select(Outbox).where(Outbox.mailing_id == 1)
    with database(app) as session:
        first = session.scalars(row).one()
    with pytest.raises(IntegrityError), database(app) as session:
        session.add(Outbox(kind="update", mailing_id=1, supporter_id=first.supporter_id))


def test_an_update_on_the_wire_reads_back_as_the_email_package_would_write_it(app, tmp_path):
    from email import message_from_bytes, policy

    from petition_api.updates import mailings, updates

    update_ = mailings.read(update_file(tmp_path, UPDATE.replace("Hello", "Olá, çava?")))
    mailing = Mailing(
        id=7,
        sha256=update_.sha256,
        subject="Qué pasa: ¡230,000 firmas!",
        body=update_.body,
        preheader=None,
        from_name="Zoë from the campaign",
    )
    person = Supporter(
        id=3,
        email="ana@example.org",
        first_name="Ana <&> María",
        status="subscribed",
        link_key="k" * 32,
    )
    with app.test_request_context():
        reference = updates.message(Outbox(id=11), mailing, person)
        wire = updates.on_the_wire(Outbox(id=11), mailing, person)
    sent = message_from_bytes(wire.data, policy=policy.default)
    for header in ("Subject", "From", "To", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post"):
        assert sent[header] == reference[header], header
    assert "outbox-11" in sent["Message-ID"]
    for kind in ("plain", "html"):
        received = sent.get_body((kind,)).get_content().replace("\r\n", "\n")
        assert received == reference.get_body((kind,)).get_content(), kind
    assert (wire.sender, wire.recipient) == ("petitions@localhost", "ana@example.org")
    assert all(len(line) <= 998 for line in wire.data.split(b"\r\n"))


def test_staff_follow_a_mailing_bounces_complaints_and_unsubscribes(
    database_url, tmp_path, smtp_server
):
    controller, inbox = smtp_server
    app = events_app(
        database_url,
        tmp_path,
        MAIL_BACKEND="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=controller.port,
        SMTP_SECURITY="none",
    )
    client, runner = app.test_client(), app.test_cli_runner()
    people = [
        "bounces@example.org",
        "complains@example.org",
        "leaves@example.org",
        "reads@example.org",
    ]
    for email in people:
        becomes_supporter(client, runner, inbox.messages, email=email)
    send(runner, update_file(tmp_path))
    send_mail(runner)
    sent = {m["To"]: m for m in updates_in(inbox)}
    assert sorted(sent) == sorted(people)
    post_events(
        client,
        {
            "events": [
                event(
                    "bounce",
                    "bounces@example.org",
                    message_id=sent["bounces@example.org"]["Message-ID"],
                ),
                event(
                    "complaint",
                    "complains@example.org",
                    message_id=sent["complains@example.org"]["Message-ID"],
                ),
            ]
        },
    )
    one_click = sent["leaves@example.org"]["List-Unsubscribe"].split(",")[0].strip("<> ")
    client.post(
        one_click.removeprefix("http://127.0.0.1:8000"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    status = runner.invoke(args=["mailings", "status"]).output
    for figure in ("4 recipients", "4 sent", "1 bounced", "1 complained", "1 unsubscribed"):
        assert figure in status, (figure, status)
    send(runner, update_file(tmp_path), "--again")
    send_mail(runner)
    assert [m["To"] for m in updates_in(inbox)[4:]] == ["reads@example.org"]
    app.extensions["engine"].dispose()
