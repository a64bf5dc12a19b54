"""`flask retention run`: keep only what the privacy notice says we keep."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from .. import cache
from ..models import utcnow
from .schedule import run

retention_cli = AppGroup("retention", help="Delete and anonymise as the privacy notice promises.")


@retention_cli.command("run")
@click.option(
    "--now",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="act as if it were this moment (UTC): it deletes and anonymises what would be due "
    "then (add --dry-run to only see what that is)",
)
@click.option("--dry-run", is_flag=True, help="count what it would do, change nothing")
def run_command(now: datetime | None, dry_run: bool):
    """Delete old unconfirmed signatures, drop old IP addresses, anonymise closed petitions,
    delete supporters who get no updates once their signatures are anonymised."""
    moment = now.replace(tzinfo=utcnow().tzinfo) if now else utcnow()
    report = run(moment, dry_run)
    if dry_run:
        click.echo(f"dry run, nothing changed: would have {report}")
        return
    cache.current().forget("facts")
    click.echo(str(report))
