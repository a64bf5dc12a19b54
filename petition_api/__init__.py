"""Groundswell's petition API: sign, confirm, count and deliver.

Feature packages (signing, confirming, counting, mail, updates, bounces,
petitions, congress, delivery, exports, reports, staff) sit on shared
infrastructure (config, db, cache, errors, models, openapi); each feature's
`init_app` brings its routes, CLI and templates. The manual's
docs/pages/architecture.md has the map.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


# Imports live in the functions, as in Flask's tutorial app: importing a shared
# module such as petition_api.states (the campaign site does) stays cheap.
def create_app(test_config: dict | None = None) -> Flask:
    from flask import Flask
    from werkzeug.middleware.proxy_fix import ProxyFix

    from . import config, db, errors, headers, migrating, openapi, production, ratelimits

    if not test_config:
        production.check_served()
    settings = {**config.load(), **(test_config or {})}
    app = Flask(__name__, instance_relative_config=True, instance_path=_instance_path(settings))
    app.config.update(settings)
    if app.config["ENV"] == "production":
        production.check_production(app.config)
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
    headers.init_app(app)
    migrating.init_app(app)
    app.register_blueprint(openapi.bp)
    _add_features(app)
    ratelimits.init_app(app)  # after the origin check, so a preflight is never counted
    if app.config["SITE_DIR"]:
        from . import site

        site.init_app(app)
    return app


def _instance_path(settings: dict) -> str | None:
    """Flask's instance folder (the kept site look, story photos, update previews):
    INSTANCE_DIR, made absolute as Flask requires; unset, Flask's own `instance/`."""
    return os.path.abspath(settings["INSTANCE_DIR"]) if settings.get("INSTANCE_DIR") else None


def _add_features(app: Flask) -> None:
    from . import (
        audiences,
        bounces,
        confirming,
        congress,
        console,
        counting,
        delivery,
        exports,
        invalidation,
        mail,
        petitions,
        reports,
        retention,
        signing,
        staff,
        stories,
        supporters,
        updates,
    )

    for feature in (
        signing,
        confirming,
        counting,
        congress,
        mail,
        updates,
        bounces,
        petitions,
        delivery,
        exports,
        invalidation,
        retention,
        staff,
        supporters,
        audiences,
        stories,
        reports,
        console,
    ):
        feature.init_app(app)
