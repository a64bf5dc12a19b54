"""Exports: staff downloads of signatures (CSV, OSDI JSON), filtered, streamed, audited."""

from flask import Flask

from .cli import signatures_cli
from .routes import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(signatures_cli)
