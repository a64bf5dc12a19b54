"""PostgreSQL stops under load: 503 with Retry-After (never 500), pages still load, and
signing resumes by itself when the database returns."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from petition_api.models import Signature

from ..conftest import database, environment_for, prepared_app, start_gunicorn, test_settings
from .support import PETITION, UNLIMITED, kill_tree, request, sign, wait_ready

pytestmark = pytest.mark.slow

LIMITS = {"LIMIT_IP_SOFT": UNLIMITED, "LIMIT_IP_HARD": UNLIMITED, "LIMIT_PETITION": UNLIMITED}


def load(port: int, stop: threading.Event, seen: list, prefix: str) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        email = f"{prefix}-{n}@example.org"
        status, headers, _ = sign(port, email)
        seen.append(("sign", email, status, headers.get("Retry-After")))
        status, headers, _ = request(port, "GET", f"/api/petitions/{PETITION}")
        seen.append(("count", None, status, headers.get("Retry-After")))
        time.sleep(0.01)


def test_an_outage_answers_503_and_signing_resumes_without_a_restart(throwaway_postgres, tmp_path):
    url = throwaway_postgres.url
    site = tmp_path / "site"
    (site / "petitions" / PETITION).mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><title>Home</title><h1>Home</h1>")
    (site / "petitions" / PETITION / "index.html").write_text("<h1>Sign</h1>")
    overrides = {**LIMITS, "SITE_DIR": str(site), "COUNT_REFRESH_SECONDS": 1.0}
    app = prepared_app(url, tmp_path, **overrides)
    app.extensions["engine"].dispose()
    server, port = start_gunicorn(environment_for(test_settings(url, tmp_path, **overrides)), 2)
    stop = threading.Event()
    before: list = []
    during: list = []
    after: list = []
    try:
        wait_ready(port)
        assert sign(port, "first@example.org")[0] == 201
        with ThreadPoolExecutor(4) as pool:
            phase = before
            futures = [pool.submit(load, port, stop, phase, f"b{i}") for i in range(2)]
            time.sleep(1.0)
            throwaway_postgres.stop("fast")  # the database goes away under load
            futures += [pool.submit(load, port, stop, during, f"d{i}") for i in range(2)]
            time.sleep(2.0)
            pages = [request(port, "GET", p)[0] for p in ("/", f"/petitions/{PETITION}/")]
            stop.set()
            for future in futures:
                future.result()
        throwaway_postgres.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status = sign(port, f"back-{len(after)}@example.org")[0]
            after.append(status)
            if status == 201:
                break
            time.sleep(0.5)
    finally:
        stop.set()
        kill_tree(server.pid)
        server.wait(timeout=10)

    everything = before + during
    summary = Counter((kind, status) for kind, _, status, _ in everything)
    assert all(status != 500 for _, _, status, _ in everything), f"a 500: {summary}"
    outage = [(kind, status, retry) for kind, _, status, retry in during if status >= 500]
    assert outage, "requests during the outage should have met it"
    assert {status for _, status, _ in outage} == {503}
    assert all(retry and int(retry) > 0 for _, _, retry in outage), "503 without Retry-After"
    assert {s for k, _, s, _ in during if k == "sign"} <= {201, 503}
    assert pages == [200, 200], "the site's pages load while the database is down"
    assert after[-1] == 201, f"signing did not resume without a restart: {after}"

    accepted = {email for kind, email, status, _ in everything if kind == "sign" and status == 201}
    engine_app = prepared_app(url, tmp_path, **overrides)
    with database(engine_app) as session:
        stored = set(session.scalars(select(Signature.email)))
    engine_app.extensions["engine"].dispose()
    assert accepted <= stored, "a signature answered 201 was lost in the outage"
