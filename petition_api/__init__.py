"""Groundswell's petition API: sign, confirm, count and deliver."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import abuse, config, db, errors, origins


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(config.load())
    if test_config:
        app.config.update(test_config)
    if app.config["ENV"] == "production":
        config.check_production(app.config)
    # Flask answers 413 before reading a body larger than this.
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]
    app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MAX_BODY_BYTES"]
    app.json.sort_keys = False
    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"], x_proto=app.config["TRUSTED_PROXIES"]
        )

    db.init_app(app)
    errors.init_app(app)
    origins.init_app(app)
    abuse.init_app(app)
    _register_blueprints(app)
    from . import cli

    cli.init_app(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from . import confirming, congress, delivery, exports, facts, openapi, signing, site

    for module in (signing, confirming, facts, openapi, congress, delivery, exports):
        app.register_blueprint(module.bp)
    # On a surge everyone reloads the counter: cached answers skip Flask entirely.
    app.wsgi_app = facts.CachedFacts(app, app.wsgi_app)
    if app.config["SITE_DIR"]:
        site.init_app(app)
