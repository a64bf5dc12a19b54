"""Share graphics: a petition's, a statistic's or a story's picture, drawn with Pillow.

``draw(graphic, fmt, look)`` draws one of the formats in sharefiles.FORMATS
and returns the PNG, its alt text and the pixels each piece of text covers
(``text_boxes``, which the tests hold inside ``safe_box``). Every text is
fitted by measurement (text.py), drawn in a colour that reads at 4.5:1 on
what is under it (colours.py), with a font that has its characters
(fonts.py). The alt text always carries every word in full, so text the
picture shortened with "…" is still there for those who hear it.
"""

from __future__ import annotations

from . import layouts
from .kinds import (
    Drawn,
    Graphic,
    Look,
    PetitionGraphic,
    SiteGraphic,
    StatisticGraphic,
    StoryGraphic,
    alt_text,
    safe_box,
)

__all__ = [
    "Drawn",
    "Graphic",
    "Look",
    "PetitionGraphic",
    "SiteGraphic",
    "StatisticGraphic",
    "StoryGraphic",
    "alt_text",
    "draw",
    "safe_box",
]


def draw(graphic: Graphic, fmt: str, look: Look) -> Drawn:
    """The graphic in format ``fmt`` (sharefiles.FORMATS) as a PNG, with its alt text."""
    canvas, boxes = layouts.draw(graphic, fmt, look, safe_box(fmt))
    return Drawn(canvas.png(), alt_text(graphic, look), boxes)
