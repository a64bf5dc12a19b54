"""Reading a drawn share graphic back from its pixels, for the share graphics tests."""

from __future__ import annotations

import io
from collections import Counter

from PIL import Image

from campaign_site.look import contrast


def opened(png: bytes) -> Image.Image:
    with Image.open(io.BytesIO(png)) as picture:
        assert picture.format == "PNG"
        return picture.convert("RGB")


def margins_are_background(picture: Image.Image, safe: tuple[int, int, int, int]) -> bool:
    """Every pixel outside the safe box is the background's colour (the corner's)."""
    width, height = picture.size
    left, top, right, bottom = safe
    background = picture.getpixel((0, 0))
    strips = [(0, 0, width, top), (0, bottom, width, height), (0, 0, left, height),
              (right, 0, width, height)]  # fmt: skip
    return all(set(picture.crop(strip).get_flattened_data()) == {background} for strip in strips)


def text_contrast(picture: Image.Image, box: tuple[int, int, int, int]) -> float:
    """The contrast of a text box's two commonest colours: what is under it and its ink."""
    (under, _), (ink, _) = Counter(picture.crop(box).get_flattened_data()).most_common(2)
    return contrast(under, ink)


def inside(box: tuple[int, int, int, int], safe: tuple[int, int, int, int]) -> bool:
    return safe[0] <= box[0] <= box[2] <= safe[2] and safe[1] <= box[1] <= box[3] <= safe[3]
