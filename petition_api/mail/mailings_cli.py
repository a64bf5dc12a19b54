"""`flask mailings ...`: preview, test, send, follow, pause and resume updates to supporters."""

from __future__ import annotations

import smtplib
import sys
from pathlib import Path
from types import SimpleNamespace

import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import text

from .. import db
from ..models import AuditEntry, Mailing, Outbox
from ..staff.audit import cli_actor
from . import compose, mailings
from .transports import PermanentFailure, transport

mailings_cli = AppGroup("mailings", help="Updates to supporters, written in Markdown.")
FILE = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
# Only one `mailings send` decides at a time whether a file was sent (PostgreSQL;
# SQLite's write lock already serialises them).
SEND_LOCK = 0x67736D6C


def _read(path: Path) -> mailings.Update:
    try:
        update = mailings.read(path)
        with db.reading() as session:
            mailings.check_names(session, update)
    except mailings.MailingError as error:
        raise click.ClickException(str(error)) from None
    return update


def _sample(update: mailings.Update, first_name: str, email: str):
    """The update as a recipient would get it, with links that lead nowhere."""
    mailing = Mailing(
        id=0,
        sha256=update.sha256,
        subject=update.subject,
        body=update.body,
        preheader=update.preheader,
        from_name=update.from_name,
    )
    person = SimpleNamespace(
        first_name=first_name,
        email=email,
        status="subscribed",
        link_key="preview-link-does-nothing",
    )
    return compose.update(Outbox(id=0), mailing, person)


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
    message = _sample(update, "Alex", "alex@example.org")
    html_out = html_out or Path(current_app.instance_path) / "previews" / f"{update.name}.html"
    html_out.parent.mkdir(parents=True, exist_ok=True)
    html_out.write_text(message.get_body(("html",)).get_content(), encoding="utf-8")
    with db.reading() as session:
        size = mailings.audience_size(session, update.audience)
    click.echo(f"Subject: {update.subject}\n")
    click.echo(message.get_body(("plain",)).get_content())
    click.echo(f"HTML written to {html_out}")
    click.echo(f"audience: {size} subscribed supporters")


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
            message = _sample(update, "Alex", address)
            message.replace_header("Subject", f"[TEST] {update.subject}")
            sender.send(0, message)
            click.echo(f"test copy sent to {address}")
    except (PermanentFailure, smtplib.SMTPException, OSError) as error:
        raise click.ClickException(f"the test copy was not sent: {error}") from None
    finally:
        sender.close()


def _address(given: str) -> str:
    try:
        return validate_email(given, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.BadParameter(f"{given!r}: {error}", param_hint="--to") from None


@mailings_cli.command("send")
@FILE
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--again", is_flag=True, help="Send a file that was sent before, once more.")
def send_command(file, yes, again):
    """Queue FILE to its audience, exactly once; the mail worker sends it."""
    update = _read(file)
    with db.reading() as session:
        size = mailings.audience_size(session, update.audience)
    if size == 0:
        raise click.ClickException(
            f"{file}: its audience reaches nobody (0 subscribed supporters): nothing queued"
        )
    if not yes:
        if not sys.stdin.isatty():
            raise click.ClickException("not a terminal: add --yes to send without the question")
        click.confirm(f"Send {update.subject!r} to {size} supporters?", abort=True)
    with db.writing() as session:
        if session.bind.dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEND_LOCK})
        earlier = mailings.sent_before(session, update)
        if earlier is not None and not again:
            raise click.ClickException(
                f"{file}: already sent as mailing {earlier.id} ({earlier.name}, "
                f"{earlier.queued_at:%Y-%m-%d %H:%M} UTC); add --again to send it once more"
            )
        mailing = mailings.queue(session, update, cli_actor())
        session.add(
            AuditEntry(
                actor=cli_actor(),
                action="mailings.send",
                target=update.name[:200],
                rows=mailing.recipients,
            )
        )
    click.echo(f"mailing {mailing.id} queued to {mailing.recipients} supporters")


@mailings_cli.command("status")
def status_command():
    """Each mailing's progress: queued, sent, failed, bounced, unsubscribed."""
    with db.reading() as session:
        rows = mailings.figures(session)
    if not rows:
        click.echo("no mailings yet")
    for row in rows:
        done = row["sent"] + row["failed"] + row["skipped"] + row["unknown"]
        share = done / row["recipients"] if row["recipients"] else 1.0
        bar = "#" * round(share * 30)
        state = " (paused)" if row["paused"] else ""
        click.echo(f"{row['id']}\t{row['name']}{state}\t[{bar:<30}] {share:.0%}")
        click.echo(
            "\t"
            + ", ".join(
                f"{row[k]} {k}"
                for k in (
                    "recipients",
                    "queued",
                    "sent",
                    "failed",
                    "skipped",
                    "unknown",
                    "bounced",
                    "complained",
                    "unsubscribed",
                )
            )
        )


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
        with db.writing() as session:
            mailings.pause(session, mailing_id, paused)
    except mailings.MailingError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"mailing {mailing_id} {'paused' if paused else 'resumed'}")
