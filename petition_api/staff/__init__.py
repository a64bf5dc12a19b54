"""Staff: accounts and sign-in sessions for the console, bearer tokens for the staff
endpoints, and `flask audit list` to read the audit log (kept by petition_api/audit.py)."""

from flask import Flask

from . import sessions
from .cli import audit_cli, staff_cli, tokens_cli


def init_app(app: Flask) -> None:
    sessions.init_app(app)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(staff_cli)
