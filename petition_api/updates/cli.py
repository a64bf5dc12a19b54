"""`flask mailings ...`: preview, test, send, follow, pause and resume updates to supporters."""

from __future__ import annotations

import smtplib
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .. import db
from ..audit import cli_actor
from ..mail.transports import PermanentFailure, transport
from . import operations

mailings_cli = AppGroup("mailings", help="Updates to supporters, written in Markdown.")
FILE = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))


def _read(path: Path) -> operations.Update:
    try:
        return operations.checked(path)
    except operations.MailingError as error:
        raise click.ClickException(str(error)) from None


@mailings_cli.command("preview")
@FILE
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the HTML here (default: instance/previews/NAME.html).",
)
def preview_command(file, html_out):
    """Render FILE as HTML and text, and say how many supporters it would reach."""
    update = _read(file)
    shown = operations.preview(update)
    html_out = html_out or Path(current_app.instance_path) / "previews" / f"{update.name}.html"
    html_out.parent.mkdir(parents=True, exist_ok=True)
    html_out.write_text(shown.html, encoding="utf-8")
    click.echo(f"Subject: {shown.subject}\n")
    click.echo(shown.text)
    click.echo(f"HTML written to {html_out}")
    click.echo(f"audience: {shown.audience} subscribed supporters")


@mailings_cli.command("test")
@FILE
@click.option(
    "--to",
    "to",
    required=True,
    multiple=True,
    help="An address that receives a test copy (repeat for several).",
)
def test_command(file, to):
    """Send one copy of FILE to each --to now, marked [TEST]; nobody else receives anything."""
    update = _read(file)
    addresses = [_address(given) for given in to]
    sender = transport(current_app.config)
    try:
        for address in addresses:
            sender.send(0, operations.copy_marked_test(update, address))
            click.echo(f"test copy sent to {address}")
    except (PermanentFailure, smtplib.SMTPException, OSError) as error:
        raise click.ClickException(f"the test copy was not sent: {error}") from None
    finally:
        sender.close()


def _address(given: str) -> str:
    try:
        return operations.check_address(given)
    except operations.MailingError as error:
        raise click.BadParameter(str(error), param_hint="--to") from None


@mailings_cli.command("send")
@FILE
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--again", is_flag=True, help="Send a file that was sent before, once more.")
def send_command(file, yes, again):
    """Queue FILE to its audience, exactly once; the mail worker sends it."""
    update = _read(file)
    try:
        size = operations.reach(update)
    except operations.MailingError as error:
        raise click.ClickException(str(error)) from None
    if not yes:
        if not sys.stdin.isatty():
            raise click.ClickException("not a terminal: add --yes to send without the question")
        click.confirm(f"Send {update.subject!r} to {size} supporters?", abort=True)
    try:
        mailing = operations.send(update, cli_actor(), again)
    except operations.SentBefore as error:
        raise click.ClickException(f"{error}; add --again to send it once more") from None
    click.echo(f"mailing {mailing.id} queued to {mailing.recipients} supporters")


@mailings_cli.command("status")
def status_command():
    """Each mailing's progress: queued, sent, failed, bounced, unsubscribed."""
    with db.reading() as session:
        rows = operations.figures(session)
    if not rows:
        click.echo("no mailings yet")
    for row in rows:
        share = operations.share(row)
        bar = "#" * round(share * 30)
        state = " (paused)" if row["paused"] else ""
        click.echo(f"{row['id']}\t{row['name']}{state}\t[{bar:<30}] {share:.0%}")
        click.echo("\t" + ", ".join(f"{row[k]} {k}" for k in operations.FIGURES))


@mailings_cli.command("pause")
@click.argument("mailing_id", type=int)
def pause_command(mailing_id):
    """Stop sending MAILING_ID (what is queued stays queued)."""
    _pause(mailing_id, True)


@mailings_cli.command("resume")
@click.argument("mailing_id", type=int)
def resume_command(mailing_id):
    """Go on sending MAILING_ID."""
    _pause(mailing_id, False)


def _pause(mailing_id: int, paused: bool) -> None:
    try:
        operations.set_paused(mailing_id, paused, cli_actor())
    except operations.MailingError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"mailing {mailing_id} {'paused' if paused else 'resumed'}")
