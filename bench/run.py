"""`make bench`: every benchmark on this machine, written to bench/results.{md,json}.

Throughputs are measured with wrk (Debian's package) against gunicorn on
loopback, bounded in time; each is the median of several runs and sits beside
a ceiling (`GET /bench/hello` of the same app, same server, same concurrency)
measured in the same run, so the ratio holds on a noisy machine.

    .venv/bin/python bench/run.py                 # everything (under 20 minutes)
    .venv/bin/python bench/run.py --only sign.sqlite,count.sqlite --runs 1
    .venv/bin/python bench/run.py --quick         # short runs, to check the harness

Traffic only ever goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))

MANIFEST = ROOT / "tests" / "api" / "manifest.json"
PETITION = "paid-family-leave"
POSTGRES_URL = os.environ.get(
    "GROUNDSWELL_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test"
)
# The server configuration every throughput figure is measured on: see docs/pages/benchmarks.md.
WORKER_CLASS = "sync"
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CONNECTIONS = 32
WRK_THREADS = 2
# No limit may interfere with a benchmark of one address signing thousands of times;
# the limiter still runs (and costs what it costs) on every request.
UNLIMITED = "1000000000 per minute"
LOAD_AT_START = [round(x, 2) for x in os.getloadavg()]
BENCH_LINE = re.compile(r"^BENCH (\{.*\})$", re.MULTILINE)


# ------------------------------------------------------------------ helpers


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{os.cpu_count()} cores {cpu}{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def settings_for(database_url: str, workdir: Path, **overrides) -> dict[str, str]:
    settings = {
        "ENV": "development",  # gunicorn refuses to serve without being told
        "DATABASE_URL": database_url,
        "MAIL_BACKEND": "file",
        "MAIL_DIR": str(workdir / "mail"),
        "INSTANCE_DIR": str(workdir / "instance"),  # never the look `make run` kept
        "SITE_URL": "http://127.0.0.1:8000",
        "FORM_TOKEN_MIN_SECONDS": "0",
        "RATELIMIT_STORAGE_URL": "memory://",
        "LIMIT_IP_SOFT": UNLIMITED,
        "LIMIT_IP_HARD": UNLIMITED,
        "LIMIT_PETITION": UNLIMITED,
        # Every confirmation press in the benchmark comes from 127.0.0.1.
        "LIMIT_IP_OTHER": UNLIMITED,
        "COUNT_REFRESH_SECONDS": "5",
        # export.delivery.1m: no packet is made without its sender (delivery/sender.py).
        "CAMPAIGN_ORGANISATION": "Bench Campaign",
        "CAMPAIGN_ADDRESS": "1 Main Street; Springfield, IL 62701",
        "CAMPAIGN_CONTACT_NAME": "Bench Contact",
        "CAMPAIGN_CONTACT_EMAIL": "contact@bench.example.org",
        "CAMPAIGN_CONTACT_PHONE": "217-555-0100",
    }
    settings.update({k: str(v) for k, v in overrides.items()})
    return settings


def environment(settings: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROUNDSWELL_")}
    env.update({f"GROUNDSWELL_{k}": v for k, v in settings.items()})
    env["FLASK_APP"] = "petition_api"  # as the Makefile exports it: bench/run.py runs alone too
    return env


def prepare_database(settings: dict[str, str]) -> None:
    """Migrate and load the test manifest's petitions, in a child process (fresh config)."""
    script = (
        "import pathlib\nfrom petition_api import create_app, db, migrating\n"
        "from petition_api.petitions import manifest\n"
        "app = create_app()\n"
        "migrating.upgrade(app.extensions['engine'])\n"
        "with app.app_context(), db.writing() as s:\n"
        f"    manifest.sync(s, manifest.read_manifest(pathlib.Path({str(MANIFEST)!r})))\n"
    )
    subprocess.run([sys.executable, "-c", script], env=environment(settings), cwd=ROOT, check=True)


@contextmanager
def postgres_schema():
    """A schema of our own on the PostgreSQL server, dropped afterwards."""
    import sqlalchemy as sa

    engine = sa.create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"))
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    base = POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://")
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def postgres_reachable() -> str | None:
    import sqlalchemy as sa

    engine = sa.create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return None
    except sa.exc.OperationalError as error:
        return str(error).splitlines()[0]
    finally:
        engine.dispose()


class Server:
    """gunicorn serving bench.wsgi:app (the product app plus /bench/hello)."""

    def __init__(self, settings: dict[str, str], workers: int = WORKERS):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--worker-class",
                WORKER_CLASS,
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
                "bench.wsgi:app",
            ],
            env=environment(settings),
            cwd=ROOT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url("/bench/hello"), timeout=1):  # noqa: S310 - loopback
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise TimeoutError("gunicorn did not answer within 30 s")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by gunicorn's master and workers."""
        ticks = os.sysconf("SC_CLK_TCK")
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        with suppress(OSError):
            pids += [int(p) for p in children.read_text().split()]
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / ticks

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.stop()


