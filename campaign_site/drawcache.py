"""Keep drawn charts and share graphics between builds.

Drawing is deterministic (same inputs, same bytes), so a picture can be
kept in the plugin's ``cache_dir`` (``pictures/``), keyed by everything that
shapes it: its inputs, the drawing code (charts.py and the graphics package)
and the matplotlib and Pillow versions. Live reload and rebuilds then skip
drawing; ``cache_dir: ""`` draws everything afresh.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).parent


def drawn(folder: Path | None, inputs: object, suffix: str, draw: Callable[[], bytes]) -> bytes:
    """The picture for ``inputs``: from the cache, or drawn now and kept."""
    picture = cached(folder, inputs, suffix)
    if picture is None:
        picture = draw()
        keep(folder, inputs, suffix, picture)
    return picture


def cached(folder: Path | None, inputs: object, suffix: str) -> bytes | None:
    path = cached_file(folder, inputs, suffix)
    return path.read_bytes() if path is not None else None


def cached_file(folder: Path | None, inputs: object, suffix: str) -> Path | None:
    """The kept picture's file, for a build that copies it as it is (never reading it)."""
    if folder is None:
        return None
    path = folder / f"{_key(inputs)}{suffix}"
    return path if path.is_file() else None


def keep(folder: Path | None, inputs: object, suffix: str, picture: bytes) -> None:
    if folder is None:
        return
    path = folder / f"{_key(inputs)}{suffix}"
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + f".{os.getpid()}.part")
    partial.write_bytes(picture)
    partial.replace(path)  # atomic, so a parallel build never reads half a file


def _key(inputs: object) -> str:
    digest = hashlib.sha256(_code_digest().encode())
    digest.update(repr(inputs).encode())
    return digest.hexdigest()


@functools.cache
def _code_digest() -> str:
    """Once a build: the drawing code cannot change under a running Python."""
    digest = hashlib.sha256()
    for name in ("matplotlib", "pillow"):
        digest.update(version(name).encode())
    for path in [HERE / "charts.py", *sorted((HERE / "graphics").glob("*.py"))]:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()
