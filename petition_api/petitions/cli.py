"""`flask petitions ...`: load the site's petitions, list them, repair their counts."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from .. import cache, db, site_look
from ..counting import counts, tallies
from ..models import Petition, utcnow
from . import manifest

petitions_cli = AppGroup("petitions", help="Petitions and their counts.")


def petition_named(slug: str) -> Petition:
    """The petition SLUG names, for every command that takes one; a clear error if none."""
    with db.reading() as session:
        petition = session.scalar(Petition.named(slug))
    if petition is None:
        raise click.ClickException(f"no petition called {slug!r}")
    return petition


@petitions_cli.command("sync")
@click.argument("manifest_path", metavar="MANIFEST", type=click.Path(path_type=Path))
def sync_command(manifest_path):
    """Load petitions from the site's manifest (site/petitions.json)."""
    try:
        entries = manifest.read_manifest(manifest_path)
        story_wordings = manifest.read_stories(manifest_path)
    except manifest.ManifestError as error:
        raise click.ClickException(str(error)) from None
    with db.writing() as session:
        changes = manifest.sync(session, entries)
        if story_wordings:
            manifest.sync_story_wordings(session, story_wordings)
    site_look.remember(manifest_path)  # the site's name and colours, for the API's own pages
    # This process's cache (a server's own expires within seconds on its own).
    kept = cache.current()
    kept.forget("petition")
    kept.forget("facts")
    for what, slugs in changes.items():
        for slug in slugs:
            click.echo(f"{what}: {slug}")
    click.echo(f"{len(entries)} petitions in {manifest_path}")


@petitions_cli.command("recount")
@click.argument("slug", required=False)
def recount_command(slug):
    """Rebuild the public counts and the dashboard's tallies from the signatures
    (all petitions, or SLUG)."""
    with db.writing() as session:
        query = select(Petition)
        if slug:
            query = query.where(Petition.slug == slug)
        found = session.scalars(query).all()
        if slug and not found:
            raise click.ClickException(f"no petition called {slug!r}")
        for petition in found:
            recounted = counts.recount(session, petition.id)
            tallies.rebuild(session, petition.id)
            click.echo(f"{petition.slug}: {sum(recounted.values())} validated")
    counts.forget_cached()


@petitions_cli.command("list")
def list_command():
    """Every petition, its status and its public count (the API's, as of now)."""
    with db.reading() as session:
        found = session.scalars(select(Petition).order_by(Petition.slug)).all()
    for petition in found:
        # As the API counts: new confirmations folded in first, so the two agree.
        count = sum(counts.snapshot(petition.id).values())
        click.echo(
            f"{petition.slug}\t{petition.status(utcnow())}\t{count}/{petition.goal}\t"
            f"{petition.title}"
        )
