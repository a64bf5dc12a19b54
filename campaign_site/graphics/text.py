"""Text fitted to a box by measuring it: wrapped, sized, shortened only with an ellipsis.

A block of text gets the largest type size, from ``largest`` down to
``smallest``, at which its lines fit the box's width and height as the font
draws them (``getbbox``, so no glyph pokes out). Lines break between words,
and between any two Chinese, Japanese or Korean characters, which need no
spaces. When even the smallest size needs more lines than the box holds, the
last line that fits ends with "…" and the graphic's alt text says it all.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from . import fonts
from .canvas import Box, Canvas

ELLIPSIS = "…"
LEADING = 1.22  # line height as a multiple of the type size
# Room kept at a line's right end for glyphs drawn past their advance and for the
# nudge a glyph reaching left of its origin gets (``draw``).
_OVERHANG = 6
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_TOKENS = re.compile(rf"\s+|[{_CJK}]|[^\s{_CJK}]+")


@dataclass(frozen=True)
class Block:
    """Lines of text at one size, ready to draw."""

    lines: tuple[str, ...]
    size: int
    bold: bool
    shortened: bool

    @property
    def line_height(self) -> int:
        return round(self.size * LEADING)

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)


@functools.lru_cache(maxsize=16384)
def width(words: str, size: int, bold: bool) -> float:
    return sum(fonts.face(f, size).getlength(run) for run, f in fonts.runs(words, bold))


def fit(words: str, box_width: int, box_height: int, largest: int, smallest: int,
        bold: bool = False, max_lines: int | None = None) -> Block:  # fmt: skip
    """The largest size at which ``words`` fits the box, else the smallest, shortened."""
    words = " ".join(words.split())
    box_width -= _OVERHANG

    def fitted(size: int) -> Block | None:
        lines = wrap(words, box_width, size, bold)
        return Block(tuple(lines), size, bold, False) if len(lines) <= _room(size) else None

    def _room(size: int) -> int:
        room = max(1, box_height // round(size * LEADING))
        return min(room, max_lines) if max_lines else room

    best = fitted(smallest)
    if best is None:
        lines = _shorten(wrap(words, box_width, smallest, bold), _room(smallest), box_width,
                         smallest, bold)  # fmt: skip
        return Block(tuple(lines), smallest, bold, shortened=True)
    low, high = smallest + 1, largest  # the largest size that fits, by halving
    while low <= high:
        middle = (low + high) // 2
        block = fitted(middle)
        if block is None:
            high = middle - 1
        else:
            best, low = block, middle + 1
    return best


def wrap(words: str, box_width: int, size: int, bold: bool) -> list[str]:
    """Lines no wider than ``box_width``. A line's width is the sum of its words' (each
    measured once): spaces part them, so no kerning pair spans two words."""
    lines: list[str] = []
    line, used = "", 0.0
    for token in _TOKENS.findall(words):
        if token.isspace():
            if line:
                line, used = line + " ", used + width(" ", size, bold)
            continue
        wide = width(token, size, bold)
        if used + wide <= box_width:
            line, used = line + token, used + wide
            continue
        if line.strip():
            lines.append(line.rstrip())
        line, used = "", 0.0
        if wide <= box_width:
            line, used = token, wide
            continue
        # A word wider than the box is broken between its letters.
        for character in token:
            if line and width(line + character, size, bold) > box_width:
                lines.append(line)
                line = ""
            line += character
        used = width(line, size, bold)
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _shorten(lines: list[str], room: int, box_width: int, size: int, bold: bool) -> list[str]:
    kept = lines[:room]
    last = kept[-1]
    while last and width(last.rstrip(" ,.;:") + ELLIPSIS, size, bold) > box_width:
        last = last[:-1]
    kept[-1] = last.rstrip(" ,.;:") + ELLIPSIS
    return kept


def draw(canvas: Canvas, block: Block, xy: tuple[int, int], colour: str, under: str,
         align_width: int | None = None) -> list[Box]:  # fmt: skip
    """Draw the block with its first line's top at ``xy``; returns each line's pixels.
    ``align_width``: centre each line in that width instead of starting at x."""
    boxes = []
    x, top = xy
    for number, line in enumerate(block.lines):
        baseline = top + number * block.line_height + round(block.size * 0.95)
        left = x
        if align_width is not None:
            left = x + round((align_width - width(line, block.size, block.bold)) / 2)
        # A glyph may reach left of where its advance starts (a "j", an italic): never
        # past the margin.
        first, path = fonts.runs(line, block.bold)[0]
        left += max(0, -fonts.face(path, block.size).getbbox(first, anchor="ls")[0])
        for run, path in fonts.runs(line, block.bold):
            font = fonts.face(path, block.size)
            boxes.append(canvas.text((round(left), baseline), run, font, colour, under))
            left += font.getlength(run)
    return [box for box in boxes if box[2] > box[0]]