def wrk(
    url: str,
    seconds: int,
    script: str | None = None,
    env: dict | None = None,
    server: Server | None = None,
) -> dict:
    """One bounded wrk run; returns its counters, latency percentiles and server CPU."""
    cpu_before = server.cpu_seconds() if server else 0.0
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        if script:
            lua.write((BENCH / script).read_text())
            lua.write("\n")
        lua.write((BENCH / "report.lua").read_text())
    try:
        completed = subprocess.run(
            [
                "wrk",
                f"-t{WRK_THREADS}",
                f"-c{CONNECTIONS}",
                f"-d{seconds}s",
                "--timeout",
                "5s",
                "-s",
                lua.name,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            env={**os.environ, "BENCH_THREADS": str(WRK_THREADS), **(env or {})},
            check=True,
        )
    finally:
        os.unlink(lua.name)
    cpu = server.cpu_seconds() - cpu_before if server else 0.0
    match = BENCH_LINE.search(completed.stdout)
    if not match:
        raise RuntimeError(f"wrk printed no result:\n{completed.stdout}\n{completed.stderr}")
    raw = json.loads(match.group(1))
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    return {
        "rate": raw["requests"] / (raw["duration_us"] / 1e6),
        "requests": raw["requests"],
        "errors": errors,
        "status_errors": raw["status"],
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "cpu_ms_per_req": 1000 * cpu / raw["requests"] if raw["requests"] else 0.0,
    }


def throughput(name: str, runs: list[dict], ceilings: list[dict], **extra) -> dict:
    rates = [r["rate"] for r in runs]
    ceiling = statistics.median(c["rate"] for c in ceilings)
    median = statistics.median(rates)
    return {
        "name": name,
        "unit": "req/s",
        "median": round(median, 1),
        "min": round(min(rates), 1),
        "max": round(max(rates), 1),
        "ceiling": round(ceiling, 1),
        "ratio": round(median / ceiling, 3),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 2),
        "p95_ms": round(statistics.median(r["p95_ms"] for r in runs), 2),
        "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 2),
        "errors": sum(r["errors"] for r in runs),
        "server_cpu_ms_per_req": round(statistics.median(r["cpu_ms_per_req"] for r in runs), 3),
        "ceiling_cpu_ms_per_req": round(
            statistics.median(c["cpu_ms_per_req"] for c in ceilings), 3
        ),
        "runs": len(runs),
        "seconds_per_run": extra.pop("seconds", None),
        "server": f"gunicorn {WORKER_CLASS} x{WORKERS}",
        "connections": CONNECTIONS,
        **extra,
    }


def db_scalar(database_url: str, sql: str, **params):
    import sqlalchemy as sa

    from petition_api.db import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(sql), params).scalar()
    finally:
        engine.dispose()


def pending_tokens(database_url: str) -> list[str]:
    import sqlalchemy as sa

    from petition_api.db import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT payload FROM outbox WHERE kind = 'confirm' ORDER BY id")
            ).all()
    finally:
        engine.dispose()
    tokens = []
    for (payload,) in rows:
        data = json.loads(payload) if isinstance(payload, str) else payload
        if data and data.get("token"):
            tokens.append(data["token"])
    return tokens


# ------------------------------------------------------------------ benchmarks


def bench_sign(name: str, database_url: str, workdir: Path, args) -> dict:
    settings = settings_for(database_url, workdir)
    prepare_database(settings)
    sign_url = f"/api/petitions/{PETITION}/signatures"
    ceilings, runs = [], []
    with Server(settings) as server:
        wrk(server.url("/bench/hello"), 1)  # warm up every worker
        wrk(server.url(sign_url), 1, "sign.lua", {"BENCH_RUN": "warm"})
        for i in range(args.runs):
            ceilings.append(wrk(server.url("/bench/hello"), args.seconds, server=server))
            runs.append(
                wrk(server.url(sign_url), args.seconds, "sign.lua", {"BENCH_RUN": f"r{i}"}, server)
            )
            log(
                f"{name} run {i + 1}: {runs[-1]['rate']:.0f} req/s "
                f"(ceiling {ceilings[-1]['rate']:.0f}), p99 {runs[-1]['p99_ms']:.1f} ms, "
                f"errors {runs[-1]['errors']}, server CPU {runs[-1]['cpu_ms_per_req']:.2f} ms/req "
                f"(hello {ceilings[-1]['cpu_ms_per_req']:.2f})"
            )
    stored = db_scalar(database_url, "SELECT count(*) FROM signatures")
    answered = sum(r["requests"] - r["status_errors"] for r in runs)
    return throughput(
        name, runs, ceilings, seconds=args.seconds, stored_rows=stored, answered_2xx=answered
    )


