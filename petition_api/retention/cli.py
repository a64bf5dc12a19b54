"""`flask retention run`: keep only what the privacy notice says we keep."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from .. import cache
from ..models import utcnow
from .keeping import run

retention_cli = AppGroup("retention", help="Delete and anonymise as the privacy notice promises.")


@retention_cli.command("run")
@click.option(
    "--now",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="act as if it were this moment (UTC), e.g. to see what a date will bring",
)
def run_command(now: datetime | None):
    """Delete old unconfirmed signatures, drop old IP addresses, anonymise closed petitions."""
    moment = now.replace(tzinfo=utcnow().tzinfo) if now else utcnow()
    report = run(moment)
    cache.current().forget("facts")
    click.echo(str(report))
