"""Petitions: synced from the site's manifest, looked up by the routes that name one."""

from flask import Flask

from .cli import petitions_cli


def init_app(app: Flask) -> None:
    app.cli.add_command(petitions_cli)
