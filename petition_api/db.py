"""The database: one engine per app, and the only two ways to use it.

- `reading()`: a session for reads, closed on leaving the block. One per
  block rather than one per request: the block's reads share one snapshot,
  and no connection or snapshot is held while the request does other work or
  a streamed export runs for minutes. Objects read stay usable afterwards
  (nothing here lazy-loads).
- `writing()`: a session in a write transaction, committed on leaving the
  block or rolled back on an error. On SQLite it always begins with
  `BEGIN IMMEDIATE`, so it holds the write lock from the start: a deferred
  transaction that reads and then writes fails at once with SQLITE_BUSY when
  another writer got in between, which busy_timeout cannot wait out.

`stream(query)` is reading's form for exports: rows from a server-side cursor,
a batch at a time. Nothing outside this module opens a session, a connection
or a transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import Connection, Engine, Executable, Row, create_engine, event
from sqlalchemy.orm import Session

_WRITE = "groundswell_write"  # the execution option that makes SQLite begin IMMEDIATE
_writing: ContextVar[bool] = ContextVar("groundswell_writing", default=False)


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
    # hide_parameters: error messages and logs never carry signer data.
    # pre_ping lets the API recover by itself after the database restarts.
    return create_engine(
        url, pool_pre_ping=True, pool_size=5, max_overflow=5, pool_timeout=5, hide_parameters=True
    )


def _sqlite_engine(url: str, synchronous: str) -> Engine:
    path = url.removeprefix("sqlite:///")
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
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
        # Straight to the driver: exec_driver_sql's execution context cost more
        # CPU than the INSERT a signature then makes (bench/profile_sign.py).
        driver = connection.connection.driver_connection
        if connection.get_execution_options().get(_WRITE):
            driver.execute("BEGIN IMMEDIATE")
        else:
            driver.execute("BEGIN")

    return engine


def init_app(app: Flask) -> None:
    app.extensions["engine"] = make_engine(
        app.config["DATABASE_URL"], app.config["SQLITE_SYNCHRONOUS"]
    )


def engine() -> Engine:
    return current_app.extensions["engine"]


@contextmanager
def reading() -> Iterator[Session]:
    """A session for reads (see the module's doc); it never commits."""
    with Session(engine(), expire_on_commit=False) as session:
        yield session


def stream(query: Executable, batch: int = 5000) -> Iterator[Row]:
    """The query's rows from a server-side cursor, `batch` at a time: memory stays flat
    however many rows there are. Core rows, not ORM objects: cheaper by the million.

    Cursor and connection close when the rows run out, or when the reader closes
    the generator early (a client that goes away halfway).
    """
    with engine().connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=batch).execute(query)
        try:
            for partition in result.partitions():
                yield from partition
        finally:
            result.close()


class _WriteSession(Session):
    """The block decides: it commits when it ends well and rolls back when it fails."""

    def commit(self) -> None:
        raise RuntimeError("db.writing() commits when its block ends; don't commit inside it")

    def rollback(self) -> None:
        raise RuntimeError("db.writing() rolls back when its block raises; raise instead")


@contextmanager
def writing() -> Iterator[Session]:
    """A session in one write transaction: committed on success, rolled back on error.

    Its `connection()` runs Core statements in the same transaction, without the
    ORM's unit of work: what the signing path uses. Not nested: on SQLite a
    second writer in the same thread would wait for the first forever.
    """
    if _writing.get():
        raise RuntimeError("db.writing() inside db.writing(): one write transaction at a time")
    marker = _writing.set(True)
    try:
        with (
            _write_connection() as connection,
            _WriteSession(
                bind=connection, expire_on_commit=False, join_transaction_mode="rollback_only"
            ) as session,
        ):
            yield session
            session.flush()
    finally:
        _writing.reset(marker)


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """A part of a writing() block that may fail on its own: if it raises, its
    statements are undone (ROLLBACK TO SAVEPOINT) and the rest of the block stands."""
    with session.begin_nested():
        yield


@contextmanager
def _write_connection() -> Iterator[Connection]:
    with engine().connect() as connection:
        connection.execution_options(**{_WRITE: True})
        with connection.begin():
            yield connection
