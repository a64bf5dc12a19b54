"""Two API processes on different ports, one PostgreSQL, one Redis, hit at the same time:
duplicates across them fold to one, the rate limit is shared, counts are exact."""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from petition_api.mail import worker
from petition_api.models import Outbox, Signature, Status

from ..conftest import (
    database,
    environment_for,
    prepared_app,
    start_gunicorn,
    test_settings,
)
from .support import PETITION, kill_tree, request, sign, wait_ready

pytestmark = pytest.mark.slow


def latest_tokens(app) -> list[str]:
    """The confirmation token each pending signature's newest mail carries."""
    tokens: dict[int, str] = {}
    with database(app) as session:
        for row in session.scalars(select(Outbox).order_by(Outbox.id)):
            payload = (
                row.payload if isinstance(row.payload, dict) else json.loads(row.payload or "null")
            )
            if payload and payload.get("token"):
                tokens[row.signature_id] = payload["token"]
    return list(tokens.values())


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_servers_fold_duplicates_share_limits_and_count_exactly(
    database_url, tmp_path, redis_url
):
    settings = {
        "LIMIT_IP_HARD": "40 per hour",
        "LIMIT_IP_SOFT": "1000 per hour",
        "RATELIMIT_STORAGE_URL": redis_url,
        "RATELIMIT_PREFIX": f"test-{uuid.uuid4().hex}",
        "COUNT_REFRESH_SECONDS": 1.0,
    }
    app = prepared_app(database_url, tmp_path, **settings)
    env = environment_for(test_settings(database_url, tmp_path, **settings))
    (first, a), (second, b) = [start_gunicorn(env, workers=2) for _ in range(2)]
    try:
        wait_ready(a, b)
        with ThreadPoolExecutor(16) as pool:
            # 15 people each sign on both servers at once, under two spellings of one address.
            twice = list(
                pool.map(
                    lambda job: sign(job[0], job[1])[0],
                    [(a, f"Person.{i}@gmail.com") for i in range(15)]
                    + [(b, f"person{i}+news@gmail.com") for i in range(15)],
                )
            )
            # 20 more, spread over both: only 10 fit under the shared limit of 40.
            more = list(
                pool.map(lambda i: sign(a if i % 2 else b, f"more{i}@example.org")[0], range(20))
            )
        assert twice == [201] * 30  # the same answer for a duplicate
        assert sorted(more) == [201] * 10 + [429] * 10, "the limit is shared through Redis"
        with database(app) as session:
            stored = list(session.scalars(select(Signature.email_canonical)))
        assert len(stored) == len(set(stored)) == 25
        assert {f"person{i}@gmail.com" for i in range(15)} <= set(stored)

        with app.app_context():  # the worker's part: answer the second signatures
            while worker.answer_signed_again():
                pass
        tokens = latest_tokens(app)
        assert len(tokens) == 25
        with ThreadPoolExecutor(8) as pool:
            confirmed = list(
                pool.map(
                    lambda job: request(job[0], "POST", f"/confirm/{job[1]}")[0],
                    [(a if i % 2 else b, t) for i, t in enumerate(tokens)],
                )
            )
        assert confirmed == [200] * 25
        time.sleep(1.2)  # one refresh interval
        counts = [
            json.loads(request(port, "GET", f"/api/petitions/{PETITION}")[2])
            for port in (a, b, a, b)
        ]
    finally:
        for process in (first, second):
            kill_tree(process.pid)
            process.wait(timeout=10)
    with database(app) as session:
        validated = len(
            list(session.scalars(select(Signature.id).where(Signature.status == Status.VALIDATED)))
        )
    assert validated == 25
    assert [c["count"] for c in counts] == [25] * 4
    assert all(c["by_state"] == {"NY": 25} for c in counts)
    app.extensions["engine"].dispose()
