"""`flask signatures ...`: export a petition's signatures, add synthetic ones for trials."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .. import audit
from ..petitions.cli import petition_named
from . import synthetic
from .filters import FilterError, parse_filters
from .routes import audited_stream

signatures_cli = AppGroup("signatures", help="Signature exports and synthetic test data.")


@signatures_cli.command("export")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="default: stdout")
@click.option("--status", help="comma list, or all (default: validated)")
@click.option("--state")
@click.option("--district")
@click.option("--since", help="signed on or after, YYYY-MM-DD")
@click.option("--until", help="signed on or before, YYYY-MM-DD")
def export_command(slug, fmt, out, **options):
    """Write a petition's signatures as CSV or OSDI JSON (audited)."""
    try:
        filters = parse_filters(options)
    except FilterError as error:
        raise click.UsageError(str(error)) from None
    petition = petition_named(slug)
    started = time.monotonic()
    chunks = audited_stream(petition, filters, fmt, audit.cli_actor(), f"signatures.{fmt}")
    target = open(out, "w", encoding="utf-8", newline="") if out else sys.stdout  # noqa: SIM115
    try:
        for chunk in chunks:
            target.write(chunk)
    finally:
        if out:
            target.close()
    if out:
        click.echo(f"wrote {out} in {time.monotonic() - started:.1f}s", err=True)


@signatures_cli.command("synthesize")
@click.argument("count", type=int)
@click.option("--petition", "slug", required=True, help="the petition's slug")
@click.option("--seed", type=int, default=None, help="for the same data every time")
@click.option("--status", default="validated", type=click.Choice(["validated", "pending"]))
def synthesize_command(count, slug, seed, status):
    """Add COUNT synthetic signatures (example.invalid addresses) across all districts."""
    if current_app.config["ENV"] == "production":
        raise click.ClickException("refusing to add synthetic signatures in production")
    try:
        made, seconds = synthetic.generate(slug, count, seed, status)
    except synthetic.SyntheticError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"added {made} synthetic signatures to {slug} in {seconds:.1f}s")
