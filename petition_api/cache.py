"""What a process keeps between requests: one mechanism, kept on the app.

Each value is kept until a wall-clock moment its owner chooses: the end of a
count's refresh interval (the same moment in every process, see counting/),
or a few seconds from now. A cache belongs to its app (`app.extensions`), so
two apps in one process (tests, a CLI beside a server) never share one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import Flask, current_app

T = TypeVar("T")
_MISSING = object()


class Cache:
    def __init__(self) -> None:
        self._values: dict[Hashable, tuple[float, object]] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()

    def peek(self, key: Hashable, default=None):
        """The value kept for `key` if it has not expired, else `default`. Never builds."""
        found = self._values.get(key)
        if found is not None and found[0] > time.time():
            return found[1]
        return default

    def get(
        self,
        key: Hashable,
        build: Callable[[T | None], T],
        until: Callable[[], float],
    ) -> T:
        """The kept value, or `build(previous)`'s, kept until `until()` (epoch seconds).

        `previous` is the expired value (or None), so a builder can keep it when
        nothing changed. One builder per key at a time; None is never kept.
        """
        value = self.peek(key, _MISSING)
        if value is not _MISSING:
            return value
        with self._lock_for(key):
            value = self.peek(key, _MISSING)
            if value is not _MISSING:
                return value
            # The moment is fixed before building: a build that straddles it (a count
            # folded up to one interval's start) must not be kept into the next.
            expires = until()
            previous = self._values.get(key, (0.0, None))[1]
            value = None
            try:
                value = build(previous)
            finally:
                if value is not None:
                    self._values[key] = (expires, value)
                else:  # nothing kept (an unknown slug, a failed build): no lock kept either
                    with self._guard:
                        self._locks.pop(key, None)
            return value

    def forget(self, *prefix) -> None:
        """Drop every value whose key (a tuple) starts with `prefix`; all, without one."""
        n = len(prefix)
        for key in list(self._values):
            if not n or (isinstance(key, tuple) and key[:n] == prefix):
                self._values.pop(key, None)

    def _lock_for(self, key: Hashable) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())


def of(app: Flask) -> Cache:
    return app.extensions.setdefault("groundswell.cache", Cache())


def current() -> Cache:
    return of(current_app)


def seconds_from_now(seconds: float) -> Callable[[], float]:
    return lambda: time.time() + seconds
