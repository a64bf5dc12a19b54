"""`flask mail bounces FILE`: returned mail read from a mailbox (mailbox.py).

Added to mail's `flask mail` group, where it has always been, by init_app."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from . import mailbox


@click.command("bounces")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, path_type=Path))
@with_appcontext  # as mail_cli's own commands are (AppGroup.command)
def bounces_command(path):
    """Apply returned messages (DSNs), complaints (ARF) and unsubscribe requests sent by
    mail, from an mbox FILE or a Maildir folder. Prints counts, never addresses."""
    try:
        counts = mailbox.read(path)
    except mailbox.Unreadable as error:
        raise click.ClickException(str(error)) from error
    for key, label in mailbox.LABELS.items():
        click.echo(f"{label}\t{counts[key]}")
