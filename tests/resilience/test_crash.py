"""The server is killed (kill -9) while signatures stream in: every answered signature survives.

SQLite runs in WAL mode with synchronous=NORMAL (the default): a commit is in
the WAL before the answer goes out, so a killed process loses nothing; only a
power cut or kernel crash could lose the last commits, which FULL would keep
(docs/pages/configuration.md). PostgreSQL commits are durable when answered.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from petition_api.models import Outbox, Signature

from ..conftest import database, environment_for, prepared_app, start_gunicorn, test_settings
from .support import UNLIMITED, kill_tree, sign, wait_ready

pytestmark = pytest.mark.slow

LIMITS = {"LIMIT_IP_SOFT": UNLIMITED, "LIMIT_IP_HARD": UNLIMITED, "LIMIT_PETITION": UNLIMITED}


def stream(port: int, stop: threading.Event, answered: list, prefix: str) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        email = f"{prefix}-{n}@example.org"
        started = time.monotonic()
        status, _, _ = sign(port, email)
        answered.append((email, status))
        if status == 0:
            time.sleep(max(0.0, 0.05 - (time.monotonic() - started)))


def test_every_answered_signature_survives_kill_9(database_url, tmp_path):
    app = prepared_app(database_url, tmp_path, **LIMITS)
    env = environment_for(test_settings(database_url, tmp_path, **LIMITS))
    server, port = start_gunicorn(env, workers=2)
    stop = threading.Event()
    answered: list[tuple[str, int]] = []
    try:
        wait_ready(port)
        with ThreadPoolExecutor(6) as pool:
            streams = [pool.submit(stream, port, stop, answered, f"c{i}") for i in range(6)]
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and sum(1 for _, s in answered if s == 201) < 40:
                time.sleep(0.05)
            kill_tree(server.pid)  # mid-stream: some requests are in flight
            server.wait(timeout=10)
            time.sleep(0.3)
            stop.set()
        for finished in streams:
            finished.result()  # a client that crashed would hide lost answers
        server, port = start_gunicorn(env, workers=2, port=port)
        wait_ready(port)
        after = [sign(port, f"after-{i}@example.org")[0] for i in range(5)]
    finally:
        kill_tree(server.pid)
        server.wait(timeout=10)

    accepted = {email for email, status in answered if 200 <= status < 300}
    codes = sorted({status for _, status in answered})
    assert len(accepted) > 20, f"the stream should have been signing when the server died: {codes}"
    assert after == [201] * 5, "the restarted server signs again"
    with database(app) as session:
        stored = set(session.scalars(select(Signature.email)))
        mailed = set(
            session.scalars(
                select(Signature.email).join(Outbox, Outbox.signature_id == Signature.id)
            )
        )
    lost = accepted - stored
    assert not lost, f"{len(lost)} answered signatures lost after kill -9"
    assert accepted <= mailed, "each answered signature has its confirmation queued"
    app.extensions["engine"].dispose()
