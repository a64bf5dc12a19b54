"""Development only: serve the built campaign site beside the API, on one origin.

In production a web server or CDN serves `site/` and proxies API_PATHS to the
API; see the manual, docs/pages/production.md.

A missing address under a petition's variants (`/petitions/wic/v/<name>/` that the
build did not write: a variant renamed, or ended while an ad still links to it)
is sent on to the petition page with its query (the link's `utm_` tags), so an
ad click never lands on "not found"; any other missing address gets the site's
own 404 page, as a static host answers.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask, abort, redirect, request, send_from_directory
from werkzeug.exceptions import NotFound

# What the API answers on the site's origin: its JSON, and the pages emails link to.
API_PATHS = (
    "api/",
    "confirm/",
    "confirm-story/",
    "story-permission/",
    "unsubscribe/",
    "preferences/",
)
MANIFEST = "petitions.json"  # where the build lists each petition's page
NOT_FOUND_PAGE = "404.html"


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
        try:
            return send_from_directory(root, path, max_age=0)
        except NotFound:
            return not_found(root, "/" + path.removesuffix("index.html"))


def not_found(root: Path, path: str):
    """A variant's address to its petition (302: the variant may come back); anything
    else the site's 404 page, with status 404."""
    petition = petition_of_variant(root, path)
    if petition is not None:
        query = request.query_string.decode("latin-1")
        return redirect(f"{petition}?{query}" if query else petition, code=302)
    if (root / NOT_FOUND_PAGE).is_file():
        response = send_from_directory(root, NOT_FOUND_PAGE, max_age=0)
        response.status_code = 404
        return response
    abort(404)


def petition_of_variant(root: Path, path: str) -> str | None:
    """The page of the petition whose variants ``path`` is among, as the build's
    manifest names it (`/petitions/wic/v/old/` -> `/petitions/wic/`); None otherwise."""
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        pages = [entry["page"] for entry in manifest["petitions"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no site built yet, or not one of ours: nothing to send anyone to
    for page in pages:
        if not isinstance(page, str):
            continue
        # petitions/wic/ has its variants at petitions/wic/v/...; so has petitions/wic.html.
        folder = page.removesuffix(".html") + "/" if page.endswith(".html") else page
        if path.startswith(f"{folder}v/") or path == f"{folder}v":
            return page
    return None
