"""Mail: the outbox requests write to, the worker that sends, and the messages' templates."""

from flask import Blueprint, Flask

from .cli import mail_cli

# No routes: the blueprint brings the mail templates to the app's template loader.
bp = Blueprint("mail", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(mail_cli)
