"""Confirming: the emailed link's page and the button that validates a signature."""

from flask import Flask

from .. import site_look
from .routes import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    # Every page and message the API renders wears the campaign site's name and
    # colours (templates/base.html, the thank-you email): `look` in each template.
    app.context_processor(site_look.template_values)
