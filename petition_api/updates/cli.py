"""`flask mailings ...`: preview, test, send, follow, pause and resume updates to supporters,
and follow a subject test and choose its winner by hand."""

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
from . import deciding, operations
from .standing import standing

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
    if update.test:
        _preview_test(update, shown)


def _preview_test(update: operations.Update, shown: operations.Preview) -> None:
    test = update.test
    click.echo(f"subject test: {len(test.subjects)} subjects, {test.share} of the list each")
    for letter, subject in zip(test.letters, test.subjects, strict=True):
        click.echo(f"  {letter}: {subject}")
    if shown.test_problem:
        click.echo(f"refused as it is: {shown.test_problem}")
        return
    rest = shown.audience - shown.sample_size * len(test.subjects)
    click.echo(
        f"  samples of {shown.sample_size} (at least {shown.least}); the other {rest} get the "
        f"winner {test.wait} after the last sample copy is sent"
    )


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
    """Send one copy of FILE to each --to now, marked [TEST] (a subject test: one per subject,
    [TEST A], [TEST B] ...); nobody else receives anything."""
    update = _read(file)
    addresses = [_address(given) for given in to]
    sender = transport(current_app.config)
    try:
        for address in addresses:
            for copy in operations.copies_marked_test(update, address):
                sender.send(0, copy)
                click.echo(f"test copy sent to {address}: {copy['Subject']}")
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
        what = f"a test of {len(update.subjects)} subjects" if update.test else repr(update.subject)
        click.confirm(f"Send {what} to {size} supporters?", abort=True)
    try:
        mailing = operations.send(update, cli_actor(), again)
    except operations.SentBefore as error:
        raise click.ClickException(f"{error}; add --again to send it once more") from None
    click.echo(f"mailing {mailing.id} queued to {mailing.recipients} supporters")
    if update.test:
        size = update.test.sample_size(mailing.recipients)
        click.echo(
            f"subject test: samples of {size} for subjects {', '.join(update.test.letters)} "
            f"now; the other {mailing.recipients - size * len(update.test.subjects)} get the "
            f"winner {update.test.wait} after the last sample copy is sent "
            f"(flask mailings subjects {mailing.id})"
        )


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
        state = operations.state(row)
        state = f" ({state})" if state not in ("sending", "finished") else ""
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


@mailings_cli.command("subjects")
@click.argument("mailing_id", type=int)
def subjects_command(mailing_id):
    """How MAILING_ID's subject test stands: each sample's actions, unsubscribes and
    complaints, who leads, and when the winner is chosen."""
    with db.reading() as session:
        shown = standing(session, mailing_id)
    if shown is None:
        raise click.ClickException(f"mailing {mailing_id} has no subject test")
    click.echo(f"mailing {mailing_id}: {shown.words}")
    click.echo(f"samples of {shown.share} each; the rest: {shown.rest} ({shown.held} waiting)")
    click.echo("subject\tsent\tsignatures\tstories\tshares\trate\tunsubscribed\tcomplained")
    for sample in shown.samples:
        click.echo(
            f"{sample.letter}\t{sample.sent}/{sample.size}\t{sample.signatures}\t"
            f"{sample.stories}\t{sample.shares}\t{float(sample.rate):.2%}\t"
            f"{sample.unsubscribed}\t{sample.complained}\t{sample.subject}"
        )
    if shown.state != "decided":
        note = " (too close to call: the lead may be chance)" if shown.close else ""
        click.echo(f"leading: {shown.leader.letter}{note}")


@mailings_cli.command("choose")
@click.argument("mailing_id", type=int)
@click.argument("subject", type=click.Choice(["A", "B", "C", "D"], case_sensitive=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def choose_command(mailing_id, subject, yes):
    """Choose SUBJECT (A to D) as MAILING_ID's winner by hand: the rest of its list gets it
    now, whatever the wait or the guard said."""
    with db.reading() as session:
        shown = standing(session, mailing_id)
    if shown is None:
        raise click.ClickException(f"mailing {mailing_id} has no subject test")
    if not yes:
        if not sys.stdin.isatty():
            raise click.ClickException("not a terminal: add --yes to choose without the question")
        click.confirm(
            f"Send subject {subject.upper()} to the rest of mailing {mailing_id} "
            f"({shown.held} supporters)?",
            abort=True,
        )
    try:
        test = deciding.choose(mailing_id, subject, cli_actor())
    except operations.MailingError as error:
        raise click.ClickException(str(error)) from None
    paused = " (the mailing is paused: resume it to send)" if shown.paused else ""
    click.echo(f"mailing {mailing_id}: subject {test.winner} goes to the rest{paused}")
