"""A local SMTP sink for `make bench`: accepts every message and counts each recipient.

    python bench/smtp_sink.py PORT COUNTS.json

Runs until SIGTERM, then writes {recipient: copies received} to COUNTS.json; while
running it writes the number of messages received so far to COUNTS.json.live
about ten times a second, so the harness can follow progress without asking.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
from collections import Counter
from pathlib import Path

from aiosmtpd.controller import Controller


class Counting:
    def __init__(self):
        self.copies: Counter[str] = Counter()
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        self.copies.update(address.lower() for address in envelope.rcpt_tos)
        return "250 OK"


def main() -> None:
    port, out = int(sys.argv[1]), Path(sys.argv[2])
    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    stopping = asyncio.Event()
    loop = asyncio.new_event_loop()

    def stop(*_):
        loop.call_soon_threadsafe(stopping.set)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    async def report():
        live = out.with_suffix(out.suffix + ".live")
        while not stopping.is_set():
            live.write_text(str(handler.messages))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), 0.1)

    loop.run_until_complete(report())
    controller.stop()
    out.write_text(json.dumps(handler.copies))


if __name__ == "__main__":
    main()
