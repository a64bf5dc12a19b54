"""Pieces of text stacked in a box: what every layout (layouts.py, statistic.py) places with."""

from __future__ import annotations

from . import text
from .canvas import Box, Canvas
from .colours import readable

GAP = 0.5  # the space between pieces, in lines of label text


class Stack:
    """Pieces of text placed from the top and the bottom of a box, in one colour."""

    def __init__(self, canvas: Canvas, safe: Box, colour: str, under: str, gap: int):
        self.canvas, self.colour, self.under, self.gap = canvas, colour, under, gap
        self.left, self.top, self.right, self.bottom = safe
        self.boxes: list[Box] = []

    @property
    def width(self) -> int:
        return self.right - self.left

    def from_top(self, block: text.Block, colour: str | None = None) -> None:
        self._place(block, self.top, colour)
        self.top += block.height + self.gap

    def from_bottom(self, block: text.Block, colour: str | None = None) -> None:
        self.bottom -= block.height
        self._place(block, self.bottom, colour)
        self.bottom -= self.gap

    def centred(self, block: text.Block, colour: str | None = None) -> None:
        """In the middle of the room left (the block was fitted to it)."""
        self._place(block, self.top + max(0, (self.bottom - self.top - block.height) // 2), colour)

    def line(self, words: str, size: int, bold: bool = False) -> text.Block:
        return text.fit(words, self.width, size * 2, size, max(14, size * 2 // 3), bold, 1)

    def _place(self, block: text.Block, y: int, colour: str | None) -> None:
        ink = readable(colour or self.colour, self.under)
        self.boxes += text.draw(self.canvas, block, (self.left, y), ink, self.under)
