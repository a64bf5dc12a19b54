"""Updates: mailings to supporters, from a Markdown file to one outbox row per recipient.

Its one job is the mailing (reading and checking the file, its audience, queuing
it once, pausing it, its figures, the subject lines that test themselves) and how
an update reads; mail/ sends what it queues, writes its rows with the composers
registered here, and runs the subject tests' check between its batches.
"""

from flask import Blueprint, Flask

from ..mail import compose, worker
from ..mail.outbox import UPDATE, UPDATE_TEST
from . import deciding, updates
from .cli import mailings_cli

# No routes: the blueprint brings the updates/ templates to the app's template loader.
bp = Blueprint("updates", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(mailings_cli)
    compose.register(UPDATE, updates.queued)
    compose.register(UPDATE_TEST, updates.queued_test)
    worker.register_round("subject tests", deciding.check, "SUBJECT_TEST_CHECK_SECONDS")
