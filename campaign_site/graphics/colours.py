"""Text colours that read at 4.5:1 or better (WCAG AA) on what they are drawn on."""

from __future__ import annotations

from ..look import contrast, rgb

MINIMUM = 4.5
DARK = "#212121"
LIGHT = "#ffffff"


def ratio(one: str, other: str) -> float:
    return contrast(rgb(one), rgb(other))


def readable(colour: str, under: str) -> str:
    """``colour`` when it reads on ``under``; else white or near-black, whichever reads."""
    if ratio(colour, under) >= MINIMUM:
        return colour
    return max((LIGHT, DARK, "#000000"), key=lambda c: ratio(c, under))
