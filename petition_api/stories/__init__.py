"""Stories: supporters' stories, with permission, from the form to the site and to Congress."""

from flask import Flask

from ..retention import schedule as retention
from . import deleting
from .cli import stories_cli
from .permission import bp as permission_bp
from .routes import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(permission_bp)
    retention.UNCONFIRMED_ELSEWHERE["stories_deleted"] = (deleting.unconfirmed, deleting.discard)
    app.cli.add_command(stories_cli)
