"""Where a graphic is drawn, and its PNG.

Most graphics are a few flat colours and text. Encoding 1 to 2 million full
colour pixels as PNG takes 25 to 50 ms; a palette image (one byte a pixel,
no filtering) at zlib level 1 takes about 5. So a flat graphic is drawn
straight into palette indices: each pair of text colour and the colour under
it gets a ramp of ``LEVELS`` entries for the anti-aliased edges, and glyphs
are rendered as a grey mask mapped onto that ramp. A graphic with a photo or
a chart is drawn in full colour instead.
"""

from __future__ import annotations

import functools
import io

from PIL import Image, ImageDraw, ImageFont

from ..look import rgb

LEVELS = 32  # shades from the colour under text to the text's (8 pairs fit in 256)
Box = tuple[int, int, int, int]
_COVERED = bytes([0] + [255] * 255)  # a glyph's mask for paste: any ink replaces the pixel


@functools.cache
def _shades(start: int) -> bytes:
    """A glyph's coverage (0-255) to the palette index of its shade."""
    return bytes(start + round(v * (LEVELS - 1) / 255) for v in range(256))


class Canvas:
    def __init__(self, size: tuple[int, int], background: str, full_colour: bool = False):
        self.size = size
        self.full_colour = full_colour
        self._ramps: dict[tuple[str, str], int] = {}
        self._palette: list[int] = [*rgb(background)]
        if full_colour:
            self.image = Image.new("RGB", size, background)
        else:
            self.image = Image.new("P", size, 0)  # index 0: the background
        self._draw = ImageDraw.Draw(self.image)

    def fill(self, box: Box, colour: str) -> None:
        self._draw.rectangle(box, fill=self._solid(colour))

    def text(self, xy: tuple[int, int], words: str, font: ImageFont.FreeTypeFont, colour: str,
             under: str) -> Box:  # fmt: skip
        """``words`` with its baseline's left end at ``xy``; returns the pixels it covers."""
        box = self._draw.textbbox(xy, words, font=font, anchor="ls")
        if self.full_colour:
            self._draw.text(xy, words, font=font, fill=colour, anchor="ls")
            return box
        x0, y0, x1, y1 = box
        if x1 <= x0 or y1 <= y0:
            return box
        mask = Image.new("L", (x1 - x0, y1 - y0), 0)
        ImageDraw.Draw(mask).text((xy[0] - x0, xy[1] - y0), words, font=font, fill=255, anchor="ls")
        coverage = mask.tobytes()  # bytes.translate maps it in C, as point() would not
        patch = Image.frombytes(
            "P", mask.size, coverage.translate(_shades(self._ramp(colour, under)))
        )
        self.image.paste(
            patch, (x0, y0), Image.frombytes("L", mask.size, coverage.translate(_COVERED))
        )
        return box

    def paste(self, picture: Image.Image, xy: tuple[int, int]) -> None:
        if not self.full_colour:
            raise ValueError("a picture needs a full-colour canvas")
        mask = picture.getchannel("A") if picture.mode == "RGBA" else None
        self.image.paste(picture.convert("RGB"), xy, mask)

    def png(self) -> bytes:
        buffer = io.BytesIO()
        if self.full_colour:
            self.image.save(buffer, "PNG", compress_level=3)
        else:
            self.image.putpalette(self._palette)
            self.image.save(buffer, "PNG", compress_level=1)
        return buffer.getvalue()

    def _solid(self, colour: str) -> int | str:
        return colour if self.full_colour else self._ramp(colour, colour, steps=1)

    def _ramp(self, colour: str, under: str, steps: int = LEVELS) -> int:
        """The palette index of ``under``'s end of a ramp to ``colour``."""
        key = (colour, under, steps)
        if key not in self._ramps:
            start = len(self._palette) // 3
            if start + steps > 256:
                raise ValueError("too many colours for a palette graphic")
            top, bottom = rgb(colour), rgb(under)
            for step in range(steps):
                share = step / max(1, steps - 1)
                self._palette += [
                    round(b + (t - b) * share) for t, b in zip(top, bottom, strict=True)
                ]
            self._ramps[key] = start
        return self._ramps[key]
