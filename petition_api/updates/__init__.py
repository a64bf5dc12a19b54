"""Updates: mailings to supporters, from a Markdown file to one outbox row per recipient.

Its one job is the mailing (reading and checking the file, its audience, queuing
it once, pausing it, its figures) and how an update reads; mail/ sends what it
queues, and writes its rows with the composers registered here.
"""

from flask import Blueprint, Flask

from ..mail import compose
from ..mail.outbox import UPDATE, UPDATE_TEST
from . import updates
from .cli import mailings_cli

# No routes: the blueprint brings the updates/ templates to the app's template loader.
bp = Blueprint("updates", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(mailings_cli)
    compose.register(UPDATE, updates.queued)
    compose.register(UPDATE_TEST, updates.queued_test)
