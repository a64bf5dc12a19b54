"""console.dashboard.1m: the staff dashboard of a petition with a million signatures.

Run by bench/exports.py in a child process on the export benchmark's database (after
the exports, with pending signatures added). Signs in through the real form,
opens the dashboard until it has counted the petition's history (timed apart:
the first page, and all of them), then RUNS times: the page's median and p95,
and the slowest single SQL statement of those pages (the target: none over
200 ms). The baseline is a hello-world route in the same app and process, timed
the same way.

Prints one JSON object.
"""

from __future__ import annotations

import json
import re
import secrets
import statistics
import sys
import time

from sqlalchemy import event

from petition_api import create_app, db
from petition_api.staff import accounts

RUNS = 40
# A fresh account each run, with a password nobody knows.
EMAIL = f"bench-{secrets.token_hex(4)}@example.org"
PASSWORD = secrets.token_urlsafe(24)


def _timed(client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        sys.exit(f"{path} answered {response.status_code}")
    return elapsed


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(slug: str, runs: int = RUNS) -> dict:
    app = create_app()
    app.add_url_rule("/bench-hello", "bench_hello", lambda: "hello")
    statements: list[tuple[float, str]] = []
    engine = app.extensions["engine"]

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("started", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def _end(conn, cursor, statement, parameters, context, executemany):
        statements.append(
            ((time.perf_counter() - conn.info["started"].pop()) * 1000, statement.split("\n")[0])
        )

    with app.app_context(), db.writing() as session:
        accounts.create(session, EMAIL, "organiser", PASSWORD)
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    signed = client.post(
        "/admin/login", data={"csrf_token": token, "email": EMAIL, "password": PASSWORD}
    )
    if signed.status_code != 302:
        sys.exit(f"sign-in answered {signed.status_code}")
    path = f"/admin/?petition={slug}"
    # The first opens count the petition's history, a few seconds per page: timed
    # apart, until the page says it has caught up.
    first = _timed(client, path)
    opens, started = 1, time.perf_counter()
    while "Still counting" in client.get(path).get_data(as_text=True):
        opens += 1
    history = first / 1000 + time.perf_counter() - started
    statements.clear()
    pages = [_timed(client, path) for _ in range(runs)]
    slowest, slowest_sql = max(statements)
    hello = [_timed(client, "/bench-hello") for _ in range(runs)]
    median, ceiling = statistics.median(pages), statistics.median(hello)
    return {
        "first_ms": round(first, 1),
        "history_s": round(history, 1),
        "history_opens": opens + 1,
        "median_ms": round(median, 2),
        "p95_ms": round(_percentile(pages, 0.95), 2),
        "min_ms": round(min(pages), 2),
        "max_ms": round(max(pages), 2),
        "slowest_query_ms": round(slowest, 2),
        "slowest_query": slowest_sql[:120],
        "queries_per_page": len(statements) // runs,
        "hello_ms": round(ceiling, 3),
        "ratio": round(median / ceiling, 1),
        "runs": runs,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else RUNS)))
