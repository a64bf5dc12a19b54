"""Petitions: synced from the site's manifest, looked up by the routes that name one."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here, as in petition_api/__init__.py: the campaign site's build imports
    # sharing.py, and should not load Flask and SQLAlchemy with it.
    from .cli import petitions_cli

    app.cli.add_command(petitions_cli)
