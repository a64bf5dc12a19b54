"""A supporter confirms by email: through a real SMTP server, link and button."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta

from sqlalchemy import update

from petition_api.models import Outbox, Signature, Status, utcnow

from ..conftest import database, free_port, prepared_app
from .conftest import Inbox  # noqa: F401 - other stories import it from here
from .support import (
    PETITION,
    SIGN_URL,
    confirm_path,
    mailbox,
    outbox,
    send_mail,
    signatures,
    supporter,
)


def count(client) -> int:
    return client.get(f"/api/petitions/{PETITION}").get_json()["count"]


def test_a_supporter_confirms_from_the_emailed_link_and_is_counted(smtp_app, smtp_server):
    _, inbox = smtp_server
    client, runner = smtp_app.test_client(), smtp_app.test_cli_runner()
    client.post(SIGN_URL, json=supporter())
    assert count(client) == 0  # pending signatures are not counted

    send_mail(runner)
    [message] = inbox.messages
    assert message["To"] == "maria.hernandez@example.org"
    assert message["Subject"] == "Please confirm your signature: Guarantee paid family leave"
    link = confirm_path(message)

    page = client.get(link)
    assert page.status_code == 200
    assert re.search(r'<form method="post" action="/confirm/[^"]+">', page.get_data(as_text=True))
    assert signatures(smtp_app)[0].status == Status.PENDING  # opening the link is not enough

    pressed = client.post(link)
    assert pressed.status_code == 200
    assert "confirmed" in pressed.get_data(as_text=True)
    assert signatures(smtp_app)[0].status == Status.VALIDATED
    assert count(client) == 1

    send_mail(runner)
    assert inbox.messages[-1]["Subject"].startswith("Thank you for signing")


def test_a_mail_scanner_opens_the_confirmation_link_and_confirms_nothing(app, sign, runner, client):
    sign()
    send_mail(runner)
    link = confirm_path(mailbox(app)[0])
    for _ in range(3):
        client.get(link, headers={"User-Agent": "SafeLinks scanner"})
        client.head(link)
    assert signatures(app)[0].status == Status.PENDING


def test_pressing_the_button_twice_confirms_once(app, sign, runner, client):
    sign()
    send_mail(runner)
    link = confirm_path(mailbox(app)[0])
    client.post(link)
    again = client.post(link)
    assert again.status_code == 200
    assert "confirmed" in again.get_data(as_text=True)
    send_mail(runner)
    assert [m["Subject"].split(":")[0] for m in mailbox(app)] == [
        "Please confirm your signature",
        "Thank you for signing",
    ]


def test_the_button_works_when_the_browser_posts_as_origin_null(app, sign, runner, client):
    # The confirm page's Referrer-Policy (no-referrer) makes browsers post as "null".
    sign()
    send_mail(runner)
    pressed = client.post(confirm_path(mailbox(app)[0]), headers={"Origin": "null"})
    assert pressed.status_code == 200
    assert signatures(app)[0].status == Status.VALIDATED


def test_a_guessed_link_confirms_nothing(app, sign, client):
    sign()
    for guess in ["x" * 43, "short", "a" * 200]:
        assert client.post(f"/confirm/{guess}").status_code == 404
    assert signatures(app)[0].status == Status.PENDING


def test_an_expired_link_says_so_and_a_new_signature_brings_a_new_one(app, sign, runner, client):
    sign()
    send_mail(runner)
    link = confirm_path(mailbox(app)[0])
    with database(app) as session:
        session.execute(
            update(Signature).values(confirm_expires_at=utcnow() - timedelta(minutes=1))
        )

    expired = client.post(link)
    assert expired.status_code == 410
    assert "expired" in expired.get_data(as_text=True)
    assert signatures(app)[0].status == Status.PENDING

    sign()
    send_mail(runner)
    assert client.post(confirm_path(mailbox(app)[-1])).status_code == 200
    assert signatures(app)[0].status == Status.VALIDATED


def test_the_confirmation_page_is_never_cached_nor_leaks_its_link(app, sign, runner, client):
    sign()
    send_mail(runner)
    page = client.get(confirm_path(mailbox(app)[0]))
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_a_mail_server_that_is_down_delays_mail_without_losing_it(database_url, tmp_path):
    app = prepared_app(
        database_url,
        tmp_path,
        MAIL_BACKEND="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=free_port(),
        SMTP_SECURITY="none",
    )  # nothing listens there
    app.test_client().post(SIGN_URL, json=supporter())
    send_mail(app.test_cli_runner())

    [row] = outbox(app)
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.next_attempt_at > utcnow() + timedelta(seconds=20)  # backed off
    assert "refused" in row.last_error.lower()
    assert row.payload["token"]  # kept until the message is really sent
    app.extensions["engine"].dispose()


def test_a_temporary_refusal_is_retried_and_a_permanent_one_is_not(smtp_app, smtp_server):
    _, inbox = smtp_server
    client, runner = smtp_app.test_client(), smtp_app.test_cli_runner()
    client.post(SIGN_URL, json=supporter())
    inbox.refuse_with = "451 4.3.0 try again later"
    send_mail(runner)
    assert outbox(smtp_app)[0].status == "queued"

    with database(smtp_app) as session:
        session.execute(update(Outbox).values(next_attempt_at=utcnow()))
    inbox.refuse_with = "550 5.1.1 no such user"
    send_mail(runner)
    [row] = outbox(smtp_app)
    assert (row.status, row.attempts, row.payload) == ("failed", 2, None)
    assert inbox.messages == []


def test_a_guessed_link_is_answered_while_signers_hold_the_write_lock(tmp_path):
    # SQLite has one writer: a link that confirms nothing must not queue for it.
    app = prepared_app(f"sqlite:///{tmp_path / 'locked.db'}", tmp_path)
    writer = sqlite3.connect(tmp_path / "locked.db", timeout=0)
    writer.execute("BEGIN IMMEDIATE")
    try:
        response = app.test_client().post("/confirm/" + "x" * 43)
    finally:
        writer.rollback()
        writer.close()
    assert response.status_code == 404
    app.extensions["engine"].dispose()
