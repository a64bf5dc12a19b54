"""Helpers for the resilience stories: real HTTP to real servers, killed for real."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import urllib.error
import urllib.request
from http.client import HTTPException
from pathlib import Path

from petition_api.mail import worker

PETITION = "paid-family-leave"
UNLIMITED = "1000000000 per minute"


def request(port: int, method: str, path: str, body: dict | None = None, timeout: float = 10):
    """(status, headers, body bytes) of one request to 127.0.0.1:port; (0, {}, b"") if refused."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if body is not None else {}
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, headers=headers, method=method
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError, HTTPException):
        # Refused, reset, or cut off mid-answer (IncompleteRead, when the server
        # is killed between the headers and the body): no complete answer.
        return 0, {}, b""


def wait_ready(*ports: int, seconds: float = 90.0) -> None:
    """Until every server's workers answer (gunicorn listens before they have booted)."""
    import time

    deadline = time.monotonic() + seconds
    for port in ports:
        while request(port, "GET", "/api/openapi.json", timeout=5)[0] != 200:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the server on port {port} did not answer")
            time.sleep(0.2)


def signer(email: str, **overrides) -> dict:
    fields = {
        "first_name": "Rosa",
        "last_name": "Parks",
        "email": email,
        "state": "NY",
        "zip": "10118",
    }
    fields.update(overrides)
    return fields


def sign(port: int, email: str, **overrides):
    return request(
        port, "POST", f"/api/petitions/{PETITION}/signatures", signer(email, **overrides)
    )


def process_tree(pid: int) -> list[int]:
    """pid and all its descendants (Linux /proc)."""
    found = [pid]
    for parent in found:
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        found.extend(int(c) for c in children)
    return found


def kill_tree(pid: int) -> None:
    """SIGKILL a server and every worker at once: nothing gets to clean up."""
    for member in process_tree(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(member, signal.SIGKILL)


@contextlib.contextmanager
def worker_running(app, poll_seconds: float = 0.05):
    """The mail worker's loop in a thread, as `flask mail send` runs it; stopped on leaving."""
    stop = threading.Event()

    def work():
        with app.app_context():
            worker.run(once=False, poll_seconds=poll_seconds, stop=stop)

    running = threading.Thread(target=work, daemon=True)
    running.start()
    try:
        yield
    finally:
        stop.set()
        running.join(10)
