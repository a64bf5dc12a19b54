"""Congress: districts and members loaded from public files, the ZIP map signing reads,
who represents a signer (offices.py, recipients.py), the districts route and
`flask congress`."""

from flask import Flask

from .cli import congress_cli
from .routes import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(congress_cli)
