"""Retention: deleting and anonymising on the schedule the privacy notice promises."""

from flask import Flask

from .cli import retention_cli


def init_app(app: Flask) -> None:
    app.cli.add_command(retention_cli)
