"""Several API processes share one database and one Redis: limits hold across them."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid

from ..conftest import (
    environment_for,
    prepared_app,
    start_gunicorn,
    test_settings,
)
from .support import PETITION, signatures, supporter


def post(port: int, body: dict) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/petitions/{PETITION}/signatures",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_two_servers_share_one_rate_limit_and_one_signature_per_person(
    database_url, tmp_path, redis_url
):
    limits = {
        "LIMIT_IP_HARD": "4 per minute",
        "LIMIT_IP_SOFT": "100 per minute",
        "RATELIMIT_STORAGE_URL": redis_url,
        "RATELIMIT_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    app = prepared_app(database_url, tmp_path, **limits)
    env = environment_for(test_settings(database_url, tmp_path, **limits))
    (first, a), (second, b) = [start_gunicorn(env, workers=1) for _ in range(2)]
    try:
        codes = [
            post(a, supporter(email="p0@example.org")),
            post(b, supporter(email="p1@example.org")),
            post(b, supporter(email="P0@example.org")),  # the same person, on the other server
            post(a, supporter(email="p2@example.org")),
            post(b, supporter(email="p3@example.org")),  # the fifth from this address
        ]
    finally:
        for process in (first, second):
            process.terminate()
            process.wait(timeout=10)
    assert codes == [201, 201, 201, 201, 429]
    assert sorted(s.email_canonical for s in signatures(app)) == [
        "p0@example.org",
        "p1@example.org",
        "p2@example.org",
    ]
    app.extensions["engine"].dispose()
