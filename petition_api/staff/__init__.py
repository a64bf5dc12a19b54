"""Staff: bearer tokens for the staff endpoints, and the audit log of what they did."""

from flask import Flask

from .cli import audit_cli, tokens_cli


def init_app(app: Flask) -> None:
    app.cli.add_command(tokens_cli)
    app.cli.add_command(audit_cli)
