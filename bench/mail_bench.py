"""Mail at the scale of the campaign: `mail.queue.200k`, `mail.queue.200k.subjects` and
`mail.send.postgresql`.

mail.queue.200k: `flask mailings send` to 200,000 subscribed supporters (SQLite,
the default database), seconds and peak RSS of the whole command; its baseline
is the bare sqlite3 module running the same INSERT .. SELECT into a table of the
outbox's shape, in the same run.

mail.queue.200k.subjects: the same send of an update whose two subjects test
themselves (samples of 10% drawn by the database, the rest held for the
winner); its baseline is the plain update sent to the same supporters in the
same run, the two taking turns, so a growing outbox weighs on both alike.

mail.send.postgresql: two `flask mail send` workers on PostgreSQL deliver a
mailing to a local aiosmtpd sink (bench/smtp_sink.py) that counts each
recipient's copies; messages a second from the sink's first message to its
last, with `duplicates` and `missing` counted by the sink. The ceiling is a
bare smtplib loop (bench/smtp_ceiling.py) sending the same messages to a sink
of its own, in the same run; ratio = workers / ceiling.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.commands import flask, repeated, timed
from bench.plumbing import (
    BENCH_LINE,
    ROOT,
    environment,
    free_port,
    log,
    postgres_reachable,
    postgres_schema,
    prepare_database,
    settings_for,
    skipped,
)

UPDATE = """---
subject: We delivered 230,000 signatures to Congress
preheader: What the offices said, and what comes next
audience: all
---
Hello {{ first_name }},

This week we carried **230,000 signatures** for paid family leave and WIC to
every office in Congress. Thank you for being one of them.

- 435 House offices and 100 Senate offices received a packet
- 1,200 of you shared your stories

