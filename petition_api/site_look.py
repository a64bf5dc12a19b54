"""The campaign site's name and colours, for the pages and mail the API renders itself.

The build publishes them in the petitions manifest under "site" (see
campaign_site/look.py): the name, the palette as hex colours, and where the
story form lives. Every template gets them as `look` (`look.name`,
`look.primary`, ...), so templates/base.html and the thank-you email wear the
site's header and colours with inline styles only: the API's pages keep their
Content-Security-Policy (no stylesheet from elsewhere, no script).

Where the API finds them, first found wins, re-read every LOOK_SECONDS:
1. `SITE_LOOK` in the app's config (a manifest's "site" object), for tests and
   anyone embedding the app;
2. the copy `flask petitions sync` keeps in the instance folder (`remember`),
   or at `SITE_LOOK_FILE` when the config names a file;
3. the manifest of the built site the development server serves (`SITE_DIR`);
4. otherwise the API's own plain look (DEFAULT).

Nothing read is trusted: a colour is used only as `#rrggbb`, a story address
only when it is a path on the site or an http(s) address.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app

from . import cache

LOOK_SECONDS = 30.0
KEPT_FILE = "site-look.json"
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_KEY = ("site_look",)


@dataclass(frozen=True)
class Look:
    name: str = "Groundswell"
    primary: str = "#1a5e3a"  # header band and buttons' border
    on_primary: str = "#ffffff"  # text on the primary colour
    accent: str = "#f5b400"  # focus rings and rules
    link: str = "#1a5e3a"  # links and buttons: readable on white at 4.5:1
    story_url: str = "/stories/tell/"  # a path on the site, or a full address


DEFAULT = Look()


def parse(site: object) -> Look | None:
    """The manifest's "site" object as a Look; None when it is not one."""
    if not isinstance(site, dict):
        return None
    name = site.get("name")
    name = name.strip()[:100] if isinstance(name, str) and name.strip() else DEFAULT.name
    colors = site.get("colors") if isinstance(site.get("colors"), dict) else {}
    picked = {
        key: value
        for key in ("primary", "on_primary", "accent", "link")
        if isinstance(value := colors.get(key), str) and _COLOR.match(value)
    }
    story = site.get("story_url")
    if not (isinstance(story, str) and _is_story_address(story)):
        story = DEFAULT.story_url
    return Look(name=name, story_url=story, **{k: v.lower() for k, v in picked.items()})


def read(path: Path) -> Look | None:
    """The look in a manifest (site/petitions.json) or a kept copy; None without one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return parse(data.get("site") if isinstance(data, dict) else None)


def remember(manifest_path: Path, app: Flask | None = None) -> Look | None:
    """Keep the manifest's look for the API (`flask petitions sync` calls this).

    A manifest without one (a build from before looks were published) leaves
    the kept copy as it was. Written whole, then renamed, so a reader never sees
    half a file.
    """
    app = app or current_app
    try:
        data = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    site = data.get("site") if isinstance(data, dict) else None
    found = parse(site)
    if found is None:
        return None
    target = kept_file(app)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=target.parent, prefix=".site-look-", delete=False
    ) as handle:
        json.dump({"site": site}, handle, ensure_ascii=False, indent=2)
    os.replace(handle.name, target)
    cache.of(app).forget(*_KEY)
    return found


def kept_file(app: Flask) -> Path:
    return Path(app.config.get("SITE_LOOK_FILE") or Path(app.instance_path, KEPT_FILE))


def current() -> Look:
    """The look every page and message takes now."""
    return cache.current().get(
        _KEY, lambda _: _find(current_app), cache.seconds_from_now(LOOK_SECONDS)
    )


def template_values() -> dict:
    """For every template: `look` (a context processor; see confirming/__init__.py)."""
    return {"look": current()}


def _find(app: Flask) -> Look:
    configured = app.config.get("SITE_LOOK")
    if configured is not None:
        return parse(configured) or DEFAULT
    found = read(kept_file(app))
    if found is None and app.config.get("SITE_DIR"):
        found = read(Path(app.config["SITE_DIR"], "petitions.json"))
    return found or DEFAULT


def _is_story_address(value: str) -> bool:
    if value.startswith("/") and not value.startswith("//"):
        return not any(c.isspace() for c in value)
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
