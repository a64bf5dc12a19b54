"""Schema changes through Alembic, driven by the app's own engine; `flask db ...`."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import Engine

from . import db

MIGRATIONS = Path(__file__).parent / "migrations"

db_cli = AppGroup("db", help="Database schema (Alembic migrations).")


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)


def alembic_config(connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    # Alembic runs its own transaction on the engine: schema changes are not
    # data writes, and they must run before the app's tables exist.
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision):
    """Apply migrations up to REVISION (default: the newest)."""
    upgrade(db.engine(), revision)
    click.echo(f"database at {current(db.engine())}")


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade_command(revision):
    """Undo migrations down to REVISION (`base` removes every table)."""
    downgrade(db.engine(), revision)
    click.echo(f"database at {current(db.engine()) or 'base'}")


@db_cli.command("current")
def current_command():
    """Show the migration the database is at."""
    click.echo(current(db.engine()) or "base (empty)")
