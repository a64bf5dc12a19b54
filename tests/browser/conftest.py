"""A built campaign site and the petition API on one free local port, and Chromium.

Everything in this folder shares one server and one browser: mark each test
``browser`` and put it in the ``browser`` xdist group.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ..site.support import copy_sample

ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = ROOT.parent / "shared" / "data"
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class Campaign:
    origin: str
    mail_dir: Path
    env: dict  # the server's settings, for `flask` commands against its database
    work: Path  # its database, content folder (where stories are published) and mailings

    def url(self, path: str) -> str:
        return self.origin + "/" + path.lstrip("/")

    def api(self, path: str) -> dict:
        import json

        with urllib.request.urlopen(self.url(path), timeout=10) as response:  # noqa: S310 (local)
            return json.load(response)

    def confirmation_link(self, address: str, seconds: float = 15) -> str:
        """The confirm link in the newest message to ``address`` in the dev mailbox."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for path in sorted(self.mail_dir.glob("*.eml"), reverse=True):
                message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                if address not in str(message["To"]):
                    continue
                body = message.get_body(preferencelist=("plain",)).get_content()
                return re.search(r"https?://\S+/confirm/[\w.\-~]+", body).group(0)
            time.sleep(0.2)
        raise AssertionError(f"no confirmation email to {address} in {self.mail_dir}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_serving(origin: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the devserver exited with {process.returncode}")
        try:
            urllib.request.urlopen(origin + "/api/petitions", timeout=2).close()  # noqa: S310
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered at {origin}")


def _run(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, *args], env=env, cwd=ROOT, check=True, capture_output=True)


@pytest.fixture(scope="session")
def campaign(tmp_path_factory):
    """The sample site built for a free port, served with the API and the mail worker."""
    work = tmp_path_factory.mktemp("campaign")
    port = _free_port()
    origin = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "FLASK_APP": "petition_api",
        "GROUNDSWELL_SITE_URL": origin + "/",
        "GROUNDSWELL_SITE_DIR": str(work / "site"),
        "GROUNDSWELL_DATABASE_URL": f"sqlite:///{work / 'groundswell.db'}",
        "GROUNDSWELL_MAIL_DIR": str(work / "mail"),
        "GROUNDSWELL_ALLOWED_ORIGINS": origin,
        # A browser test fills a form faster than a person; do not take it for a bot.
        "GROUNDSWELL_FORM_TOKEN_MIN_SECONDS": "0",
        "GROUNDSWELL_COUNT_REFRESH_SECONDS": "0.2",
        # Views are written in batches; here every 0.2 s, so a test sees them soon.
        "GROUNDSWELL_VIEW_FLUSH_SECONDS": "0.2",
        # The console publishes stories and reads updates here, never in the repository.
        "GROUNDSWELL_CONTENT_DIR": str(work / "content"),
        "GROUNDSWELL_MAILINGS_DIR": str(work / "mailings"),
        # The kept site look, story photos and previews: never the repository's instance/.
        "GROUNDSWELL_INSTANCE_DIR": str(work / "instance"),
        # A subject test of a few hundred (when 30% are expected to act, 40 a sample will
        # do), whose worker checks it every second (test_organiser_follows_a_subject_test).
        "GROUNDSWELL_SUBJECT_TEST_BASE_RATE": "0.3",
        "GROUNDSWELL_SUBJECT_TEST_CHECK_SECONDS": "1",
    }
    # The sample as git holds it (never stories `make run` published into content/).
    config = copy_sample(work)
    _run(env, "build.py", "--quiet", "--config", str(config), "--site-dir", str(work / "site"))
    _run(env, "-m", "flask", "db", "upgrade")
    _run(env, "-m", "flask", "petitions", "sync", str(work / "site" / "petitions.json"))
    _run(
        env, "-m", "flask", "congress", "load",
        "--districts", str(SHARED_DATA / "zccd.csv"),
        "--legislators", str(SHARED_DATA / "legislators-current.csv"),
    )  # fmt: skip
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "petition_api.devserver",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_serving(origin, server)
        yield Campaign(origin, work / "mail", env, work)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Traffic:
    """Every request a page made; anything not bound for 127.0.0.1 is refused and kept."""

    requests: list
    refused: list


@pytest.fixture
def traffic():
    return Traffic([], [])


@pytest.fixture
def open_context(browser, traffic):
    """Make browser contexts that refuse and record requests leaving 127.0.0.1."""
    contexts = []

    def route(route):
        request = route.request
        traffic.requests.append(request)
        if urlsplit(request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            traffic.refused.append(request.url)
            route.abort()

    def open_context(**options):
        context = browser.new_context(**options)
        context.route("**/*", route)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()
    assert traffic.refused == [], "requests left 127.0.0.1"


@pytest.fixture
def page(open_context):
    return open_context(viewport={"width": 1280, "height": 900}).new_page()