def bench_confirm(database_url: str, workdir: Path, args) -> dict:
    """POST /confirm/<token> for the pending signatures the signing benchmark left."""
    settings = settings_for(database_url, workdir)
    tokens = pending_tokens(database_url)
    per_run = len(tokens) // args.runs
    seconds = max(1, min(args.seconds, 2))
    ceilings, runs = [], []
    with Server(settings) as server:
        wrk(server.url("/bench/hello"), 1)
        for i in range(args.runs):
            chunk = workdir / f"tokens-{i}.txt"
            chunk.write_text("\n".join(tokens[i * per_run : (i + 1) * per_run]) + "\n")
            ceilings.append(wrk(server.url("/bench/hello"), seconds, server=server))
            runs.append(
                wrk(server.url("/"), seconds, "confirm.lua", {"BENCH_TOKENS": str(chunk)}, server)
            )
            log(
                f"confirm.sqlite run {i + 1}: {runs[-1]['rate']:.0f} req/s "
                f"(ceiling {ceilings[-1]['rate']:.0f}, {per_run} tokens)"
            )
    exhausted = any(r["requests"] > per_run for r in runs)
    validated = db_scalar(database_url, "SELECT count(*) FROM signatures WHERE status='validated'")
    return throughput(
        "confirm.sqlite",
        runs,
        ceilings,
        seconds=seconds,
        tokens_per_run=per_run,
        tokens_exhausted=exhausted,
        validated_after=validated,
    )


