"""Where each piece of a graphic goes, for each format.

Every layout works inside the format's safe box (kinds.safe_box): the
fixed-size pieces (the site's name, the address, a button) are placed
first, from the top and the bottom, and the headline or quote is fitted to
the room left between them, then centred in it so no half of the picture
stands empty. A photo or a chart is not text and may run to the edges.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps

from ..sharefiles import FORMATS
from . import statistic, text
from .canvas import Box, Canvas
from .colours import readable
from .kinds import Graphic, Look, PetitionGraphic, SiteGraphic, StatisticGraphic, StoryGraphic
from .stack import GAP, Stack

# Type sizes in px: small print, labels, and the headline's largest and smallest.
SIZES = {
    "card": {"small": 26, "label": 34, "headline": (78, 36), "mark": 120},
    "portrait": {"small": 32, "label": 42, "headline": (96, 44), "mark": 170},
    "vertical": {"small": 34, "label": 46, "headline": (104, 48), "mark": 190},
}


def draw(graphic: Graphic, fmt: str, look: Look, safe: Box) -> tuple[Canvas, list[Box]]:
    if isinstance(graphic, StatisticGraphic):
        return statistic.draw(graphic, fmt, look, safe)
    if isinstance(graphic, StoryGraphic):
        return _story(graphic, fmt, look, safe)
    return _petition(graphic, fmt, look, safe)


def _petition(graphic: PetitionGraphic | SiteGraphic, fmt: str, look: Look, safe: Box):
    sizes = SIZES[fmt]
    logo = _logo(look)
    canvas = Canvas(FORMATS[fmt], look.primary, full_colour=logo is not None)
    stack = Stack(canvas, safe, look.on_primary, look.primary, round(sizes["label"] * GAP))
    _header(stack, look, logo, sizes)
    stack.from_bottom(stack.line(graphic.address, sizes["small"]))
    if isinstance(graphic, PetitionGraphic):
        _button(stack, graphic.call, look.accent, sizes["label"])
        stack.from_bottom(stack.line(f"Goal: {graphic.goal:,} signatures", sizes["label"]))
    largest, smallest = sizes["headline"]
    room = stack.bottom - stack.top
    stack.centred(text.fit(graphic.headline, stack.width, room, largest, smallest, bold=True))
    return canvas, stack.boxes


def _story(graphic: StoryGraphic, fmt: str, look: Look, safe: Box):
    sizes = SIZES[fmt]
    width, height = FORMATS[fmt]
    canvas = Canvas((width, height), look.primary, full_colour=graphic.photo is not None)
    left, top, right, bottom = safe
    if graphic.photo is not None:
        # The photo runs to the edges: beside the quote on a card, above it otherwise.
        if fmt == "card":
            photo_box = (round(width * 0.6), 0, width, height)
            right = photo_box[0] - left
        else:
            photo_box = (0, 0, width, round(height * 0.42))
            top = photo_box[3] + left // 2
        _photo(canvas, graphic.photo, photo_box)
    stack = Stack(canvas, (left, top, right, bottom), look.on_primary, look.primary,
                  round(sizes["label"] * GAP))  # fmt: skip
    stack.from_bottom(stack.line(graphic.address, sizes["small"]))
    stack.from_bottom(stack.line(look.site_name, sizes["small"], bold=True))
    if graphic.teller:
        teller = f"— {graphic.teller}"
        stack.from_bottom(text.fit(teller, stack.width, sizes["label"] * 3, sizes["label"],
                                   sizes["small"], max_lines=2))  # fmt: skip
    mark = text.fit("“", stack.width, sizes["mark"], sizes["mark"], sizes["mark"], bold=True)
    empty = round(sizes["mark"] * 0.45)  # the mark's lower half is empty
    above = mark.height + stack.gap - empty  # what the mark takes above the quote
    largest, smallest = sizes["headline"]
    room = stack.bottom - stack.top - above
    quote = text.fit(graphic.quote, stack.width, room, round(largest * 0.8), smallest * 3 // 4)
    # The mark stays on the quote's first line: the two are centred together.
    stack.top += max(0, (room - quote.height) // 2)
    stack.from_top(mark, colour=look.accent)
    stack.top -= empty
    stack.from_top(quote)
    return canvas, stack.boxes


def _header(stack: Stack, look: Look, logo: Image.Image | None, sizes: dict) -> None:
    """The site's name at the top left, the logo (if any) at the top right."""
    name = stack.line(look.site_name, sizes["label"], bold=True)
    if logo is not None:
        side = name.height
        logo = ImageOps.contain(logo, (side * 3, side))
        stack.canvas.paste(logo, (stack.right - logo.width, stack.top))
        name = text.fit(look.site_name, stack.width - logo.width - stack.gap, name.height,
                        sizes["label"], sizes["small"], True, 1)  # fmt: skip
    stack.from_top(name)


def _button(stack: Stack, call: str, colour: str, size: int) -> None:
    """The call to act on a button in the accent colour, in words that read on it."""
    pad = size // 2
    label = text.fit(call, stack.width - 2 * pad, size * 2, size, size * 2 // 3, True, 1)
    wide = round(text.width(label.lines[0], label.size, True)) + 2 * pad
    box = (stack.left, stack.bottom - label.height - 2 * pad // 2 * 2, stack.left + wide,
           stack.bottom)  # fmt: skip
    stack.canvas.fill(box, colour)
    ink = readable(stack.colour, colour)
    y = box[1] + (box[3] - box[1] - label.height) // 2
    stack.boxes += text.draw(stack.canvas, label, (stack.left + pad, y), ink, colour)
    stack.bottom = box[1] - stack.gap


def _logo(look: Look) -> Image.Image | None:
    if not look.logo or not look.logo.lower().endswith((".png", ".jpg", ".jpeg")):
        return None
    with Image.open(look.logo) as picture:
        return picture.convert("RGBA")


def _photo(canvas: Canvas, photo: bytes, box: Box) -> None:
    with Image.open(io.BytesIO(photo)) as picture:
        picture = ImageOps.exif_transpose(picture)
        fitted = ImageOps.fit(picture.convert("RGB"), (box[2] - box[0], box[3] - box[1]))
    canvas.paste(fitted, box[:2])
