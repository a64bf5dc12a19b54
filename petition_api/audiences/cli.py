"""`flask audiences export FORMAT`: the same files as GET /api/audiences/<format>."""

from __future__ import annotations

import os
import time
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from .. import audit, db
from ..models import Petition
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
@click.option(
    "--plain", is_flag=True, help="meta formats: the normalised text, to check, not to upload"
)
@click.option(
    "--out",
    required=True,
    help="the file to write, or a folder (an existing one, or one ending in /) to write it "
    "in under its default name: the campaign and the day",
)
@click.option("--force", is_flag=True, help="replace the file if it exists")
def export_command(fmt, petitions, since, plain, out, force):
    """Write FORMAT (meta, meta-suppression, mailchimp, actionnetwork, osdi) to --out."""
    asked = {"petitions": list(petitions), "since": since, "plain": plain, "out": out}
    try:
        if plain and not fmt.startswith("meta"):
            raise ChoiceError("--plain is for the meta formats only (the others are plain)")
        with db.reading() as session:
            choice = parse(session, list(petitions), since)
            slugs = list(session.scalars(select(Petition.slug)))
        job = Export(FORMATS[fmt], choice, plain=plain)
        target = _target(out, job.filename(), force)
    except (ChoiceError, click.ClickException) as error:
        with db.writing() as session:
            audit.add(session, f"audiences.{fmt}", None, audit.cli_actor(), asked, "bad-request")
        raise click.UsageError(str(getattr(error, "message", error))) from None
    _warn(fmt, target, choice, slugs)
    started = time.monotonic()
    _write(target, job, force)
    click.echo(f"wrote {target} in {time.monotonic() - started:.1f}s", err=True)
    if job.left_out:
        click.echo(f"left out: {described(job.left_out)}", err=True)


def _target(out: str, default_name: str, force: bool) -> Path:
    path = Path(out)
    if out.endswith(("/", os.sep)) or path.is_dir():
        path.mkdir(parents=True, exist_ok=True)
        path = path / default_name
    if not path.parent.is_dir():
        raise click.ClickException(f"--out: there is no folder {str(path.parent)!r}")
    if path.exists() and not force:
        raise click.ClickException(f"--out: {str(path)!r} exists; add --force to replace it")
    return path


def _write(target: Path, job: Export, force: bool) -> None:
    """Into a new file only this user may read, then moved into place: an export cut
    short leaves no half list behind, and no link is followed."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)  # left by an export killed before
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
            for chunk in job.chunks(audit.cli_actor()):
                file.write(chunk)
        if target.exists() and not force:  # made meanwhile: never overwrite unasked
            raise click.ClickException(f"--out: {str(target)!r} appeared meanwhile")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def _warn(fmt: str, target: Path, choice, slugs: list[str]) -> None:
    """An ad audience named after, or built from, one petition's topic may be restricted."""
    named = [slug for slug in slugs if slug.lower() in target.name.lower()]
    if named:
        click.echo(
            f"warning: the file name names the petition {named[0]!r}: an audience named after "
            "a health or money topic may be restricted by Meta; the default name (give --out "
            "a folder) is the campaign and the day",
            err=True,
        )
    if fmt == "meta" and choice.petitions:
        click.echo(
            "warning: a Meta audience of one petition's signers may suggest its topic; if the "
            "topic is health or money, export the whole campaign instead",
            err=True,
        )
