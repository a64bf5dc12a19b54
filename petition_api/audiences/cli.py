"""`flask audiences export FORMAT`: the same files as GET /api/audiences/<format>."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import AppGroup

from .. import db
from ..staff import audit
from .exporting import Export, described
from .formats import FORMATS
from .selection import ChoiceError, parse

audiences_cli = AppGroup(
    "audiences", help="Retargeting and CRM lists of supporters who agreed (audited)."
)


@audiences_cli.command("export")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(list(FORMATS)))
@click.option("--petition", "petitions", multiple=True, help="only people who signed it (repeat)")
@click.option("--since", help="only people who confirmed a signature on or after, YYYY-MM-DD")
@click.option("--plain", is_flag=True, help="Meta formats: normalised text, not SHA-256")
@click.option(
    "--out",
    required=True,
    help="the file to write, or a folder (an existing one, or one ending in /) to write it "
    "in under its default name: the campaign and the day",
)
def export_command(fmt, petitions, since, plain, out):
    """Write FORMAT (meta, meta-suppression, mailchimp, actionnetwork, osdi) to --out."""
    try:
        with db.reading() as session:
            choice = parse(session, list(petitions), since)
    except ChoiceError as error:
        raise click.UsageError(str(error)) from None
    job = Export(FORMATS[fmt], choice, plain=plain)
    folder = Path(out)
    if out.endswith(("/", "\\")) or folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / job.filename()
    else:
        target = folder
    _warn_about_the_name(target, choice)
    started = time.monotonic()
    with target.open("w", encoding="utf-8", newline="") as file:
        for chunk in job.chunks(audit.cli_actor()):
            file.write(chunk)
    left_out = job.left_out
    click.echo(f"wrote {target} in {time.monotonic() - started:.1f}s", err=True)
    if left_out:
        click.echo(f"left out: {described(left_out)}", err=True)


def _warn_about_the_name(target: Path, choice) -> None:
    """An audience named after a petition's topic may be restricted by Meta."""
    named = [slug for slug in choice.petitions if slug.lower() in target.name.lower()]
    if named:
        click.echo(
            f"warning: the file name names the petition {named[0]!r}: an ad audience named "
            "after a health or money topic may be restricted by Meta; the default name (give "
            "--out a folder) is the campaign and the day",
            err=True,
        )
