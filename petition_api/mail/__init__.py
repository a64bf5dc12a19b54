"""Mail: the outbox requests write to, the worker that sends, and the messages' templates.

Sending only: updates/ queues mailings through it and bounces/ reads what comes back;
neither is imported here.
"""

from flask import Blueprint, Flask

from . import plaintext
from .cli import mail_cli

# No routes: the blueprint brings the mail templates to the app's template loader.
bp = Blueprint("mail", __name__, template_folder="templates")
# The text parts' filters: paragraphs reflowed to 72 columns, headings underlined.
bp.add_app_template_filter(plaintext.wrapped, "wrapped")
bp.add_app_template_filter(plaintext.underlined, "underlined")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(mail_cli)
