"""`flask delivery export SLUG --out DIR`: the delivery archive on disk, with a progress bar."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from .. import audit, db
from ..campaign_sender import SenderError, sender_from
from ..congress.loading import active_dataset
from ..exports.filters import FilterError
from ..models import Signature
from ..petitions.cli import petition_named
from ..stories import for_congress
from .archive import archive_name, audited_archive
from .fonts import cjk_font
from .packets import parse_options

delivery_cli = AppGroup("delivery", help="Packets of signatures for congressional offices.")


@delivery_cli.command("export")
@click.argument("slug")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--state", help="one state's offices only, e.g. NY")
@click.option("--since", help="signed on or after, YYYY-MM-DD")
@click.option("--until", help="signed on or before, YYYY-MM-DD")
def export_command(slug, out_dir, **options):
    """Write the delivery archive for petition SLUG into DIR (audited)."""
    try:
        parsed = parse_options(options)
    except FilterError as error:
        raise click.UsageError(str(error)) from None
    petition = petition_named(slug)
    with db.reading() as session:
        loaded = active_dataset(session) is not None
        stories = for_congress.told(session, petition.id)
        total = session.scalar(
            parsed.filters.apply(select(Signature.id), petition.id)
            .with_only_columns(func.count())
            .order_by(None)
        )
    if not loaded:
        raise click.ClickException("no congressional districts loaded: run `flask congress load`")
    try:
        sender = sender_from(current_app.config)
    except SenderError as error:
        raise click.ClickException(f"no packets without a sender: {error}") from None
    if cjk_font() is None:
        click.echo(
            "note: no CJK font installed (Debian: fonts-wqy-microhei); Chinese, Japanese "
            "and Korean characters would be missing from the PDFs",
            err=True,
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    target = out_dir / f"{archive_name(petition, datetime.now(UTC))}.zip"
    partial = target.with_suffix(".zip.partial")
    progress = click.progressbar(length=total or 0, label="signers", file=sys.stderr)
    with progress as bar, open(partial, "wb") as out:
        chunks = audited_archive(petition, parsed, audit.cli_actor(), sender, stories, bar.update)
        for chunk in chunks:
            out.write(chunk)
    partial.rename(target)
    click.echo(f"wrote {target} ({total} signers) in {time.monotonic() - started:.1f}s")