class Stream:
    """Signatures streaming in while the counter is read: signs and confirms, ~40/s."""

    def __init__(self, server: Server, database_url: str, tokens: list[str]):
        self.server = server
        self.tokens = tokens
        self.stop_event = threading.Event()
        self.signed = 0
        self.confirmed = 0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def post(self, path: str, body: bytes, content_type: str) -> int:
        request = urllib.request.Request(  # noqa: S310 - loopback
            self.server.url(path), data=body, headers={"Content-Type": content_type}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def run(self) -> None:
        n = 0
        while not self.stop_event.is_set():
            n += 1
            body = json.dumps(
                {
                    "first_name": "Stream",
                    "last_name": "Signer",
                    "email": f"stream{n}.{uuid.uuid4().hex[:6]}@example.org",
                    "state": "CA",
                    "zip": "94110",
                }
            ).encode()
            if self.post(f"/api/petitions/{PETITION}/signatures", body, "application/json") < 300:
                self.signed += 1
            if self.tokens:
                token = self.tokens.pop()
                status = self.post(f"/confirm/{token}", b"", "application/x-www-form-urlencoded")
                if status < 300:
                    self.confirmed += 1
            self.stop_event.wait(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.stop_event.set()
        self.thread.join(timeout=30)


class Watcher:
    """Reads the public count over and over, as the site's counter does; records what it saw."""

    def __init__(self, server: Server):
        self.server = server
        self.seen: list[tuple[float, int]] = []
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def read(self) -> int:
        url = self.server.url(f"/api/petitions/{PETITION}")
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return json.load(response)["count"]

    def run(self) -> None:
        while not self.stop_event.is_set():
            self.seen.append((time.monotonic(), self.read()))
            self.stop_event.wait(0.02)

    def backward_steps(self) -> int:
        counts = [c for _, c in self.seen]
        return sum(1 for a, b in itertools.pairwise(counts) if b < a)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.stop_event.set()
        self.thread.join(timeout=30)


def bench_count(database_url: str, workdir: Path, args) -> dict:
    """GET /api/petitions/<slug> under load while signatures are signed and confirmed."""
    refresh = 5.0
    settings = settings_for(database_url, workdir, COUNT_REFRESH_SECONDS=refresh)
    tokens = pending_tokens(database_url)[-5000:]
    ceilings, runs = [], []
    count_url = f"/api/petitions/{PETITION}"
    with Server(settings) as server, Watcher(server) as watcher:
        with Stream(server, database_url, tokens) as stream:
            wrk(server.url("/bench/hello"), 1)
            for i in range(args.runs):
                ceilings.append(wrk(server.url("/bench/hello"), args.seconds, server=server))
                runs.append(wrk(server.url(count_url), args.seconds, server=server))
                log(
                    f"count.sqlite run {i + 1}: {runs[-1]['rate']:.0f} req/s "
                    f"(ceiling {ceilings[-1]['rate']:.0f}), p99 {runs[-1]['p99_ms']:.1f} ms"
                )
        stopped = time.monotonic()
        exact = db_scalar(
            database_url,
            "SELECT count(*) FROM signatures s JOIN petitions p ON p.id = s.petition_id "
            "WHERE p.slug = :slug AND s.status = 'validated'",
            slug=PETITION,
        )
        converged_after = None
        while time.monotonic() - stopped < refresh * 3:
            if watcher.seen and watcher.seen[-1][1] == exact and watcher.seen[-1][0] > stopped:
                converged_after = round(watcher.seen[-1][0] - stopped, 2)
                break
            time.sleep(0.05)
    return throughput(
        "count.sqlite",
        runs,
        ceilings,
        seconds=args.seconds,
        refresh_seconds=refresh,
        stream_signed=stream.signed,
        stream_confirmed=stream.confirmed,
        counter_reads=len(watcher.seen),
        backward_steps=watcher.backward_steps(),
        exact_total=exact,
        converged_after_s=converged_after,
    )


# ------------------------------------------------------------------ commands, exports, build


# The public district and legislator files, as `make run` finds them.
SHARED_DATA = Path(os.environ.get("CONGRESS_DATA", ROOT.parent / "shared" / "data"))
REPEAT_LIMIT = 25.0  # seconds: slower runs are not repeated
BUDGET_END = [float("inf")]  # monotonic time by which make bench should be done


def remaining(reserve: float = 0.0) -> float:
    """Seconds left in the bench budget after keeping `reserve` for later steps."""
    return max(30.0, BUDGET_END[0] - time.monotonic() - reserve)


class TooSlow(RuntimeError):
    """A bounded command ran out of time; `seconds` is how long it had run."""

    def __init__(self, seconds: float):
        super().__init__(f"stopped after {seconds:.0f} s")
        self.seconds = seconds


def timed(
    command: list[str], env: dict[str, str], timeout: float | None = None, **kwargs
) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, output tail) of one command, RSS from wait4; bounded."""
    started = time.perf_counter()
    log_file = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed below, after wait4
    process = subprocess.Popen(
        command,
        env=env,
        cwd=kwargs.get("cwd", ROOT),
        stdout=log_file,
        stderr=subprocess.STDOUT,
        text=True,
    )
    timer = None
    if timeout:
        timer = threading.Timer(timeout, process.kill)
        timer.start()
    _, status, usage = os.wait4(process.pid, 0)
    if timer:
        timer.cancel()
    log_file.seek(0)
    output = log_file.read()
    log_file.close()
    if timeout and time.perf_counter() - started >= timeout:
        raise TooSlow(time.perf_counter() - started)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{output[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, output[-500:]


def flask(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", *args]


def repeated(name: str, unit: str, measure, runs: int, **extra) -> dict:
    """Median/min/max of `measure()` -> (value, rss_mb) over `runs` runs.

    A run slower than REPEAT_LIMIT seconds is not repeated (the budget of
    `make bench` is 20 minutes); one that is stopped for time is reported as
    at least that long, marked `stopped_after_s`.
    """
    values, rss = [], []
    for i in range(runs):
        try:
            value, peak = measure()
        except TooSlow as slow:
            log(f"{name} run {i + 1}: stopped after {slow.seconds:.0f} s")
            return {
                "name": name,
                "unit": unit,
                "median": round(slow.seconds, 1),
                "min": round(slow.seconds, 1),
                "max": round(slow.seconds, 1),
                "stopped_after_s": round(slow.seconds, 1),
                "runs": i + 1,
                **extra,
            }
        values.append(value)
        rss.append(peak)
        log(f"{name} run {i + 1}: {value:.2f} {unit}, peak RSS {peak:.0f} MB")
        if value > REPEAT_LIMIT:
            break
    return {
        "name": name,
        "unit": unit,
        "median": round(statistics.median(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
        "rss_mb": round(max(rss), 1),
        "runs": len(values),
        **extra,
    }


SUPPORTERS_FROM_SIGNATURES = """
    INSERT INTO supporters (email_canonical, email, first_name, last_name, city, state, zip,
                            district, status, scope, link_key, created_at, status_changed_at)
    SELECT email_canonical, email, first_name, last_name, city, state, zip, district,
           'subscribed', 'all', lower(hex(randomblob(21))), validated_at, validated_at
    FROM signatures WHERE status = 'validated'
"""


def bench_audiences(workdir: Path, env: dict, args, results: list[dict], rows: int) -> dict:
    """The Meta list (normalised, seven SHA-256 a row) and the Mailchimp import (the
    petitions each person signed) of the supporters the same signatures make, beside
    the CSV signature export of those rows measured in this run (the ceiling)."""
    with sqlite3.connect(workdir / "export.db") as connection:
        connection.execute(SUPPORTERS_FROM_SIGNATURES)
    ceiling = next((r for r in results if r["name"] == "export.csv.1m"), None)
    if ceiling is None:  # measured here when the CSV benchmark was not asked for
        out = workdir / "signatures.csv"
        seconds, _, _ = timed(
            flask("signatures", "export", PETITION, "--format", "csv", "--out", str(out)), env
        )
        ceiling = {"median": seconds}
    measured = {}
    for fmt in ("meta", "mailchimp"):
        out = workdir / f"audience-{fmt}.csv"

        def export(fmt=fmt, out=out):
            command = flask("audiences", "export", fmt, "--out", str(out), "--force")
            seconds, rss, _ = timed(command, env)
            return seconds, rss

        measured[fmt] = repeated(f"audiences.export.{fmt}", "s", export, args.export_runs)
        with out.open("rb") as f:
            measured[fmt]["lines"] = sum(1 for _ in f)
        out.unlink()
    meta, mailchimp = measured["meta"], measured["mailchimp"]
    slowest = max(meta["median"], mailchimp["median"])
    return {
        "name": "audiences.export.1m",
        "unit": "s",
        "median": slowest,
        "min": min(meta["min"], mailchimp["min"]),
        "max": max(meta["max"], mailchimp["max"]),
        "rss_mb": max(meta["rss_mb"], mailchimp["rss_mb"]),
        "ceiling": round(ceiling["median"], 2),
        "ratio": round(slowest / ceiling["median"], 3),
        "rows": rows,
        "meta_s": meta["median"],
        "mailchimp_s": mailchimp["median"],
        "lines": meta["lines"],
        "runs": meta["runs"],
    }


# What runs on the export benchmark's database of a million signatures.
EXPORTS = ("export.csv.1m", "audiences.export.1m", "export.delivery.1m", "console.dashboard.1m")


def bench_exports(workdir: Path, args, wanted: list[str]) -> list[dict]:
    """1,000,000 synthetic validated signatures over all districts; CSV export and delivery."""
    districts = SHARED_DATA / "zccd.csv"
    legislators = SHARED_DATA / "legislators-current.csv"
    names = [n for n in EXPORTS if n in wanted]
    if not (districts.exists() and legislators.exists()):
        why = f"missing {districts} or {legislators}"
        return [skipped(n, "s", why) for n in names]
    url = f"sqlite:///{workdir / 'export.db'}"
    settings = settings_for(url, workdir)
    env = environment(settings) | {"FLASK_APP": "petition_api"}
    prepare_database(settings)
    count = args.export_rows
    timed(
        flask("congress", "load", "--districts", str(districts), "--legislators", str(legislators)),
        env,
    )
    seconds, rss, _ = timed(
        flask("signatures", "synthesize", str(count), "--petition", PETITION, "--seed", "1"), env
    )
    log(f"synthesized {count:,} signatures in {seconds:.1f} s (peak RSS {rss:.0f} MB)")
    results = []
    if "export.csv.1m" in wanted:
        out = workdir / "signatures.csv"

        def csv_export():
            seconds, rss, _ = timed(
                flask("signatures", "export", PETITION, "--format", "csv", "--out", str(out)), env
            )
            return seconds, rss

        result = repeated(
            "export.csv.1m",
            "s",
            csv_export,
            args.export_runs,
            rows=count,
            synthesize_s=round(seconds, 1),
        )
        with out.open("rb") as f:
            result["lines"] = sum(1 for _ in f)
        result["bytes"] = out.stat().st_size
        out.unlink()
        results.append(result)
    if "audiences.export.1m" in wanted:
        results.append(bench_audiences(workdir, env, args, results, count))
    if "export.delivery.1m" in wanted:
        target = workdir / "delivery"

        def delivery_export():
            shutil.rmtree(target, ignore_errors=True)
            seconds, rss, _ = timed(
                flask("delivery", "export", PETITION, "--out", str(target)),
                env,
                timeout=min(330.0, remaining(reserve=240.0)),
            )
            return seconds, rss

        result = repeated("export.delivery.1m", "s", delivery_export, 1, rows=count)
        files = [p for p in target.rglob("*") if p.is_file()]
        result["files"] = len(files)
        result["bytes"] = sum(p.stat().st_size for p in files)
        shutil.rmtree(target, ignore_errors=True)
        results.append(result)
    if "console.dashboard.1m" in wanted:
        results.append(bench_dashboard(env, count))
    return results


def bench_dashboard(env: dict, count: int) -> dict:
    """The staff dashboard of the export database's petition, with a fifth as many
    signatures again still pending (bench/dashboard.py)."""
    pending = count // 5
    timed(
        flask("signatures", "synthesize", str(pending), "--petition", PETITION, "--seed", "2",
              "--status", "pending"),
        env,
    )  # fmt: skip
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "dashboard.py"), PETITION],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout)
    log(f"console.dashboard.1m: {figures}")
    return {
        "name": "console.dashboard.1m",
        "unit": "ms",
        "median": figures["median_ms"],
        "min": figures["min_ms"],
        "max": figures["max_ms"],
        "ceiling": figures["hello_ms"],
        "ratio": figures["ratio"],
        "p95_ms": figures["p95_ms"],
        "slowest_query_ms": figures["slowest_query_ms"],
        "queries_per_page": figures["queries_per_page"],
        "first_open_ms": figures["first_ms"],
        "history_s": figures["history_s"],
        "history_opens": figures["history_opens"],
        "signatures": count + pending,
        "runs": figures["runs"],
    }


def skipped(name: str, unit: str, why: str) -> dict:
    log(f"{name} skipped: {why}")
    return {"name": name, "unit": unit, "median": None, "min": None, "max": None, "skipped": why}


def sample_site(workdir: Path, stories: int = 0) -> Path:
    """A copy of the sample campaign as git holds it, with ``stories`` generated story
    pages (bench/generate_stories.py); returns its folder, mkdocs.yml inside.

    Never the live content/: stories `make run` or the console published there would
    change the figures from one machine to the next."""
    from bench.generate_stories import generate

    site = workdir / (f"site-{stories}" if stories else "site-sample")
    shutil.rmtree(site, ignore_errors=True)
    generate(stories, site)
    return site


def bench_builds(workdir: Path, args, wanted: list[str]) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROUNDSWELL_")}
    results = []
    plan = [("build.sample", 0, 3), ("build.1000", 1000, args.runs), ("build.5000", 5000, 1)]
    for name, stories, runs in plan:
        if name not in wanted:
            continue
        site = sample_site(workdir, stories)
        config, out = site / "mkdocs.yml", site / "built"

        def build(config=config, out=out):
            shutil.rmtree(out, ignore_errors=True)
            command = [
                sys.executable,
                "build.py",
                "--config",
                str(config),
                "--site-dir",
                str(out),
                "--quiet",
            ]
            seconds, rss, _ = timed(command, env, timeout=min(300.0, remaining(reserve=15.0)))
            return seconds, rss

        result = repeated(name, "s", build, runs, stories=stories)
        if out.exists():
            result["pages"] = sum(1 for _ in out.rglob("index.html"))
        if stories:
            shutil.rmtree(site, ignore_errors=True)
        results.append(result)
    return results


def page_weight(site: Path, page: Path) -> tuple[int, int, dict[str, int]]:
    """(bytes, gzip bytes, bytes by kind) of a page and everything it loads."""
    import gzip
    from html.parser import HTMLParser

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found: list[str] = []

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "link" and {"stylesheet", "icon", "preload", "modulepreload"} & set(
                (a.get("rel") or "").split()
            ):
                self.found.append(a.get("href") or "")
            elif tag in ("script", "img", "source") and a.get("src"):
                self.found.append(a["src"])

    seen: set[Path] = set()
    kinds: dict[str, int] = {}
    total = compressed = 0
    queue = [page]
    while queue:
        path = queue.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        data = path.read_bytes()
        total += len(data)
        compressed += len(gzip.compress(data, 9))
        kind = {
            ".html": "html",
            ".css": "css",
            ".js": "js",
            ".woff2": "font",
            ".woff": "font",
            ".ttf": "font",
        }.get(path.suffix, "image")
        kinds[kind] = kinds.get(kind, 0) + len(data)
        text = data.decode("utf-8", "replace")
        refs: list[str] = []
        if path.suffix == ".html":
            parser = Links()
            parser.feed(text)
            refs = parser.found
        elif path.suffix == ".css":
            refs = re.findall(r"url\(['\"]?([^'\")]+)['\"]?\)", text)
        for ref in refs:
            if not ref or ref.startswith(("http:", "https:", "data:", "//", "#")):
                continue
            ref = ref.split("#")[0].split("?")[0]
            base = site if ref.startswith("/") else path.parent
            queue.append((base / ref.lstrip("/")).resolve())
    return total, compressed, kinds


def bench_sign_timing(database_url: str, database: str, workdir: Path, args) -> list[dict]:
    """New address or one that has signed: do the answers take the same time?"""
    from bench.sign_timing import measure

    settings = settings_for(database_url, workdir)
    prepare_database(settings)
    results = []
    with Server(settings) as server:
        for probe in ("clean", "set_aside"):
            figures = measure(server.url(""), 100 if args.quick else 1500, probe == "set_aside")
            name = f"sign.timing.{probe}.{database}"
            log(f"{name}: {figures}")
            results.append(
                {
                    "name": name,
                    "unit": "AUC",
                    "median": figures["auc"],
                    "min": figures["auc"],
                    "max": figures["auc"],
                    "p50_ms": figures["new_p50_ms"],
                    **{k: v for k, v in figures.items() if k not in ("auc", "new_p50_ms")},
                }
            )
    return results


def bench_worst_body(args) -> dict:
    """CPU of the costliest bodies, in one process, beside a typical one (bench/worst_body.py)."""
    n = "20" if args.quick else "200"
    out = subprocess.run(
        [sys.executable, str(BENCH / "worst_body.py"), n],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("GROUNDSWELL_")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    worst = max(figures["worst_accepted_ms"], figures["worst_refused_ms"])
    log(f"sign.worst_body: {figures}")
    return {
        "name": "sign.worst_body",
        "unit": "ms CPU",
        "median": worst,
        "min": worst,
        "max": worst,
        "ratio": round(worst / figures["typical_ms"], 2),
        **figures,
    }


def bench_weight(workdir: Path, wanted: list[str]) -> list[dict]:
    site = workdir / "site-sample" / "built"  # bench_builds' build.sample, if it ran
    if not site.exists():
        config = sample_site(workdir) / "mkdocs.yml"
        env = {k: v for k, v in os.environ.items() if not k.startswith("GROUNDSWELL_")}
        command = [sys.executable, "build.py", "--config", str(config), "--site-dir", str(site)]
        timed([*command, "--quiet"], env)
    manifest = json.loads((site / "petitions.json").read_text())
    petition_page = manifest["petitions"][0]["page"].strip("/")
    pages = {
        "weight.home": site / "index.html",
        "weight.petition": site / petition_page / "index.html",
    }
    results = []
    for name, page in pages.items():
        if name not in wanted:
            continue
        total, compressed, kinds = page_weight(site, page)
        results.append(
            {
                "name": name,
                "unit": "KB",
                "median": round(total / 1024, 1),
                "min": round(total / 1024, 1),
                "max": round(total / 1024, 1),
                "compressed_kb": round(compressed / 1024, 1),
                "page": "/" + str(page.relative_to(site).parent).strip("."),
                **{f"{k}_kb": round(v / 1024, 1) for k, v in sorted(kinds.items())},
            }
        )
        log(f"{name}: {total / 1024:.1f} KB, {compressed / 1024:.1f} KB gzip, {kinds}")
    return results


def run_fuzz(args) -> dict:
    """The fuzz tests of tests/resilience at bench size: at least 10,000 generated cases."""
    tally = Path(tempfile.mkstemp(prefix="groundswell-fuzz-")[1])
    env = {
        **os.environ,
        "GROUNDSWELL_FUZZ_EXAMPLES": str(args.fuzz_examples),
        "GROUNDSWELL_OPENAPI_EXAMPLES": str(args.openapi_examples),
        "GROUNDSWELL_FUZZ_TALLY": str(tally),
    }
    started = time.perf_counter()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-n",
            "2",
            "tests/resilience/test_fuzz.py",
            "tests/resilience/test_openapi_fuzz.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    cases = sum(int(line) for line in tally.read_text().split() if line.strip())
    tally.unlink()
    summary = completed.stdout.strip().splitlines()[-1] if completed.stdout.strip() else ""
    log(f"fuzz: {cases:,} cases, {summary}")
    return {
        "name": "fuzz",
        "cases": cases,
        "passed": completed.returncode == 0,
        "summary": summary,
        "seconds": round(time.perf_counter() - started, 1),
    }


# ------------------------------------------------------------------ output


def write_results(results: list[dict], checks: list[dict], started: float, args) -> None:
    document = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "commit": commit(),
        "command": "make bench"
        if not (args.only or args.quick)
        else " ".join(["bench/run.py", *sys.argv[1:]]),
        "wall_seconds": round(time.monotonic() - started, 1),
        # Other work on the machine inflates absolute times (exports, builds);
        # ratios to a ceiling measured alongside are what survives it.
        "load_average_start": LOAD_AT_START,
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "results": results,
        "checks": checks,
    }
    (BENCH / "results.json").write_text(json.dumps(document, indent=2) + "\n")
    (BENCH / "results.md").write_text(markdown(document))
    log("wrote bench/results.json and bench/results.md")


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def markdown(document: dict) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"- date: {document['date']}",
        f"- machine: {document['machine']}",
        f"- commit: {document['commit']}",
        f"- command: `{document['command']}` ({document['wall_seconds']:.0f} s)",
        f"- load average (1, 5, 15 min) at start {document['load_average_start']}, "
        f"at end {document['load_average_end']} (other work on this {os.cpu_count()}-core "
        "machine)",
        f"- server: gunicorn, {WORKER_CLASS} workers x{WORKERS}; load: wrk -t{WRK_THREADS} "
        f"-c{CONNECTIONS} on 127.0.0.1",
        "",
        "| name | unit | median | min | max | ceiling | ratio | p50 ms | p99 ms | errors "
        "| target | met | notes |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
    ]
    core = {
        "name",
        "unit",
        "median",
        "min",
        "max",
        "ceiling",
        "ratio",
        "p50_ms",
        "p99_ms",
        "errors",
    }
    for r in document["results"]:
        notes = ", ".join(
            f"{k}={_fmt(v)}"
            for k, v in r.items()
            if k not in core and k not in ("server", "connections") and v is not None
        )
        cells = [r["name"], r["unit"]] + [
            _fmt(r.get(k))
            for k in ("median", "min", "max", "ceiling", "ratio", "p50_ms", "p99_ms", "errors")
        ]
        goal, met = target(r)
        cells += [goal, "" if met is None else ("yes" if met else "**no**")]
        lines.append("| " + " | ".join(cells) + f" | {notes} |")
    for c in document.get("checks", []):
        lines.append("")
        lines.append(
            f"- {c['name']}: {c['cases']:,} generated cases "
            f"({'all passed' if c['passed'] else 'FAILED'}: {c['summary']}, {c['seconds']:.0f} s)"
        )
    return "\n".join(lines) + "\n"


TARGETS = {
    "sign.sqlite": (">= 1000 req/s, >= 20% of ceiling, p99 < 100 ms, 0 errors", 1000, 0.20),
    "sign.postgresql": (">= 800 req/s, >= 15% of ceiling, p99 < 100 ms, 0 errors", 800, 0.15),
    "count.sqlite": (">= 90% of ceiling, never backwards", 0, 0.90),
    "export.csv.1m": ("< 10 s, RSS < 150 MB", 10, 150),
    "export.delivery.1m": ("< 300 s, RSS < 300 MB", 300, 300),
    # The slower of the Meta list and the Mailchimp import, against the CSV signature
    # export of the same rows: at most twice as long, in constant memory.
    "audiences.export.1m": ("<= 2x the CSV signature export, RSS < 150 MB", 2.0, 150),
    # The page with a million signatures; the limit is on each of its queries.
    "console.dashboard.1m": ("no query over 200 ms", 200, None),
    "build.1000": ("< 10 s, RSS < 300 MB", 10, 300),
    "build.5000": ("< 60 s, RSS < 300 MB", 60, 300),
    "sign.worst_body": ("< 5 ms of CPU per request", 5, float("inf")),
    "mail.queue.200k": ("< 60 s, RSS < 300 MB", 60, 300),
    "mail.send.postgresql": (
        ">= 50% of ceiling (and >= 500 msg/s on a quiet machine), 0 duplicates, 0 missing",
        500,
        0.5,
    ),
    # 0.5: one request's time says nothing about whether its address had signed.
    **{
        f"sign.timing.{probe}.{database}": ("AUC within 0.5 +/- 0.05", 0.45, 0.55)
        for probe in ("clean", "set_aside")
        for database in ("sqlite", "postgresql")
    },
}


def target(r: dict) -> tuple[str, bool | None]:
    """The issue's target for a result and whether this run met it."""
    if r["name"] not in TARGETS or r.get("median") is None:
        return "", None
    text, a, b = TARGETS[r["name"]]
    if r["unit"] == "req/s":
        met = r["median"] >= a and r["ratio"] >= b
        if r["name"].startswith("sign."):
            met = met and r["p99_ms"] < 100 and r["errors"] == 0
        if r["name"] == "count.sqlite":
            met = met and r.get("backward_steps") == 0
        return text, met
    if r["unit"] == "AUC":
        return text, a <= r["median"] <= b
    if r["name"] == "console.dashboard.1m":
        return text, r["slowest_query_ms"] < a
    if r["name"] == "audiences.export.1m":
        return text, r["ratio"] <= a and r.get("rss_mb", 0) < b
    if r["unit"] == "msg/s":
        # 500 msg/s is for a quiet machine; the ratio is what a shared one can judge.
        return text, r["ratio"] >= b and r["duplicates"] == 0 and r["missing"] == 0
    return text, r["median"] < a and r.get("rss_mb", 0) < b


# ------------------------------------------------------------------ main


ALL = [
    "sign.sqlite",
    "confirm.sqlite",
    "count.sqlite",
    "sign.postgresql",
    "sign.worst_body",
    "sign.timing",
    "export.csv.1m",
    "audiences.export.1m",
    "export.delivery.1m",
    "console.dashboard.1m",
    "build.sample",
    "build.1000",
    "build.5000",
    "weight.home",
    "weight.petition",
    "mail.queue.200k",
    "mail.send.postgresql",
    "fuzz",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--export-rows", type=int, default=1_000_000)
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument("--fuzz-examples", type=int, default=1800, help="per hypothesis test")
    parser.add_argument("--openapi-examples", type=int, default=150, help="per operation")
    parser.add_argument("--quick", action="store_true", help="short runs, to check the harness")
    parser.add_argument("--no-write", action="store_true", help="print, do not write results")
    parser.add_argument("--budget", type=float, default=1140, help="seconds for everything")
    args = parser.parse_args(argv)
    BUDGET_END[0] = time.monotonic() + args.budget
    if args.quick:
        args.runs, args.seconds, args.export_rows, args.export_runs = 1, 2, 20_000, 1
        args.fuzz_examples, args.openapi_examples = 20, 5
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk (make bench-deps)")
    wanted = [n for n in args.only.split(",") if n] or ALL
    started = time.monotonic()
    results: list[dict] = []
    checks: list[dict] = []
    workdir = Path(tempfile.mkdtemp(prefix="groundswell-bench-"))
    sqlite_url = f"sqlite:///{workdir / 'bench.db'}"
    try:
        if {"sign.sqlite", "confirm.sqlite", "count.sqlite"} & set(wanted):
            # Confirm and count use the signatures the signing benchmark stored.
            sign = bench_sign("sign.sqlite", sqlite_url, workdir, args)
            if "sign.sqlite" in wanted:
                results.append(sign)
            if "confirm.sqlite" in wanted:
                results.append(bench_confirm(sqlite_url, workdir, args))
            if "count.sqlite" in wanted:
                results.append(bench_count(sqlite_url, workdir, args))
        if "sign.postgresql" in wanted:
            problem = postgres_reachable()
            if problem:
                results.append(skipped("sign.postgresql", "req/s", problem))
            else:
                with postgres_schema() as url:
                    results.append(bench_sign("sign.postgresql", url, workdir, args))
        if "sign.worst_body" in wanted:
            results.append(bench_worst_body(args))
        if "sign.timing" in wanted:
            timing_db = f"sqlite:///{workdir / 'timing.db'}"
            results.extend(bench_sign_timing(timing_db, "sqlite", workdir, args))
            if postgres_reachable() is None:
                with postgres_schema() as url:
                    results.extend(bench_sign_timing(url, "postgresql", workdir, args))
        # The fuzz cases are a count the issue sets (10,000): run before the
        # steps that are bounded by what is left of the budget.
        if "fuzz" in wanted:
            checks.append(run_fuzz(args))
        if set(EXPORTS) & set(wanted):
            try:
                results.extend(bench_exports(workdir, args, wanted))
            except RuntimeError as error:  # a command not there yet, or failing
                for name in EXPORTS:
                    if name in wanted and name not in {r["name"] for r in results}:
                        results.append(skipped(name, "s", str(error).splitlines()[0][:300]))
        if {"build.sample", "build.1000", "build.5000"} & set(wanted):
            results.extend(bench_builds(workdir, args, wanted))
        if {"weight.home", "weight.petition"} & set(wanted):
            results.extend(bench_weight(workdir, wanted))
        if "mail.queue.200k" in wanted:
            from bench.mail_bench import bench_mail_queue

            results.append(bench_mail_queue(workdir, args))
        if "mail.send.postgresql" in wanted:
            from bench.mail_bench import bench_mail_send

            results.append(bench_mail_send(workdir, args))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for r in results + checks:
        log(json.dumps(r))
    if not args.no_write:
        write_results(results, checks, started, args)
    return 0 if all(c.get("passed", True) for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
