"""Supporters: the people behind confirmed signatures, their consent and their data.

- people.py: a confirmed signature makes or refreshes a supporter, with consent history
- rights.py: everything we hold about a person, and forgetting them
- routes.py: unsubscribe (with RFC 8058 one-click), preferences, their data
- cli.py: `flask supporters show|forget EMAIL`
"""

from flask import Flask

from . import routes
from .cli import supporters_cli


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
    app.cli.add_command(supporters_cli)
