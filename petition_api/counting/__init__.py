"""Counting: confirmed signatures folded into cached public counts, and the public facts."""

from flask import Flask

from .facts import CachedFacts, bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    # On a surge everyone reloads the counter: cached answers skip Flask entirely.
    app.wsgi_app = CachedFacts(app)
