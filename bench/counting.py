"""Counting: `count.sqlite`, the public count read under load while supporters sign.

wrk reads `GET /api/petitions/<slug>` while a client signs and confirms about
20 times a second and another reads the count every 20 ms, checking that it
never goes backwards and reaches the exact validated total.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from bench.plumbing import PETITION, db_scalar, log, pending_tokens, settings_for
from bench.servers import Server, throughput, wrk


class Background:
    """A loop on its own thread for the length of a `with` block; `run` checks stop_event."""

    def __init__(self) -> None:
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.stop_event.set()
        self.thread.join(timeout=30)


class Stream(Background):
    """Signatures streaming in while the counter is read: signs and confirms, ~40/s."""

    def __init__(self, server: Server, database_url: str, tokens: list[str]):
        self.server = server
        self.tokens = tokens
        self.signed = 0
        self.confirmed = 0
        super().__init__()

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


class Watcher(Background):
    """Reads the public count over and over, as the site's counter does; records what it saw."""

    def __init__(self, server: Server):
        self.server = server
        self.seen: list[tuple[float, int]] = []
        super().__init__()

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
