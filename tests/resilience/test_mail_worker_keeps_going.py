"""The mail worker never stalls: it rides out a busy database and picks up what a dead
worker left behind while it runs, not only when it starts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from petition_api import create_app
from petition_api.mail import worker
from petition_api.models import Outbox, OutboxStatus, SignedAgain, utcnow

from ..conftest import (
    ROOT,
    database,
    environment_for,
    free_port,
    prepared_app,
    start_gunicorn,
    test_settings,
)
from .support import UNLIMITED, kill_tree, sign, signer, wait_ready, worker_running

LIMITS = {"LIMIT_IP_SOFT": UNLIMITED, "LIMIT_IP_HARD": UNLIMITED, "LIMIT_PETITION": UNLIMITED}
SIGNERS = 5_000


def test_a_batch_stranded_by_a_dead_worker_is_sent_while_the_new_worker_runs(
    app, client, monkeypatch
):
    monkeypatch.setattr(worker, "RECOVER_SECONDS", 0.2)
    app.config["MAIL_CLAIM_TIMEOUT"] = 1
    with worker_running(app):
        time.sleep(0.3)  # the new worker is up and has looked once
        client.post("/api/petitions/paid-family-leave/signatures", json=signer_body("late"))
        with database(app) as session:  # ... and a worker that died had claimed it
            session.execute(
                update(Outbox).values(
                    status=OutboxStatus.CLAIMED,
                    claimed_at=utcnow() - timedelta(hours=1),
                    claimed_by="a-worker-that-died",
                )
            )
        deadline = time.monotonic() + 20
        while sent(app) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert sent(app) == 1


def signer_body(name: str) -> dict:
    return {
        "first_name": "Rosa",
        "last_name": "Parks",
        "email": f"{name}@example.org",
        "state": "NY",
        "zip": "10118",
    }


def sent(app) -> int:
    with database(app) as session:
        return session.scalar(
            select(func.count()).where(Outbox.status == OutboxStatus.SENT).select_from(Outbox)
        )


@pytest.mark.slow
def test_the_worker_sends_every_confirmation_once_while_5000_signatures_pour_in(tmp_path):
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    app = prepared_app(url, tmp_path, **LIMITS)
    env = environment_for(test_settings(url, tmp_path, **LIMITS))
    server, port = start_gunicorn(env, workers=2)
    log = tmp_path / "worker.log"
    log_file = log.open("wb")
    mailer = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "petition_api", "mail", "send", "--poll", "0.1"],
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log_file,
    )
    try:
        wait_ready(port)
        # Every tenth signer signs twice: the worker answers those too, under the same load.
        signers = [*range(SIGNERS), *range(0, SIGNERS, 10)]
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda i: sign(port, f"s{i}@example.org")[0], signers))
        assert answers.count(201) == len(signers)
        deadline = time.monotonic() + 180
        while sent(app) < len(signers) and time.monotonic() < deadline and mailer.poll() is None:
            time.sleep(0.5)
        assert mailer.poll() is None, "the worker exited: " + log.read_text()[-2000:]
    finally:
        kill_tree(server.pid)
        server.wait(timeout=10)
        mailer.send_signal(signal.SIGTERM)
        mailer.wait(timeout=30)
        log_file.close()

    assert sent(app) == len(signers)
    with database(app) as session:
        left = session.scalar(select(func.count()).where(Outbox.status != OutboxStatus.SENT))
        unanswered = session.scalar(select(func.count()).select_from(SignedAgain))
    assert (left, unanswered) == (0, 0), "none stranded"
    files = sorted(Path(app.config["MAIL_DIR"]).glob("*.eml"))
    recipients = Counter(
        message_from_bytes(f.read_bytes(), policy=policy.default)["To"] for f in files
    )
    assert recipients == Counter(f"s{i}@example.org" for i in signers), "each sent exactly once"
    app.extensions["engine"].dispose()


def test_the_worker_waits_out_a_database_it_cannot_reach_instead_of_exiting(tmp_path, caplog):
    url = f"postgresql+psycopg://root@127.0.0.1:{free_port()}/test?connect_timeout=1"
    app = create_app(test_settings(url, tmp_path))
    stop, failures = threading.Event(), []

    def work():
        try:
            with app.app_context():
                worker.run(once=False, poll_seconds=0.1, stop=stop)
        except Exception as error:  # what the old worker did: die
            failures.append(error)

    running = threading.Thread(target=work, daemon=True)
    running.start()
    time.sleep(1.5)
    alive = running.is_alive()
    stop.set()
    running.join(10)
    assert alive and failures == []
    assert "database busy or unreachable (OperationalError)" in caplog.text


def test_confirmations_still_go_out_while_second_signatures_cannot_be_answered(
    tmp_path, monkeypatch
):
    """A fault in one of the worker's steps is that step's: here answering second
    signatures fails every time (as a table an older release left behind would)."""
    app = prepared_app(f"sqlite:///{tmp_path / 'w.db'}", tmp_path)
    app.test_client().post(
        "/api/petitions/paid-family-leave/signatures", json=signer("first@example.org")
    )

    def broken():
        raise OperationalError("SELECT ... FROM signed_again", {}, Exception("no such column"))

    monkeypatch.setattr(worker, "answer_signed_again", broken)
    with worker_running(app):
        deadline = time.monotonic() + 10
        while not list(Path(app.config["MAIL_DIR"]).glob("*.eml")) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert len(list(Path(app.config["MAIL_DIR"]).glob("*.eml"))) == 1


def test_a_one_off_run_on_a_database_it_cannot_use_says_so_instead_of_waiting_forever(tmp_path):
    app = create_app(test_settings(f"sqlite:///{tmp_path / 'never-migrated.db'}", tmp_path))
    result = app.test_cli_runner().invoke(args=["mail", "send", "--once", "--poll", "0.01"])
    assert result.exit_code == 1
    assert "the database failed 10 times in a row" in result.output
