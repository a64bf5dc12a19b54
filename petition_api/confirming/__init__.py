"""Confirming: the emailed link's page and the button that validates a signature."""

from flask import Flask

from .routes import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
