"""The view beacon: `view.beacon` and `sign.beside_views`.

view.beacon: views posted through wrk as views.js sends them (bench/view.lua),
beside the ceiling, on one server; after it stops (each worker writes what it
holds as it exits), every view answered 204 must be in `view_tallies`.

sign.beside_views: signing throughput (bench/sign.lua) alone, then while a
paced client sends 1,000 views a second to the same server, and, to tell the
counting from the cost of serving 1,000 more requests a second on the same
cores, while it sends 1,000 `GET /bench/hello` a second instead. The ratio is
signing beside views over signing alone; `beside_hello_ratio` is the same for
the trivial requests. The views are written every 2 s (VIEW_FLUSH_SECONDS),
five times as often as by default, so every run holds several writes.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import threading
import time
from pathlib import Path

from bench.plumbing import PETITION, UNLIMITED, db_scalar, log, prepare_database, settings_for
from bench.servers import Server, throughput, wrk

# The rate; BENCH_VIEWS_PER_SECOND tries another (one this machine can carry).
VIEWS_PER_SECOND = int(os.environ.get("BENCH_VIEWS_PER_SECOND", "1000"))
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"
VIEW_BODY = (
    b"page=%2Fpetitions%2Fpaid-family-leave%2F&variant=&utm_source=facebook"
    b"&utm_medium=social&utm_content=launch-day"
)
VIEW = ("POST", "/api/views", VIEW_BODY, {
    "Content-Type": "application/x-www-form-urlencoded", "User-Agent": CHROME,
})  # fmt: skip
HELLO = ("GET", "/bench/hello", None, {"User-Agent": CHROME})


def _settings(database_url: str, workdir: Path) -> dict[str, str]:
    return settings_for(database_url, workdir, LIMIT_VIEWS=UNLIMITED, VIEW_FLUSH_SECONDS="2")


class Paced:
    """`rate` requests a second for the length of a `with` block, open loop: every
    millisecond or so the requests due are started, each on a connection of its own
    (gunicorn's sync workers close every connection), whether or not the ones before
    have been answered, up to MAX_IN_FLIGHT at once. A loaded server cannot slow the
    schedule, only fail to keep up, which the rate achieved says. asyncio on a thread
    of its own, so one core of the client's does a thousand a second."""

    MAX_IN_FLIGHT = 1024

    def __init__(self, server: Server, request: tuple, rate: int):
        self.port, self.rate = server.port, rate
        method, path, body, headers = request
        head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        if body is not None:
            head.append(f"Content-Length: {len(body)}")
        self.wire = ("\r\n".join(head) + "\r\n\r\n").encode() + (body or b"")
        self.stop = threading.Event()
        self.sent = self.answered = 0
        self.thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    async def _one(self, slots: asyncio.Semaphore) -> None:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            writer.write(self.wire)
            status = await reader.readline()
            await reader.read()
            writer.close()
            self.answered += status.split(b" ", 2)[1:2] in ([b"200"], [b"204"])
        except (OSError, IndexError):
            pass
        finally:
            slots.release()

    async def _run(self) -> None:
        slots = asyncio.Semaphore(self.MAX_IN_FLIGHT)
        tasks = set()
        while not self.stop.is_set():
            due = int((time.monotonic() - self.started) * self.rate)
            while self.sent < due and not slots.locked():
                await slots.acquire()
                task = asyncio.ensure_future(self._one(slots))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                self.sent += 1
            await asyncio.sleep(0.001)
        if tasks:
            await asyncio.wait(tasks, timeout=10)

    def __enter__(self):
        self.started = time.monotonic()
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.seconds = time.monotonic() - self.started
        self.stop.set()
        self.thread.join(timeout=30)

    @property
    def achieved(self) -> float:
        """Requests answered 2xx per second of the block."""
        return self.answered / self.seconds


def bench_view_beacon(database_url: str, workdir: Path, args) -> dict:
    settings = _settings(database_url, workdir)
    prepare_database(settings)
    ceilings, runs = [], []
    with Server(settings) as server:
        wrk(server.url("/bench/hello"), 1)
        for i in range(args.runs):
            ceilings.append(wrk(server.url("/bench/hello"), args.seconds, server=server))
            runs.append(wrk(server.url("/api/views"), args.seconds, "view.lua", server=server))
            log(
                f"view.beacon run {i + 1}: {runs[-1]['rate']:.0f} req/s "
                f"(ceiling {ceilings[-1]['rate']:.0f}), p99 {runs[-1]['p99_ms']:.1f} ms, "
                f"server CPU {runs[-1]['cpu_ms_per_req']:.2f} ms/req "
                f"(hello {ceilings[-1]['cpu_ms_per_req']:.2f})"
            )
    answered = sum(r["requests"] - r["status_errors"] for r in runs)
    stored = db_scalar(database_url, "SELECT coalesce(sum(views), 0) FROM view_tallies")
    rows = db_scalar(database_url, "SELECT count(*) FROM view_tallies")
    return throughput(
        "view.beacon",
        runs,
        ceilings,
        seconds=args.seconds,
        answered_2xx=answered,
        stored_views=int(stored),
        tally_rows=int(rows),
    )


def bench_sign_beside_views(database_url: str, workdir: Path, args) -> dict:
    settings = _settings(database_url, workdir)
    prepare_database(settings)
    sign_url = f"/api/petitions/{PETITION}/signatures"
    alone, beside, beside_hello, paced = [], [], [], []
    with Server(settings) as server:
        wrk(server.url("/bench/hello"), 1)
        wrk(server.url(sign_url), 1, "sign.lua", {"BENCH_RUN": "warm"})
        for i in range(args.runs):
            alone.append(_sign(server, sign_url, args, f"a{i}"))
            with Paced(server, HELLO, VIEWS_PER_SECOND) as hello:
                beside_hello.append(_sign(server, sign_url, args, f"h{i}"))
            with Paced(server, VIEW, VIEWS_PER_SECOND) as views:
                beside.append(_sign(server, sign_url, args, f"v{i}"))
            paced.append(views.achieved)
            log(
                f"sign.beside_views run {i + 1}: alone {alone[-1]['rate']:.0f} req/s, beside "
                f"{hello.achieved:.0f} hello/s {beside_hello[-1]['rate']:.0f}, beside "
                f"{views.achieved:.0f} views/s {beside[-1]['rate']:.0f} "
                f"(p99 {beside[-1]['p99_ms']:.1f} ms)"
            )
    stored = db_scalar(database_url, "SELECT coalesce(sum(views), 0) FROM view_tallies")
    hello_median = statistics.median(r["rate"] for r in beside_hello)
    beside_median = statistics.median(r["rate"] for r in beside)
    return throughput(
        "sign.beside_views",
        beside,
        alone,
        seconds=args.seconds,
        views_per_s=round(statistics.median(paced), 1),
        stored_views=int(stored),
        beside_hello_per_s=round(hello_median, 1),
        beside_hello_ratio=round(hello_median / statistics.median(r["rate"] for r in alone), 3),
        views_vs_hello=round(beside_median / hello_median, 3),
    )


def _sign(server: Server, url: str, args, run: str) -> dict:
    return wrk(server.url(url), args.seconds, "sign.lua", {"BENCH_RUN": run}, server)
