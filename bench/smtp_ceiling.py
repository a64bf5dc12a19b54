"""The ceiling for mail.send: a bare smtplib loop sending the same messages to the same sink.

    python bench/smtp_ceiling.py PORT COUNT   (GROUNDSWELL_* settings in the environment)

It takes the first COUNT queued update rows, builds each message exactly as the
worker would (compose_many), then, timed alone, hands them over one by one on
one connection, with nothing between them: no database, no pacing. Prints
`BENCH {"messages": n, "seconds": s}`.
"""

from __future__ import annotations

import json
import smtplib
import sys
import time

from sqlalchemy import select

from petition_api import create_app, db
from petition_api.mail.compose import compose_many
from petition_api.models import Outbox


def main() -> None:
    port, count = int(sys.argv[1]), int(sys.argv[2])
    app = create_app()
    with app.app_context(), db.reading() as session:
        ids = list(
            session.scalars(
                select(Outbox.id).where(Outbox.kind == "update").order_by(Outbox.id).limit(count)
            )
        )
        messages = []
        for start in range(0, len(ids), 500):
            messages += compose_many(session, ids[start : start + 500]).values()
    connection = smtplib.SMTP("127.0.0.1", port)
    started = time.perf_counter()
    for message in messages:
        connection.sendmail(message.sender, [message.recipient], message.data)
    seconds = time.perf_counter() - started
    connection.quit()
    print("BENCH " + json.dumps({"messages": len(messages), "seconds": seconds}))


if __name__ == "__main__":
    main()
