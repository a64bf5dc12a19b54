"""Signing: the form, the abuse checks, which sites may post, and the route that stores."""

from flask import Flask

from . import abuse, origins
from .routes import bp


def init_app(app: Flask) -> None:
    # Origins first: their hook runs before the rate limiter's, so a preflight is never counted.
    origins.init_app(app)
    abuse.init_app(app)
    app.register_blueprint(bp)
