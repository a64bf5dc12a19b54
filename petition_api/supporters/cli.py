"""`flask supporters show|forget EMAIL`: a person's data, for staff answering a request."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from .. import audit, db
from . import rights, synthetic

supporters_cli = AppGroup("supporters", help="Supporters and their data rights.")


@supporters_cli.command("show")
@click.argument("email")
def show_command(email):
    """Print everything held about EMAIL's owner as JSON (a subject-access answer)."""
    with db.writing() as session:
        found = rights.held(session, email)
        # Reading a person's data is an export of it: recorded, without the address.
        audit.add(session, "supporters.show", None, audit.cli_actor(), rows=int(found is not None))
    if found is None:
        raise click.ClickException("we hold nothing about that address")
    click.echo(json.dumps(found, indent=2, ensure_ascii=False))


@supporters_cli.command("forget")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def forget_command(email, yes):
    """Erase EMAIL's owner everywhere; counts by state and district stay exact."""
    if not yes:
        if not sys.stdin.isatty():
            raise click.ClickException("not a terminal: add --yes to erase without the question")
        click.confirm(f"Erase everything held about {email}? This cannot be undone", abort=True)
    with db.writing() as session:
        done = rights.forget(session, email, audit.cli_actor())
    if not any(done.values()):
        click.echo("we held nothing about that address (recorded in the audit log)")
        return
    click.echo(", ".join(f"{n} {what}" for what, n in done.items()))


@supporters_cli.command("synthetic")
@click.argument("count", type=click.IntRange(1, 5_000_000))
def synthetic_command(count):
    """Add COUNT subscribed synthetic supporters (example.invalid addresses) for trials."""
    if current_app.config["ENV"] == "production":
        raise click.ClickException("refusing to add synthetic supporters in production")
    made, seconds = synthetic.generate(count)
    click.echo(f"added {made} synthetic supporters in {seconds:.1f}s")
