"""Where this build serves a page: the path the site is under, and a page's address.

MkDocs gives a page's URL once it has read the page; the petitions manifest,
the story form and a story's call to sign name pages before (or other than)
the one being rendered, from their source file in content/.
"""

from __future__ import annotations

import posixpath
from urllib.parse import urlsplit

from .checks import page_folder


def base_path(config) -> str:
    """The path the site is served under: "/" or e.g. "/campaign/"."""
    return urlsplit(config.site_url or "/").path or "/"


def page_url(config, src_uri: str) -> str:
    """A page's URL from the site's root (without ``base_path``), as MkDocs makes it."""
    folder = page_folder(src_uri)
    if config.use_directory_urls:
        return f"{folder}/" if folder else ""
    return posixpath.splitext(src_uri)[0] + ".html"


def absolute(config, path: str) -> str:
    return (config.site_url or "/").rstrip("/") + "/" + path
