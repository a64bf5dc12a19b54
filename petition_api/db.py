"""The database engine and one session per request."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def normalise_url(url: str) -> str:
    """Accept the `postgresql://` URLs people paste; we drive PostgreSQL with psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def make_engine(url: str, sqlite_synchronous: str = "NORMAL") -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url, sqlite_synchronous)
    # hide_parameters as above; pre_ping lets the API recover by itself after the database restarts.
    return create_engine(
        url, pool_pre_ping=True, pool_size=5, max_overflow=5, pool_timeout=5, hide_parameters=True
    )


def _sqlite_engine(url: str, synchronous: str) -> Engine:
    path = url.removeprefix("sqlite:///")
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # hide_parameters: error messages and logs never carry signer data.
    engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection, _record):
        # We issue BEGIN ourselves (below), so pysqlite must not.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets readers (counts) run beside the writer (signing); with
        # synchronous=NORMAL a commit survives a killed process, FULL also a power cut.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection):
        # Writers take the write lock up front: a deferred transaction that reads
        # and then writes fails at once with SQLITE_BUSY when another writer got
        # in between, which busy_timeout cannot wait out.
        # Straight to the driver: exec_driver_sql's execution context cost more
        # CPU than the INSERT a signature then makes (bench/profile_sign.py).
        driver = connection.connection.driver_connection
        if connection.get_execution_options().get("sqlite_write"):
            driver.execute("BEGIN IMMEDIATE")
        else:
            driver.execute("BEGIN")

    return engine


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"], app.config["SQLITE_SYNCHRONOUS"])
    app.extensions["engine"] = engine
    app.extensions["sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["engine"]


def session() -> Session:
    """The request's session, opened on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["sessionmaker"]()
    return g.db_session


@contextmanager
def write_session():
    """A session whose transaction writes: BEGIN IMMEDIATE on SQLite, commit or roll back."""
    with current_app.extensions["sessionmaker"]() as s:
        s.connection(execution_options={"sqlite_write": True})
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise


@contextmanager
def write_connection():
    """A Core connection in a write transaction (BEGIN IMMEDIATE on SQLite): commit or roll back.

    Cheaper than write_session for a request that only runs prepared statements.
    """
    with engine().connect() as connection:
        connection.execution_options(sqlite_write=True)
        with connection.begin():
            yield connection


def _close_session(_exc):
    s = g.pop("db_session", None)
    if s is not None:
        s.close()
