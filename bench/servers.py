"""gunicorn serving the app, wrk loading it, and the ceiling beside every throughput.

Every throughput is measured against gunicorn on loopback with wrk (Debian's
package), bounded in time, and sits beside the ceiling: `GET /bench/hello` of
the same app, on the same server, at the same concurrency, measured in the
same run, so the ratio holds on a noisy machine.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import suppress
from pathlib import Path

from bench.plumbing import BENCH, BENCH_LINE, ROOT, environment, free_port

# The server configuration every throughput figure is measured on: see docs/pages/benchmarks.md.
WORKER_CLASS = "sync"
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CONNECTIONS = 32
WRK_THREADS = 2


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