[Read what the offices said](https://campaign.example.org/updates/delivered/)
"""


SUBJECTS = """subject_test:
  subjects:
    - We delivered 230,000 signatures to Congress
    - Congress has your signature. Here is what they said
  sample: 10%
  wait: 4 hours
"""


def _update(workdir: Path, subjects: bool = False) -> Path:
    path = workdir / ("2026-12-03-tested.md" if subjects else "2026-12-03-delivered.md")
    text = UPDATE.replace("subject: We delivered 230,000 signatures to Congress\n", SUBJECTS)
    path.write_text(text if subjects else UPDATE, encoding="utf-8")
    return path


def bench_mail_queue(workdir: Path, args) -> dict:
    supporters = 20_000 if args.quick else 200_000
    database = workdir / "mail-queue.db"
    settings = settings_for(f"sqlite:///{database}", workdir)
    prepare_database(settings)
    env = environment(settings)
    timed(flask("supporters", "synthetic", str(supporters)), env)
    update = _update(workdir)
    result = repeated(
        "mail.queue.200k",
        "s",
        lambda: timed(flask("mailings", "send", str(update), "--yes", "--again"), env)[:2],
        args.runs,
        supporters=supporters,
        database="sqlite",
    )
    result["ceiling"] = round(_bare_queue(database), 2)
    result["ratio"] = round(result["median"] / result["ceiling"], 2)
    return result


def bench_mail_queue_subjects(workdir: Path, args) -> dict:
    supporters = 20_000 if args.quick else 200_000
    database = workdir / "mail-queue-subjects.db"
    settings = settings_for(f"sqlite:///{database}", workdir)
    prepare_database(settings)
    env = environment(settings)
    timed(flask("supporters", "synthetic", str(supporters)), env)
    plain, tested = _update(workdir), _update(workdir, subjects=True)

    def send(path: Path) -> tuple[float, float]:
        return timed(flask("mailings", "send", str(path), "--yes", "--again"), env)[:2]

    plains, tests, peaks = [], [], []
    for run in range(args.runs):
        plain_seconds, _ = send(plain)
        test_seconds, peak = send(tested)
        log(f"mail.queue.200k.subjects run {run + 1}: {test_seconds:.2f} s with a subject "
            f"test, {plain_seconds:.2f} s plain, peak RSS {peak:.0f} MB")  # fmt: skip
        plains.append(plain_seconds)
        tests.append(test_seconds)
        peaks.append(peak)
    median, baseline = statistics.median(tests), statistics.median(plains)
    return {
        "name": "mail.queue.200k.subjects",
        "unit": "s",
        "median": round(median, 2),
        "min": round(min(tests), 2),
        "max": round(max(tests), 2),
        "rss_mb": round(max(peaks), 1),
        "runs": len(tests),
        "ceiling": round(baseline, 2),  # the plain mailing, in the same run
        "ratio": round(median / baseline, 2),
        "supporters": supporters,
        "database": "sqlite",
    }


def _bare_queue(database: Path) -> float:
    """The bare sqlite3 module: the same INSERT .. SELECT into a plain copy of the outbox."""
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE bare_outbox AS SELECT * FROM outbox WHERE 0")
        started = time.perf_counter()
        connection.execute(
            "INSERT INTO bare_outbox (kind, supporter_id, mailing_id, priority, status, attempts,"
            " next_attempt_at, created_at) SELECT 'update', id, 1, 1, 'queued', 0,"
            " datetime('now'), datetime('now') FROM supporters"
            " WHERE status = 'subscribed' AND scope = 'all'"
        )
        connection.commit()
        return time.perf_counter() - started


class Sink:
    """bench/smtp_sink.py in a process of its own (so it never shares our GIL)."""

    def __init__(self, workdir: Path, name: str):
        self.port = free_port()
        self.counts = workdir / f"{name}.json"
        self.live = workdir / f"{name}.json.live"
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "smtp_sink.py"), str(self.port), str(self.counts)]
        )
        while not self.live.exists():
            time.sleep(0.05)

    def received(self) -> int:
        try:
            return int(self.live.read_text() or 0)
        except (OSError, ValueError):
            return 0

    def stop(self) -> dict[str, int]:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        return json.loads(self.counts.read_text())


def bench_mail_send(workdir: Path, args) -> dict:
    problem = postgres_reachable()
    if problem:
        return skipped("mail.send.postgresql", "msg/s", problem)
    messages = 2_000 if args.quick else 20_000
    with postgres_schema() as url:
        sink = Sink(workdir, "workers")
        settings = settings_for(
            url,
            workdir,
            MAIL_BACKEND="smtp",
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=sink.port,
            SMTP_SECURITY="none",
            MAIL_BATCH=200,
        )
        prepare_database(settings)
        env = environment(settings)
        timed(flask("supporters", "synthetic", str(messages)), env)
        timed(flask("mailings", "send", str(_update(workdir)), "--yes"), env)
        ceiling = _ceiling(workdir, env, messages)
        workers = [
            subprocess.Popen(
                flask("mail", "send"),
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(2)
        ]
        deadline = time.monotonic() + max(120, messages / 20)
        while sink.received() == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        first = time.perf_counter()
        while sink.received() < messages and time.monotonic() < deadline:
            time.sleep(0.05)
        seconds = time.perf_counter() - first
        time.sleep(2)  # anything sent twice would arrive now
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
        counts = sink.stop()
    rate = sum(counts.values()) / seconds if seconds else 0.0
    result = {
        "name": "mail.send.postgresql",
        "unit": "msg/s",
        "median": round(rate, 1),
        "min": round(rate, 1),
        "max": round(rate, 1),
        "ceiling": round(ceiling, 1),
        "ratio": round(rate / ceiling, 3) if ceiling else None,
        "messages": messages,
        "workers": 2,
        "duplicates": sum(n - 1 for n in counts.values() if n > 1),
        "missing": messages - len(counts),
        "errors": 0,
    }
    log(f"mail.send.postgresql: {result}")
    return result


def _ceiling(workdir: Path, env: dict, messages: int) -> float:
    sink = Sink(workdir, "ceiling")
    try:
        _, _, output = timed(
            [
                sys.executable,
                str(ROOT / "bench" / "smtp_ceiling.py"),
                str(sink.port),
                str(messages),
            ],
            {**env, "GROUNDSWELL_SMTP_PORT": str(sink.port)},
        )
    finally:
        sink.stop()
    figures = json.loads(BENCH_LINE.search(output).group(1))
    return figures["messages"] / figures["seconds"]
