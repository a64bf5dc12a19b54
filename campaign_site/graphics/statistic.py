"""A statistic's graphic: its headline number, what it says, the chart and its source.

The chart is charts.py's own drawing (the same honest axes as the page's),
redrawn by matplotlib for the box the format leaves it, at a scale that
keeps its words readable in a feed (26 to 32 px), on white like the page.
"""

from __future__ import annotations

import io

from PIL import Image

from .. import charts
from ..sharefiles import FORMATS
from . import text
from .canvas import Box, Canvas
from .colours import DARK, readable
from .kinds import Look, StatisticGraphic
from .stack import GAP, Stack

BACKGROUND = "#ffffff"
# Type sizes in px, and how much larger than the page the chart is drawn.
SIZES = {
    "card": {"small": 24, "label": 34, "number": (120, 56), "headline": (42, 26), "scale": 1.6},
    "portrait": {"small": 30, "label": 42, "number": (170, 72), "headline": (56, 32), "scale": 2.0},
    "vertical": {"small": 32, "label": 46, "number": (190, 80), "headline": (60, 34), "scale": 2.0},
}


def draw(graphic: StatisticGraphic, fmt: str, look: Look, safe: Box):
    sizes = SIZES[fmt]
    canvas = Canvas(FORMATS[fmt], BACKGROUND, full_colour=True)
    stack = Stack(canvas, safe, DARK, BACKGROUND, round(sizes["label"] * GAP))
    stack.from_bottom(stack.line(f"{look.site_name} · {graphic.address}", sizes["small"]))
    if fmt == "card":
        column = Stack(canvas, (stack.left, stack.top, stack.left + round(stack.width * 0.4),
                                stack.bottom), DARK, BACKGROUND, stack.gap)  # fmt: skip
        _words(column, graphic, sizes, look)
        chart_box = (column.right + stack.gap * 2, stack.top, stack.right, stack.bottom)
        stack.boxes += column.boxes
    else:
        _words(stack, graphic, sizes, look, source_below=True)
        chart_box = (stack.left, stack.top, stack.right, stack.bottom)
    _chart(canvas, graphic, chart_box, sizes["scale"])
    return canvas, stack.boxes


def _words(stack, graphic: StatisticGraphic, sizes: dict, look: Look, source_below=False) -> None:
    """The number and its headline from the top; the source from the bottom."""
    if graphic.chart.source:
        source = f"Source: {' '.join(graphic.chart.source.split())}"
        room = sizes["small"] * 4
        stack.from_bottom(text.fit(source, stack.width, room, sizes["small"], 16, max_lines=3))
    largest, smallest = sizes["number"]
    number = text.fit(graphic.number, stack.width, largest * 2, largest, smallest, True, 2)
    stack.from_top(number, colour=readable(look.primary, BACKGROUND))
    largest, smallest = sizes["headline"]
    room = (stack.bottom - stack.top) // (3 if source_below else 1)
    stack.from_top(text.fit(graphic.headline, stack.width, room, largest, smallest, True))


def _chart(canvas: Canvas, graphic: StatisticGraphic, box: Box, scale: float) -> None:
    width, height = box[2] - box[0], box[3] - box[1]
    variant = charts.Variant("share", "", round(width / scale), round(height / scale), None)
    series = [list(values) for values in graphic.series]
    png = charts.draw(graphic.chart, list(graphic.labels), series, variant, png_scale=scale)
    with Image.open(io.BytesIO(png)) as picture:
        picture = picture.convert("RGB")
    if picture.width > width or picture.height > height:  # bars lying down take their room
        picture.thumbnail((width, height))
    canvas.paste(picture, (box[0] + (width - picture.width) // 2, box[1]))
