"""Fixtures shared by every test: databases, the app, its client and CLI runner, the
Congress files loaded and the campaign sender settings packets need.

Tests that take the `database_url` fixture run twice: on SQLite and on the
PostgreSQL server. Outside CI a missing PostgreSQL server skips those runs; in
CI (CI=true) it fails them, because CI must prove the PostgreSQL path.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from petition_api import create_app, db, migrating
from petition_api.petitions import manifest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
MANIFEST = ROOT / "tests" / "api" / "manifest.json"
ZCCD = SHARED_DATA / "zccd.csv"
LEGISLATORS = SHARED_DATA / "legislators-current.csv"
POSTGRES_URL = os.environ.get(
    "GROUNDSWELL_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("GROUNDSWELL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI") == "true"


def unavailable(what: str, error: Exception):
    """Skip outside CI; in CI a missing service is a failure, never a skip."""
    message = f"{what} is not reachable: {error}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true requires it)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_engine():
    engine = sa.create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as error:
        engine.dispose()
        unavailable("PostgreSQL at " + POSTGRES_URL, error)
    yield engine
    engine.dispose()


@pytest.fixture
def redis_url():
    """The Redis server (for shared rate limits); CI requires it like PostgreSQL."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as error:
        unavailable(f"Redis at {REDIS_URL}", error)
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, empty database: a SQLite file, or a schema of its own on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'groundswell.db'}"
        return
    engine = request.getfixturevalue("postgres_engine")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    base = POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://")
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    with engine.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))


def test_settings(database_url: str, tmp_path: Path, **overrides) -> dict:
    settings = {
        "ENV": "development",  # said out loud: a server under gunicorn must be told
        "DATABASE_URL": database_url,
        "MAIL_BACKEND": "file",
        "MAIL_DIR": str(tmp_path / "mail"),
        # The kept site look, story photos and previews: never the repository's instance/.
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "SITE_URL": "http://127.0.0.1:8000",
        "FORM_TOKEN_MIN_SECONDS": 0.0,
        "COUNT_REFRESH_SECONDS": 0.0,
        "RATELIMIT_STORAGE_URI": "memory://",
        "TESTING": True,
    }
    settings.update(overrides)
    return settings


test_settings.__test__ = False  # a helper, not a test

# What a production deployment must set beyond the database (production.check_production).
PRODUCTION = {
    "ENV": "production",
    "SECRET_KEY": "k" * 48,
    "SITE_URL": "https://campaign.example.org",
    "ALLOWED_ORIGINS": "https://campaign.example.org",
    "MAIL_BACKEND": "smtp",
    "MAIL_FROM": "petitions@campaign.example.org",
    "RATELIMIT_STORAGE_URL": "redis://cache:6379/0",
}

# Who the packets are from (campaign_sender.py), as an operator sets them.
SENDER = {
    "CAMPAIGN_ORGANISATION": "Families First Coalition",
    "CAMPAIGN_ADDRESS": "1200 Main Street, Suite 4; Springfield, IL 62701",
    "CAMPAIGN_CONTACT_NAME": "Dana Whitfield",
    "CAMPAIGN_CONTACT_EMAIL": "dana@familiesfirst.example.org",
    "CAMPAIGN_CONTACT_PHONE": "(217) 555-0143",
}


@contextmanager
def database(app):
    """A test's own look into the app's database, through the app's db module: one
    write transaction, committed when the block ends."""
    with app.app_context(), db.writing() as session:
        yield session


def prepared_app(database_url: str, tmp_path: Path, **overrides):
    """An app on a migrated database holding the test manifest's petitions."""
    app = create_app(test_settings(database_url, tmp_path, **overrides))
    migrating.upgrade(app.extensions["engine"])
    with database(app) as session:
        manifest.sync(session, manifest.read_manifest(MANIFEST))
        manifest.sync_story_wordings(session, manifest.read_stories(MANIFEST))
    return app


def load_congress(app, districts: Path = ZCCD, legislators: Path = LEGISLATORS) -> None:
    """The public district and member files loaded, as `flask congress load` does."""
    result = app.test_cli_runner().invoke(
        args=["congress", "load", "--districts", str(districts), "--legislators", str(legislators)]
    )
    assert result.exit_code == 0, result.output


@pytest.fixture
def app(database_url, tmp_path):
    app = prepared_app(database_url, tmp_path)
    yield app
    app.extensions["engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def manual(tmp_path_factory):
    """The manual as `make docs` builds it (strict), once per test process."""
    from .manual import build

    return build(tmp_path_factory.mktemp("manual"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {port} after {seconds}s")


def start_gunicorn(
    env: dict, workers: int = 4, port: int | None = None
) -> tuple[subprocess.Popen, int]:
    """A real gunicorn serving the app, as in production."""
    port = port or free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "petition_api:create_app()",
        ],
        env={**os.environ, **env},
        cwd=ROOT,
    )
    wait_for_port(port, process)
    return process, port


def environment_for(settings: dict) -> dict[str, str]:
    """The GROUNDSWELL_* variables that give a server process these settings."""
    return {
        f"GROUNDSWELL_{k}": str(v)
        for k, v in settings.items()
        if k not in ("TESTING", "RATELIMIT_STORAGE_URI")
    }
