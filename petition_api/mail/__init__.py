"""Mail: the outbox requests write to, the worker that sends, and the messages' templates."""

from flask import Blueprint, Flask

from . import plaintext, routes
from .cli import mail_cli
from .mailings_cli import mailings_cli

# No routes: the blueprint brings the mail templates to the app's template loader.
bp = Blueprint("mail", __name__, template_folder="templates")
# The text parts' filters: paragraphs reflowed to 72 columns, headings underlined.
bp.add_app_template_filter(plaintext.wrapped, "wrapped")
bp.add_app_template_filter(plaintext.underlined, "underlined")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(routes.bp)  # POST /api/mail/events
    app.cli.add_command(mail_cli)
    app.cli.add_command(mailings_cli)
