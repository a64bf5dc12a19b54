"""`flask signatures invalidate` and `flask signatures restore`: a preview, then the change."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from .. import audit, db
from .invalidating import Selection, SelectionError, carry_out, preview

_choose = [
    click.argument("ids", nargs=-1, type=int),
    click.option("--email", help="every signature from this address (canonical form)"),
    click.option("--zip", "zip_code", help="every signature from this ZIP code"),
    click.option("--ip-prefix", help="every signature from addresses starting so, e.g. 203.0.113."),
    click.option("--name", help="every signature whose name contains this"),
    click.option("--district", help="every signature from this district, e.g. NY-12"),
    click.option("--domain", help="every signature from addresses at this email domain"),
    click.option("--petition", help="only this petition's (its slug)"),
    click.option("--yes", is_flag=True, help="do not ask before changing anything"),
    click.option("--reason", required=True, help="why, for the audit log"),
]


def choosing(command):
    for option in reversed(_choose):
        command = option(command)
    return command


def _selection(ids, email, zip_code, ip_prefix, petition, name, district, domain) -> Selection:
    return Selection(tuple(ids), email, zip_code, ip_prefix, petition, name, district, domain)


def _apply(restoring: bool, verb: str, selection: Selection, yes: bool, reason: str) -> None:
    try:
        with db.reading() as session:
            rows = preview(session, selection, restoring=restoring)
    except SelectionError as error:
        raise click.UsageError(str(error)) from None
    counted = sum(1 for r in rows if r.counted)
    click.echo(f"{len(rows)} signatures would be {verb} ({counted} of them counted now)")
    if not rows:
        return
    if not yes and not click.confirm("Go ahead?", default=False):
        click.echo("nothing changed")
        return
    done = carry_out(restoring, selection, reason, audit.cli_actor())  # as it is now
    click.echo(f"{verb} {done} signatures")


@click.command("invalidate")
@with_appcontext
@choosing
def invalidate_command(
    ids, email, zip_code, ip_prefix, name, district, domain, petition, yes, reason
):
    """Take signatures out of the counts and deliveries (audited; `restore` undoes it)."""
    selection = _selection(ids, email, zip_code, ip_prefix, petition, name, district, domain)
    _apply(False, "invalidated", selection, yes, reason)


@click.command("restore")
@with_appcontext
@choosing
def restore_command(ids, email, zip_code, ip_prefix, name, district, domain, petition, yes, reason):
    """Put invalidated signatures back as they were (audited)."""
    selection = _selection(ids, email, zip_code, ip_prefix, petition, name, district, domain)
    _apply(True, "restored", selection, yes, reason)
