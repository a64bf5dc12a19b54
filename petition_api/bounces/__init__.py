"""Bounces: returned mail, and what it changes about the address it was sent to.

Its one job is reading what comes back from sending: bounces and complaints a
sending service posts (POST /api/mail/events, routes.py) and returned messages
read from a mailbox (`flask mail bounces`, mailbox.py), both applied by events.py.
"""

from flask import Flask

from ..mail.cli import mail_cli
from . import routes
from .cli import bounces_command


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)  # POST /api/mail/events
    mail_cli.add_command(bounces_command)  # `flask mail bounces`, as ever
