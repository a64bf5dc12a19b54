"""Subject tests of 20,000 on PostgreSQL, sent by two `flask mail send` processes at once
to a real SMTP server that keeps each recipient's subject lines.

Everyone gets exactly one subject, the samples theirs and the rest the winner, chosen
by the two workers' checks (only one of them decides) from what the samples did
through the update's links; and a test whose sample complains is stopped by the
guard, its rest never sent.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.parser import BytesHeaderParser

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, text

from petition_api.models import Mailing, MailingSubject, Outbox, Supporter
from petition_api.supporters import synthetic
from petition_api.updates import operations

from ..api.bounce_support import SECRET, event, post_events
from ..api.subject_support import SUBJECT_TEST, tags_of
from ..api.support import SIGN_URL, supporter
from ..api.supporters_support import links, update_file
from ..conftest import ROOT, database, environment_for, free_port, prepared_app

pytestmark = pytest.mark.slow

LIST = 20_000
SAMPLE = 2_000  # 10% each, of two subjects
STAFF = "staff@example.org"


class Keeping:
    """Every update's Subject and Message-ID by recipient, the first copy of each subject
    whole (for its links); other mail (confirmations, thank-yous) whole."""

    def __init__(self):
        self.updates: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.first: dict[str, object] = {}
        self.other: list = []
        self.count = 0  # updates to supporters (not staff's test copies)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        headers = BytesHeaderParser(policy=policy.default).parsebytes(envelope.content)
        subject = str(headers["Subject"])
        with self.lock:
            if not headers["List-Id"]:
                self.other.append(message_from_bytes(envelope.content, policy=policy.default))
                return "250 OK"
            if subject not in self.first:
                self.first[subject] = message_from_bytes(envelope.content, policy=policy.default)
            for address in envelope.rcpt_tos:
                self.updates[address.lower()].append((subject, str(headers["Message-ID"])))
                self.count += address.lower() != STAFF
        return "250 OK"


@contextmanager
def two_workers(database_url, tmp_path, **more):
    """(app, sink): an app on its database and two worker processes sending to the sink."""
    sink = Keeping()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings = dict(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port,
                    SMTP_SECURITY="none", MAIL_BATCH=200, SUBJECT_TEST_CHECK_SECONDS=0.5,
                    MAIL_EVENTS_SECRET=SECRET, **more)  # fmt: skip
    app = prepared_app(database_url, tmp_path, **settings)
    kept = ("ENV", "DATABASE_URL", "SITE_URL", "INSTANCE_DIR", "SECRET_KEY", *settings)
    env = {**os.environ, "FLASK_APP": "petition_api",
           **environment_for({k: app.config[k] for k in kept})}  # fmt: skip
    workers = []
    try:
        with app.app_context():
            synthetic.generate(LIST)
        command = [sys.executable, "-m", "flask", "mail", "send", "--poll", "0.2"]
        workers = [subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL) for _ in range(2)]  # fmt: skip
        yield app, sink
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
        controller.stop()
        app.extensions["engine"].dispose()


def wait_until(condition, seconds: float = 200) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("waited too long")
        time.sleep(0.1)


def send(app, tmp_path, text: str, name: str) -> str:
    path = update_file(tmp_path, text, name)
    result = app.test_cli_runner().invoke(args=["mailings", "send", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    return result.output


def subjects_of(app, mailing_id: int) -> list[str]:
    with database(app) as session:
        return list(session.scalars(
            select(MailingSubject.subject).where(MailingSubject.mailing_id == mailing_id)
            .order_by(MailingSubject.letter)
        ))  # fmt: skip


def the_wait_passes(app, mailing_id: int) -> None:
    """Four hours and a minute go by for the test (its samples were sent that long ago)."""
    with database(app) as session:
        session.execute(
            text(
                "UPDATE subject_tests SET samples_sent_at = samples_sent_at - "
                "interval '4 hours 1 minute' WHERE mailing_id = :id"
            ),
            {"id": mailing_id},
        )


def state_of(app, mailing_id: int) -> tuple:
    with database(app) as session:
        return session.execute(
            text(
                "SELECT samples_sent_at IS NOT NULL, winner, decided_by, stopped_because "
                "FROM subject_tests WHERE mailing_id = :id"
            ),
            {"id": mailing_id},
        ).one()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_everyone_gets_one_subject_and_the_rest_the_winner(database_url, tmp_path):
    with two_workers(database_url, tmp_path) as (app, sink):
        client = app.test_client()
        queued = send(app, tmp_path, SUBJECT_TEST, "2026-12-03-delivered.md")
        assert "samples of 2000 for subjects A, B now; the other 16000" in queued
        wait_until(lambda: sink.count == 2 * SAMPLE)

        # Through B's links three people sign, through A's one; each confirms.
        a, b = subjects_of(app, 1)
        signers = [("a1@example.org", a)] + [(f"b{n}@example.org", b) for n in range(3)]
        for email, subject in signers:  # the page's form carries the link's tags
            client.post(SIGN_URL, json=supporter(email=email, **tags_of(sink.first[subject])))
        wait_until(lambda: sum("confirm" in str(m["Subject"]) for m in sink.other) == 4)
        with sink.lock:
            confirming = [link for m in sink.other for link in links(m) if "/confirm/" in link]
        assert [client.post(link).status_code for link in confirming] == [200] * 4
        wait_until(lambda: state_of(app, 1)[0])  # a worker saw every sample copy sent
        the_wait_passes(app, 1)
        wait_until(lambda: sink.count == LIST)
        assert state_of(app, 1)[1:3] == ("B", "automatic")
        with database(app) as session:
            emails = dict(session.execute(select(Supporter.id, Supporter.email)).all())
            sent = session.execute(
                select(Outbox.supporter_id, MailingSubject.subject)
                .join(MailingSubject, (MailingSubject.mailing_id == Outbox.mailing_id)
                      & (MailingSubject.letter == Outbox.subject))
                .where(Outbox.mailing_id == 1, Outbox.status == "sent")
            ).all()  # fmt: skip
    got = dict(sink.updates)
    assert len(sent) == LIST and len(got) == LIST
    assert all(len(copies) == 1 for copies in got.values()), "one copy each, ever"
    assert all(got[emails[person].lower()][0][0] == subject for person, subject in sent)
    assert Counter(copies[0][0] for copies in got.values()) == {a: SAMPLE, b: LIST - SAMPLE}


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_guard_stops_a_test_whose_sample_complains(database_url, tmp_path):
    # Samples of 1% (200 each) are enough when 10% are expected to act: a short test.
    with two_workers(database_url, tmp_path, SUBJECT_TEST_BASE_RATE=0.1) as (app, sink):
        client = app.test_client()
        path = "2026-12-03-delivered.md"
        send(app, tmp_path, SUBJECT_TEST.replace("sample: 10%", "sample: 1%"), path)
        wait_until(lambda: sink.count == 400)
        a = subjects_of(app, 1)[0]
        complaining = [(address, message_id) for address, copies in sink.updates.items()
                       for subject, message_id in copies if subject == a][:2]  # fmt: skip
        for address, message_id in complaining:  # as the sending service reports them
            answer = post_events(client, {"events": [event("complaint", address,
                                                           message_id=message_id)]})  # fmt: skip
            assert answer.status_code == 200
        wait_until(lambda: state_of(app, 1)[3] is not None)
        assert state_of(app, 1)[3].startswith(
            "sample A: complaints from 2 of its 200 people (1.00%), above the limit of 0.30%"
        )
        the_wait_passes(app, 1)
        # A test copy queued after the stop goes out: the workers are alive and checking.
        with app.app_context():
            operations.queue_test(operations.read(tmp_path / path), [STAFF], "test")
        wait_until(lambda: len(sink.updates[STAFF]) == 2)
        assert state_of(app, 1)[1] is None, "nobody chose a winner for a stopped test"
        with database(app) as session:
            held = session.scalar(
                select(func.count()).where(Outbox.mailing_id == 1, Outbox.status == "held")
            )
            paused = session.get(Mailing, 1).paused_at is not None
    assert (held, paused) == (LIST - 400, True)
    assert sink.count == 400, "the rest of a stopped test get nothing"
