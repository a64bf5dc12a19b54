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


def readable_surface(colour: str, text: str) -> str:
    """A surface for ``text``: ``colour`` itself, or darkened or lightened until it reads."""
    red, green, blue = rgb(colour)
    darker = ratio(text, LIGHT) > ratio(text, DARK)  # light text wants a darker surface
    for step in range(0, 101, 4):
        keep = 1 - step / 100
        if darker:
            shade = (red * keep, green * keep, blue * keep)
        else:
            shade = tuple(v + (255 - v) * (1 - keep) for v in (red, green, blue))
        candidate = "#{:02x}{:02x}{:02x}".format(*(round(v) for v in shade))
        if ratio(text, candidate) >= MINIMUM:
            return candidate
    return DARK if not darker else "#000000"
