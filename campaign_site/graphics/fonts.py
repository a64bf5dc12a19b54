"""The fonts share graphics are drawn with, and which one draws each character.

DejaVu Sans comes inside matplotlib (found without importing it, which takes
seconds); it covers Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew and
Arabic. Chinese, Japanese and Korean come from a system font, the same
Debian packages the petition packets use (``make test-deps`` installs
fonts-wqy-microhei). Text is cut into runs, each drawn with the first font
that has all of its characters, so a name in any script these cover shows
its letters, never empty boxes.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont
from PIL import ImageFont

CJK_FONTS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)


def _dejavu(name: str) -> Path:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib (which carries the DejaVu fonts) is not installed")
    return Path(spec.submodule_search_locations[0], "mpl-data", "fonts", "ttf", name)


@functools.cache
def families(bold: bool) -> tuple[Path, ...]:
    """The fonts to try, in order: DejaVu first, then the CJK font if there is one."""
    first = _dejavu("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    return (first, *[p for p in CJK_FONTS if p.is_file()][:1])


@functools.cache
def _characters(path: Path) -> frozenset[int]:
    font = TTCollection(str(path)).fonts[0] if path.suffix == ".ttc" else TTFont(str(path))
    return frozenset(font.getBestCmap())


@functools.cache
def face(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def covers(path: Path, character: str) -> bool:
    return character.isspace() or ord(character) in _characters(path)


@functools.lru_cache(maxsize=4096)
def runs(text: str, bold: bool) -> tuple[tuple[str, Path], ...]:
    """``text`` cut where the font that draws it changes (spaces stay with their run)."""
    fonts = families(bold)
    if _characters(fonts[0]).issuperset(map(ord, text)):
        return ((text, fonts[0]),)  # the usual case, at the cost of one set operation
    cut: list[tuple[str, Path]] = []
    for character in text:
        font = next((f for f in fonts if covers(f, character)), fonts[0])
        if character.isspace() and cut:
            font = cut[-1][1]
        if cut and cut[-1][1] == font:
            cut[-1] = (cut[-1][0] + character, font)
        else:
            cut.append((character, font))
    return tuple(cut)
