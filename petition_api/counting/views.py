"""Page views, counted in batches: a surge of visitors never slows signing.

Each view the beacon accepts (beacon.py) is one increment of a counter kept in
the process, keyed by petition, hour, variant and the link's tags; every
VIEW_FLUSH_SECONDS a timer adds what was counted to `view_tallies` in one short
transaction, one UPSERT per key (a few rows, however many views). A process that
exits normally (gunicorn's restarts, SIGTERM, `max_requests`) adds what it holds
on the way out.

Why a buffer in the process rather than Redis (HINCRBY, flushed by a worker):
Redis is optional here (rate limits default to `memory://`, SQLite is the
embedded default), so counting views through it would either not work on one
machine or need a second way that does. The buffer batches just as well with
nothing more to run: a view costs a dictionary increment under a lock, no I/O
in the request, and each process writes at most once per interval. What it
gives up: a process killed outright (kill -9, a power cut) loses up to
VIEW_FLUSH_SECONDS of its views. View counts are approximate anyway (visitors
without JavaScript, blockers and bots go uncounted), and the report says so.
A write that fails (the database is restarting) keeps its views for the next
interval rather than losing them.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import weakref
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .. import db
from ..models import ViewTally, utcnow

log = logging.getLogger(__name__)

# Distinct keys one process holds between writes. A flood of made-up tags (each a new
# key, and a new row an hour) beyond this is counted under OVERFLOW instead.
MAX_KEYS = 5000
OVERFLOW = "(too many to count apart)"
KEY = ("petition_id", "hour", "variant", "utm_source", "utm_medium", "utm_content")


@dataclass(frozen=True, order=True)
class ViewKey:
    petition_id: int
    hour: datetime
    variant: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_content: str = ""

    def crowded(self) -> ViewKey:
        """The same view with its tags folded into one key, when too many are held."""
        return replace(self, utm_source=OVERFLOW, utm_medium=OVERFLOW, utm_content=OVERFLOW)


def this_hour() -> datetime:
    """The server's clock, truncated to the hour: no view is kept at a finer time."""
    return utcnow().replace(minute=0, second=0, microsecond=0)


class ViewCounter:
    """One app's views not yet in the database, and the timer that writes them."""

    def __init__(self, app: Flask):
        self.app = app
        self.seconds = app.config["VIEW_FLUSH_SECONDS"]
        self._start_afresh()
        _counters.add(self)

    def _start_afresh(self) -> None:
        self.lock = threading.Lock()
        self.pending: Counter[ViewKey] = Counter()
        self.timer: threading.Timer | None = None

    def add(self, key: ViewKey) -> None:
        """Count one view; written within VIEW_FLUSH_SECONDS (0: now, in this request)."""
        if self.seconds <= 0:
            write(Counter({key: 1}))
            return
        with self.lock:
            if key not in self.pending and len(self.pending) >= MAX_KEYS:
                key = key.crowded()
            self.pending[key] += 1
            self._wake_later()

    def _wake_later(self) -> None:
        """A flush in VIEW_FLUSH_SECONDS, unless one is due (called holding the lock):
        no thread runs while a process has no views to write."""
        if self.timer is None:
            self.timer = threading.Timer(self.seconds, self.flush)
            self.timer.daemon = True
            self.timer.name = "view-counter"
            self.timer.start()

    def flush(self, retry: bool = True) -> int:
        """Write every view held; returns how many. If the write fails they are kept
        for the next interval (`retry`), or, at exit, lost and the loss logged."""
        with self.lock:
            taken, self.pending = self.pending, Counter()
            if self.timer is not None:
                self.timer.cancel()  # this flush writes what it would have
                self.timer = None
        if not taken:
            return 0
        try:
            with self.app.app_context():
                write(taken)
        except Exception as error:  # a timer thread has nobody to raise to
            self._failed(taken, error, retry)
            return 0
        return sum(taken.values())

    def _failed(self, taken: Counter[ViewKey], error: Exception, retry: bool) -> None:
        n = sum(taken.values())
        if not retry:
            log.warning("%d page views lost (%s)", n, type(error).__name__)
            return
        log.warning(
            "%d page views not written (%s): again in %s s", n, type(error).__name__, self.seconds
        )
        with self.lock:
            self.pending.update(taken)
            self._wake_later()

    def held(self) -> int:
        """Views counted here and not yet written."""
        with self.lock:
            return sum(self.pending.values())


_counters: weakref.WeakSet[ViewCounter] = weakref.WeakSet()


def _after_fork() -> None:
    # A worker forked from a process that held views must not write them a second time.
    for counter in list(_counters):
        counter._start_afresh()


def _on_exit() -> None:
    for counter in list(_counters):
        counter.flush(retry=False)


os.register_at_fork(after_in_child=_after_fork)
atexit.register(_on_exit)


def init_app(app: Flask) -> None:
    app.extensions["view_counter"] = ViewCounter(app)


def counter() -> ViewCounter:
    return current_app.extensions["view_counter"]


def write(counted: Counter[ViewKey]) -> None:
    """Add views to `view_tallies`, one UPSERT per key, in one transaction. Keys go in
    sorted order, so two processes writing at once lock rows in the same order."""
    rows = [{**_columns(key), "views": n} for key, n in sorted(counted.items()) if n]
    if not rows:
        return
    with db.writing() as session:
        session.execute(_upsert(session), rows)


def _columns(key: ViewKey) -> dict:
    return {name: getattr(key, name) for name in KEY}


def _upsert(session: Session):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(ViewTally)
    return statement.on_conflict_do_update(
        index_elements=list(KEY), set_={"views": ViewTally.views + statement.excluded.views}
    )


# What the conversion report groups views by, as SQL over `view_tallies`.
GROUPS = {
    "variant": ViewTally.variant,
    "utm_source": ViewTally.utm_source,
    # A post of the post kit: its links say utm_medium=social (counting/tallies.py).
    "post": ViewTally.utm_content,
}
POST_MEDIUM = "social"


def by(session: Session, petition_id: int, group: str) -> dict[str, int]:
    """Views of a petition by variant, utm_source or post: {value: views}."""
    column = GROUPS[group]
    conditions = [ViewTally.petition_id == petition_id]
    if group == "post":
        conditions += [ViewTally.utm_medium == POST_MEDIUM, ViewTally.utm_content != ""]
    rows = session.execute(
        select(column, func.sum(ViewTally.views)).where(*conditions).group_by(column)
    )
    return {value: int(n) for value, n in rows if n}


def by_hour(session: Session, petition_id: int) -> dict[datetime, int]:
    rows = session.execute(
        select(ViewTally.hour, func.sum(ViewTally.views))
        .where(ViewTally.petition_id == petition_id)
        .group_by(ViewTally.hour)
    )
    return {hour: int(n) for hour, n in rows}
