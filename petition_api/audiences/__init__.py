"""Audiences: retargeting lists for Meta and imports for the CRMs campaigns use, built
only from supporters who agreed, streamed and audited."""

from flask import Flask

from .cli import audiences_cli
from .routes import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(audiences_cli)
