"""A supporter asks what we hold about them, and then to be forgotten: no trace stays."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from urllib.parse import unquote

from sqlalchemy import select

from petition_api.models import AuditEntry, Outbox, PetitionCount, Signature, Status

from ..conftest import POSTGRES_URL, database
from .support import PETITION, SIGN_URL, mailbox, send_mail, signatures, supporter
from .supporters_support import confirm_everyone, supporter_row, update_file

PERSON = dict(
    first_name="Oluwaseun",
    last_name="Adebayo-Quist",
    email="seun.aq@example.org",
    comment="Paid leave let me stay with my son in the NICU.",
)


def dump(app) -> str:
    """Everything the database holds, as text."""
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            return "\n".join(connection.iterdump())
    schema = unquote(url).split("search_path=")[1]  # the test's own schema
    base = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    return subprocess.run(
        ["pg_dump", "--data-only", "--schema", schema, base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def becomes_a_supporter_with_everything(app, client, runner, tmp_path):
    """Two petitions confirmed, and an update received."""
    client.post(SIGN_URL, json=supporter(**PERSON))
    client.post("/api/petitions/fund-wic/signatures", json=supporter(**PERSON))
    confirm_everyone(client, runner, lambda: mailbox(app))
    runner.invoke(args=["mailings", "send", str(update_file(tmp_path)), "--yes"])
    send_mail(runner)


def test_staff_show_a_supporter_everything_we_hold_about_them(app, client, runner, tmp_path):
    becomes_a_supporter_with_everything(app, client, runner, tmp_path)
    shown = runner.invoke(args=["supporters", "show", "SEUN.AQ@example.org"])
    assert shown.exit_code == 0, shown.output
    held = json.loads(shown.output)
    assert held["supporter"]["status"] == "subscribed"
    assert [s["petition"] for s in held["signatures"]] == [PETITION, "fund-wic"]
    assert held["signatures"][0]["comment"] == PERSON["comment"]
    assert [c["source"] for c in held["supporter"]["consents"]] == ["signature", "signature"]
    assert held["supporter"]["consents"][0]["wording"].startswith("Yes, email me updates")
    assert {m["kind"] for m in held["mail"]} == {"confirm", "thanks", "update"}
    assert "link_key" not in shown.output and "confirm_token_hash" not in shown.output
    with database(app) as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "supporters.show"))
    assert entry.target is None and "seun" not in json.dumps(entry.filters or {})


def test_forgetting_a_supporter_leaves_no_trace_and_keeps_the_counts(app, client, runner, tmp_path):
    becomes_a_supporter_with_everything(app, client, runner, tmp_path)
    client.post(SIGN_URL, json=supporter(email="someone.else@example.org"))  # stays
    runner.invoke(args=["petitions", "recount"])
    with database(app) as session:
        counts_before = sorted(
            (c.petition_id, c.state, c.validated) for c in session.scalars(select(PetitionCount))
        )
    before = dump(app)
    assert "seun.aq" in before and "Adebayo-Quist" in before  # the search below can find them

    forgot = runner.invoke(args=["supporters", "forget", "seun.aq@example.org", "--yes"])
    assert forgot.exit_code == 0, forgot.output
    assert "2 signatures anonymised" in forgot.output

    after = dump(app)
    for trace in ("seun.aq", "Oluwaseun", "Adebayo-Quist", "NICU"):
        assert trace not in after, trace
    assert "someone.else@example.org" in after
    runner.invoke(args=["petitions", "recount"])
    with database(app) as session:
        counts_after = sorted(
            (c.petition_id, c.state, c.validated) for c in session.scalars(select(PetitionCount))
        )
        kept = session.scalars(select(Signature).where(Signature.status == Status.VALIDATED)).all()
        [entry] = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "supporters.forget")
        )
    assert counts_after == counts_before
    nameless = [s for s in kept if s.email == ""]
    assert len(nameless) == 2 and {(s.state, s.first_name, s.zip) for s in nameless} == {
        ("NY", "", "")
    }
    assert entry.target is None and entry.rows == 2
    # What stays: the hash of the address, for ad suppression only (they had agreed).
    shown = json.loads(runner.invoke(args=["supporters", "show", "seun.aq@example.org"]).output)
    assert shown["kept_as_a_hash_for_ad_suppression"] is True
    assert (shown["supporter"], shown["signatures"], shown["mail"]) == (None, [], [])


def test_a_supporter_forgets_themselves_from_the_link_in_an_email(app, client, runner, tmp_path):
    becomes_a_supporter_with_everything(app, client, runner, tmp_path)
    key = supporter_row(app, PERSON["email"]).link_key
    asked = client.get(f"/preferences/{key}/forget")
    assert asked.status_code == 200 and "<button" in asked.get_data(as_text=True)
    assert supporter_row(app, PERSON["email"]) is not None  # asking changes nothing
    done = client.post(f"/preferences/{key}/forget")
    assert done.status_code == 200 and "Your data is erased" in done.get_data(as_text=True)
    assert supporter_row(app, PERSON["email"]) is None
    assert "Adebayo-Quist" not in dump(app)
    assert client.get(f"/preferences/{key}").status_code == 404


def test_a_supporter_who_forgets_themselves_leaves_no_ip_address_in_the_audit_log(
    app, client, runner, tmp_path
):
    home = {"REMOTE_ADDR": "198.51.100.23"}  # where Oluwaseun signs and asks from
    client.post(SIGN_URL, json=supporter(**PERSON), environ_base=home)
    confirm_everyone(client, runner, lambda: mailbox(app))
    key = supporter_row(app, PERSON["email"]).link_key
    assert client.post(f"/preferences/{key}/forget", environ_base=home).status_code == 200
    with database(app) as session:
        [entry] = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "supporters.forget")
        )
    assert entry.actor == "the person, by their link" and entry.ip is None
    assert "198.51.100.23" not in dump(app)


def test_a_signer_who_never_confirmed_erases_their_signature_from_the_confirmation_email(
    app, client, runner
):
    client.post(SIGN_URL, json=supporter(**PERSON))
    send_mail(runner)
    [message] = mailbox(app)
    text = message.get_body(("plain",)).get_content()
    link = text.split("http://127.0.0.1:8000")[-1].split()[0]
    assert link.startswith("/preferences/")
    assert client.post(f"{link}/forget").status_code == 200
    assert "Adebayo-Quist" not in dump(app)


def test_a_mail_servers_refusal_quoting_the_address_is_forgotten_with_the_person(
    smtp_app, smtp_server, tmp_path
):
    _, inbox = smtp_server
    client, runner = smtp_app.test_client(), smtp_app.test_cli_runner()
    client.post(SIGN_URL, json=supporter(**PERSON))
    confirm_everyone(client, runner, inbox.messages)
    runner.invoke(args=["mailings", "send", str(update_file(tmp_path)), "--yes"])
    inbox.refuse_recipients_with = "452 4.2.2 <{address}>: mailbox full"
    send_mail(runner)
    with database(smtp_app) as session:
        [waiting] = session.scalars(select(Outbox).where(Outbox.kind == "update")).all()
    assert waiting.last_error == "SMTPRecipientsRefused: [452]"  # the code, not the words

    forgot = runner.invoke(args=["supporters", "forget", PERSON["email"], "--yes"])
    assert forgot.exit_code == 0, forgot.output
    assert PERSON["email"] not in dump(smtp_app)


def test_a_person_forgotten_while_a_mailing_waits_still_adds_up_in_its_figures(
    app, client, runner, tmp_path
):
    for email in (PERSON["email"], "stays@example.org"):
        client.post(SIGN_URL, json=supporter(**{**PERSON, "email": email}))
    confirm_everyone(client, runner, lambda: mailbox(app))
    runner.invoke(args=["mailings", "send", str(update_file(tmp_path)), "--yes"])
    runner.invoke(args=["supporters", "forget", PERSON["email"], "--yes"])
    send_mail(runner)
    status = runner.invoke(args=["mailings", "status"]).output
    assert "2 recipients, 0 queued, 1 sent, 0 failed, 1 skipped" in status
    assert PERSON["email"] not in dump(app)


def test_staff_cannot_forget_someone_from_a_script_without_saying_yes(app, client, runner):
    client.post(SIGN_URL, json=supporter(**PERSON))
    result = runner.invoke(args=["supporters", "forget", PERSON["email"]])
    assert result.exit_code != 0 and "add --yes" in result.output
    assert len(signatures(app)) == 1
