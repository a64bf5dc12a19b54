"""Development only: serve the built campaign site beside the API, on one origin.

In production a web server or CDN serves `site/` and proxies API_PATHS to the
API; see the manual, docs/pages/production.md.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, abort, redirect, send_from_directory

# What the API answers on the site's origin: its JSON, and the pages emails link to.
API_PATHS = (
    "api/",
    "confirm/",
    "confirm-story/",
    "story-permission/",
    "unsubscribe/",
    "preferences/",
)


def init_app(app: Flask) -> None:
    root = Path(app.config["SITE_DIR"]).resolve()

    @app.get("/", defaults={"path": ""})
    @app.get("/<path:path>")
    def site_file(path: str):
        if path.startswith(API_PATHS):
            abort(404)
        target = root / path
        if target.is_dir():
            if path and not path.endswith("/"):
                return redirect(f"/{path}/", code=308)  # so relative links resolve
            path = f"{path.rstrip('/')}/index.html".lstrip("/")
        return send_from_directory(root, path, max_age=0)
