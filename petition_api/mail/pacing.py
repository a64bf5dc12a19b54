"""How fast a worker hands mail over: a rate, and a limit per recipient domain.

Large mailbox providers throttle senders that open many connections or send
bursts to them; a mailing of 200,000 is mostly gmail.com, yahoo.com and a few
others. Both limits are per worker process (docs/pages/supporters.md, "Sending",
says how they add up).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class Rate:
    """At most `per_second` messages a second across the process's connections (0: no limit)."""

    def __init__(self, per_second: float):
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.next_slot = time.monotonic()
        self.lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            slot = max(now, self.next_slot)
            self.next_slot = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


class DomainSlots:
    """At most `limit` messages in flight at once to one recipient domain (0: no limit)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.slots: dict[str, threading.BoundedSemaphore] = {}
        self.lock = threading.Lock()

    @contextmanager
    def held(self, address: str) -> Iterator[None]:
        if self.limit <= 0:
            yield
            return
        domain = address.rpartition("@")[2].strip(">").lower()
        with self.lock:
            slot = self.slots.setdefault(domain, threading.BoundedSemaphore(self.limit))
        with slot:
            yield
