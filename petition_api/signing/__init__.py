"""Signing: the form, the abuse checks, which sites may post, and the route that stores."""

from flask import Flask

from . import origins
from .routes import bp


def init_app(app: Flask) -> None:
    # Before the rate limiter's hook (create_app adds it last): a preflight is never counted.
    origins.init_app(app)
    app.register_blueprint(bp)
