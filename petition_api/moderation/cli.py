"""`flask signatures invalidate` and `flask signatures restore`: a preview, then the change."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from .. import db
from ..counting import counts
from ..staff import audit
from .invalidating import Selection, SelectionError, invalidate, preview, restore

_choose = [
    click.argument("ids", nargs=-1, type=int),
    click.option("--email", help="every signature from this address (canonical form)"),
    click.option("--zip", "zip_code", help="every signature from this ZIP code"),
    click.option("--ip-prefix", help="every signature from addresses starting so, e.g. 203.0.113."),
    click.option("--petition", help="only this petition's (its slug)"),
    click.option("--yes", is_flag=True, help="do not ask before changing anything"),
    click.option("--reason", required=True, help="why, for the audit log"),
]


def choosing(command):
    for option in reversed(_choose):
        command = option(command)
    return command


def _selection(ids, email, zip_code, ip_prefix, petition) -> Selection:
    return Selection(tuple(ids), email, zip_code, ip_prefix, petition)


def _apply(action: str, verb: str, change, selection: Selection, yes: bool, reason: str) -> None:
    restoring = action == "signatures.restore"
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
    with db.writing() as session:  # as the selection is now, not as previewed
        done = change(session, selection)
    counts.forget_cached()
    audit.record(
        action, selection.petition, selection.described() | {"reason": reason}, audit.cli_actor(),
        rows=done,
    )  # fmt: skip
    click.echo(f"{verb} {done} signatures")


@click.command("invalidate")
@with_appcontext
@choosing
def invalidate_command(ids, email, zip_code, ip_prefix, petition, yes, reason):
    """Take signatures out of the counts and deliveries (audited; `restore` undoes it)."""
    selection = _selection(ids, email, zip_code, ip_prefix, petition)
    _apply("signatures.invalidate", "invalidated", invalidate, selection, yes, reason)


@click.command("restore")
@with_appcontext
@choosing
def restore_command(ids, email, zip_code, ip_prefix, petition, yes, reason):
    """Put invalidated signatures back as they were (audited)."""
    selection = _selection(ids, email, zip_code, ip_prefix, petition)
    _apply("signatures.restore", "restored", restore, selection, yes, reason)
