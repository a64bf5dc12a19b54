"""Keep drawn charts and share cards between builds.

Drawing is deterministic (same inputs, same bytes), so a picture can be
kept in the plugin's ``cache_dir`` (``pictures/``), keyed by everything that
shapes it: its inputs, the drawing code and the matplotlib version. Live
reload and rebuilds then skip matplotlib, which takes seconds to import and
draw. ``cache_dir: ""`` draws everything afresh.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

_DRAWING_CODE = ("charts.py", "sharecard.py")


def drawn(folder: Path | None, inputs: object, suffix: str, draw: Callable[[], bytes]) -> bytes:
    """The picture for ``inputs``: from the cache, or drawn now and kept."""
    if folder is None:
        return draw()
    path = folder / f"{_key(inputs)}{suffix}"
    if path.is_file():
        return path.read_bytes()
    picture = draw()
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + f".{os.getpid()}.part")
    partial.write_bytes(picture)
    partial.replace(path)  # atomic, so a parallel build never reads half a file
    return picture


def _key(inputs: object) -> str:
    digest = hashlib.sha256(repr(inputs).encode())
    digest.update(version("matplotlib").encode())
    here = Path(__file__).parent
    for name in _DRAWING_CODE:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()
