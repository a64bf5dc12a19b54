"""`flask mail ...`: run the worker, read the newest development message, count states.

`flask mail bounces` (returned mail) is bounces/cli.py's, added to this group by
bounces/ itself."""

from __future__ import annotations

import json
import signal
import threading
from email import message_from_bytes, policy
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .. import db
from ..models import OutboxStatus
from . import outbox, signed_again, worker

mail_cli = AppGroup("mail", help="The outbox and its sending worker.")


@mail_cli.command("send")
@click.option("--once", is_flag=True, help="Send what is due now, then stop.")
@click.option("--poll", default=1.0, show_default=True, help="Seconds between looks at the outbox.")
def send_command(once, poll):
    """Deliver queued mail (runs until stopped, unless --once)."""
    stop = threading.Event()
    if not once:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        click.echo(f"sending mail ({current_app.config['MAIL_BACKEND']}); Ctrl-C stops")
    try:
        totals = worker.run(once, poll, stop)
    except worker.GaveUp as error:
        raise click.ClickException(str(error)) from error
    click.echo(json.dumps(dict(totals)) if totals else "nothing to send")


@mail_cli.command("latest")
def latest_command():
    """Development: print the newest message the file backend wrote, decoded."""
    folder = Path(current_app.config["MAIL_DIR"])
    files = sorted(folder.glob("*.eml"))
    if not files:
        raise click.ClickException(f"no messages in {folder}")
    message = message_from_bytes(files[-1].read_bytes(), policy=policy.default)
    click.echo(f"To: {message['To']}\nSubject: {message['Subject']}\n")
    click.echo(message.get_body(("plain",)).get_content())


@mail_cli.command("status")
def status_command():
    """How many messages are in each state, and second signatures not yet answered."""
    with db.reading() as session:
        counts = outbox.status_counts(session)
        to_answer, failed = signed_again.waiting(session)
    for status in OutboxStatus:
        click.echo(f"{status}\t{counts.get(status, 0)}")
    click.echo(f"signed again, to answer\t{to_answer}")
    click.echo(f"signed again, could not be answered\t{failed}")
