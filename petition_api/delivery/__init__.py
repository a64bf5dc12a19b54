"""Delivery: every validated signature in the right congressional office's packet
(PDF and CSV per office, in a ZIP archive), for staff, audited."""

from flask import Flask

from .cli import delivery_cli
from .routes import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(delivery_cli)
