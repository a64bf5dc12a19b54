"""What every family of benchmarks shares: where things are, the log, the app's
settings and databases, and the sample site to build.

Families import this (and bench/servers.py, bench/commands.py); bench/run.py
imports the families. Nothing here imports a family.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"

MANIFEST = ROOT / "tests" / "api" / "manifest.json"
PETITION = "paid-family-leave"
POSTGRES_URL = os.environ.get(
    "GROUNDSWELL_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test"
)
# No limit may interfere with a benchmark of one address signing thousands of times;
# the limiter still runs (and costs what it costs) on every request.
UNLIMITED = "1000000000 per minute"
# The line bench/report.lua and bench/smtp_ceiling.py print their figures on.
BENCH_LINE = re.compile(r"^BENCH (\{.*\})$", re.MULTILINE)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def skipped(name: str, unit: str, why: str) -> dict:
    log(f"{name} skipped: {why}")
    return {"name": name, "unit": unit, "median": None, "min": None, "max": None, "skipped": why}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
