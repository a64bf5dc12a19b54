"""`flask` commands for staff and operators."""

from __future__ import annotations

import json
import signal
import threading
from email import message_from_bytes, policy
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from . import counting, db, mail, migrating, petitions, tokens
from .models import Petition

db_cli = AppGroup("db", help="Database schema (Alembic migrations).")
petitions_cli = AppGroup("petitions", help="Petitions and their counts.")
mail_cli = AppGroup("mail", help="The outbox and its sending worker.")
tokens_cli = AppGroup("tokens", help="Staff API tokens.")


def init_app(app: Flask) -> None:
    for group in (db_cli, petitions_cli, mail_cli, tokens_cli):
        app.cli.add_command(group)
    from . import audit, congress, delivery, exports  # delivery to Congress (issue 4)

    for group in (
        congress.congress_cli,
        delivery.delivery_cli,
        audit.audit_cli,
        exports.signatures_cli,
    ):
        app.cli.add_command(group)


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision):
    """Apply migrations up to REVISION (default: the newest)."""
    migrating.upgrade(db.engine(), revision)
    click.echo(f"database at {migrating.current(db.engine())}")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision):
    """Undo migrations down to REVISION (`base` removes every table)."""
    migrating.downgrade(db.engine(), revision)
    click.echo(f"database at {migrating.current(db.engine()) or 'base'}")


@db_cli.command("current")
def db_current():
    """Show the migration the database is at."""
    click.echo(migrating.current(db.engine()) or "base (empty)")


@petitions_cli.command("sync")
@click.argument("manifest", type=click.Path(path_type=Path))
def petitions_sync(manifest):
    """Load petitions from the site's manifest (site/petitions.json)."""
    try:
        entries = petitions.read_manifest(manifest)
    except petitions.ManifestError as error:
        raise click.ClickException(str(error)) from None
    with db.write_session() as session:
        changes = petitions.sync(session, entries)
    for what, slugs in changes.items():
        for slug in slugs:
            click.echo(f"{what}: {slug}")
    click.echo(f"{len(entries)} petitions in {manifest}")


@petitions_cli.command("recount")
@click.argument("slug", required=False)
def petitions_recount(slug):
    """Rebuild the public counts from the signatures (all petitions, or SLUG)."""
    with db.write_session() as session:
        query = select(Petition)
        if slug:
            query = query.where(Petition.slug == slug)
        found = session.scalars(query).all()
        if slug and not found:
            raise click.ClickException(f"no petition called {slug!r}")
        for petition in found:
            counts = counting.recount(session, petition.id)
            click.echo(f"{petition.slug}: {sum(counts.values())} validated")
    counting.forget_cached()


@petitions_cli.command("list")
def petitions_list():
    """Every petition, its status and count."""
    from .models import utcnow

    session = db.session()
    for petition in session.scalars(select(Petition).order_by(Petition.slug)):
        count = sum(counting.by_state(session, petition.id).values())
        click.echo(
            f"{petition.slug}\t{petition.status(utcnow())}\t{count}/{petition.goal}\t{petition.title}"
        )


@mail_cli.command("send")
@click.option("--once", is_flag=True, help="Send what is due now, then stop.")
@click.option("--poll", default=1.0, show_default=True, help="Seconds between looks at the outbox.")
def mail_send(once, poll):
    """Deliver queued mail (runs until stopped, unless --once)."""
    stop = threading.Event()
    if not once:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        click.echo(f"sending mail ({current_app.config['MAIL_BACKEND']}); Ctrl-C stops")
    totals = mail.run_worker(current_app.extensions["sessionmaker"], once, poll, stop)
    click.echo(json.dumps(dict(totals)) if totals else "nothing to send")


@mail_cli.command("latest")
def mail_latest():
    """Development: print the newest message the file backend wrote, decoded."""
    folder = Path(current_app.config["MAIL_DIR"])
    files = sorted(folder.glob("*.eml"))
    if not files:
        raise click.ClickException(f"no messages in {folder}")
    message = message_from_bytes(files[-1].read_bytes(), policy=policy.default)
    click.echo(f"To: {message['To']}\nSubject: {message['Subject']}\n")
    click.echo(message.get_body(("plain",)).get_content())


@mail_cli.command("status")
def mail_status():
    """How many messages are in each state."""
    counts = mail.status_counts(db.session())
    for status in ("queued", "claimed", "sending", "sent", "failed", "unknown"):
        click.echo(f"{status}\t{counts.get(status, 0)}")


@tokens_cli.command("create")
@click.argument("name")
def tokens_create(name):
    """Create a staff token named NAME; it is shown once, only its hash is kept."""
    with db.write_session() as session:
        token = tokens.create(session, name)
    click.echo(token)


@tokens_cli.command("list")
def tokens_list():
    """Staff tokens (never the tokens themselves)."""
    for row in tokens.listing(db.session()):
        state = "revoked" if row.revoked_at else "active"
        used = row.last_used_at.isoformat(timespec="seconds") if row.last_used_at else "never"
        click.echo(f"{row.id}\t{row.name}\t{state}\tlast used {used}")


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def tokens_revoke(token_id):
    """Revoke the token with id TOKEN_ID."""
    with db.write_session() as session:
        if not tokens.revoke(session, token_id):
            raise click.ClickException(f"no active token with id {token_id}")
    click.echo(f"revoked {token_id}")
