"""Where build.py builds before it puts the site in place: ``.site.building/site``
beside ``site/``, so a failed build leaves the running site as it was.

The fresh site keeps the final folder's name inside a folder of its own, and
messages name the final folder (``final``): an editor reads "site/about/index.html".
"""

from __future__ import annotations

from pathlib import Path


def staging(final: Path) -> Path:
    """The folder a build of ``final`` writes into."""
    return final.with_name(f".{final.name}.building") / final.name


def final(site_dir: str) -> str:
    """The site folder a build in ``site_dir`` is for: itself unless it is a staging one."""
    path = Path(site_dir)
    if path.parent.name == f".{path.name}.building":
        return str(path.parent.with_name(path.name))
    return site_dir
