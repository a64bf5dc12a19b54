"""The mail worker: every message goes out, and none goes out twice, even after a crash."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from petition_api.mail import outbox as outbox_rows
from petition_api.mail import worker
from petition_api.mail.transports import transport
from petition_api.models import Outbox, Petition, utcnow

from ..conftest import database
from .support import SIGN_URL, mailbox, outbox, send_mail, supporter


def set_outbox(app, **values):
    with database(app) as session:
        session.execute(update(Outbox).values(**values))


def test_a_message_is_sent_once_however_often_the_worker_runs(app, sign, runner):
    sign()
    for _ in range(3):
        send_mail(runner)
    assert len(mailbox(app)) == 1
    [row] = outbox(app)
    assert (row.status, row.attempts, row.payload) == ("sent", 1, None)
    assert row.sent_at is not None


def test_a_worker_that_died_before_sending_leaves_the_message_to_be_sent(app, sign, runner):
    sign()
    set_outbox(app, status="claimed", claimed_at=utcnow() - timedelta(hours=1))
    send_mail(runner)
    assert len(mailbox(app)) == 1
    assert outbox(app)[0].status == "sent"


def test_a_worker_that_died_while_sending_never_sends_that_message_again(app, sign, runner):
    sign()
    set_outbox(app, status="sending", claimed_at=utcnow() - timedelta(hours=1))
    send_mail(runner)
    assert mailbox(app) == []
    [row] = outbox(app)
    assert row.status == "unknown"
    assert "not retried" in row.last_error
    assert row.payload is None  # its confirmation link is not kept in plain text
    status = runner.invoke(args=["mail", "status"])
    assert "unknown\t1" in status.output


def test_a_message_being_sent_by_another_worker_right_now_is_left_alone(app, sign, runner):
    sign()
    set_outbox(app, status="claimed", claimed_at=utcnow())
    send_mail(runner)
    assert mailbox(app) == []
    assert outbox(app)[0].status == "claimed"


def test_a_message_due_later_waits(app, sign, runner):
    sign()
    set_outbox(app, next_attempt_at=utcnow() + timedelta(minutes=5))
    send_mail(runner)
    assert mailbox(app) == []


def test_a_message_another_worker_took_back_is_not_sent_by_the_slow_first_one(app, sign):
    sign()
    slow = worker.Crew()
    with database(app) as session:
        [claimed] = outbox_rows.claim(session, 10, slow.owner)
    with database(app) as session:  # the other worker's recovery, during a slow batch
        session.execute(update(Outbox).values(status="queued", claimed_at=None, claimed_by=None))
    with app.app_context():
        status = worker.deliver(claimed, transport(app.config), slow)
    assert status == "queued" and mailbox(app) == []
    with database(app) as session:  # ... and the other worker claims it for itself
        outbox_rows.claim(session, 10, "the-other-worker")
    with app.app_context():
        status = worker.deliver(claimed, transport(app.config), slow)
    assert status == "claimed" and mailbox(app) == []


def test_a_message_that_cannot_be_written_fails_alone_and_the_rest_go_out(app, client, runner):
    client.post("/api/petitions/fund-wic/signatures", json=supporter(email="wic@example.org"))
    client.post(SIGN_URL, json=supporter())
    with database(app) as session:  # a title no email header may carry
        session.execute(
            update(Petition).where(Petition.slug == "fund-wic").values(title="WIC\u2028now")
        )
    send_mail(runner)
    assert [m["To"] for m in mailbox(app)] == ["maria.hernandez@example.org"]
    failed, sent = sorted(outbox(app), key=lambda row: row.status)
    assert (failed.status, failed.last_error, failed.payload) == (
        "failed",
        "could not compose: ValueError",
        None,
    )
    assert sent.status == "sent"
