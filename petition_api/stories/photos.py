"""A supporter's photo, made safe to keep and to publish.

A photo straight from a phone carries more than its pixels. Its EXIF holds the GPS
position where it was taken, which for a photo of a family at home is where that family
lives, and the phone's make, model and the time; XMP, comments and PNG text chunks can
hold names. A file can also hide other data after or between its image data, or declare
a size that would exhaust the server's memory if it were decoded.

So a photo is never kept as it was sent. It is decoded fully, turned upright, shrunk to
what the site shows, and encoded again from its pixels alone into a new file, which
carries none of the original's metadata or hidden bytes. Its type is read from the
decoded image, never from a filename or a content type the browser sent: anyone can
set those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from PIL import Image, ImageOps

MAX_BYTES = 8 * 1024 * 1024
MAX_SIDE = 2000  # px, the longest side; more than the site ever shows
MAX_PIXELS = 40_000_000  # a 40-megapixel camera; more is what decompression bombs declare

TOO_LARGE_FILE = f"photo: the file is larger than {MAX_BYTES // (1024 * 1024)} MB."
NOT_ACCEPTED = "photo: this is not a JPEG, PNG or WebP image."
DAMAGED = "photo: the file could not be read as an image (it may be damaged)."
TOO_MANY_PIXELS = (
    f"photo: the image is too large (more than {MAX_PIXELS // 1_000_000} million pixels)."
)


class PhotoError(ValueError):
    """A photo that will not be kept; the message is a sentence for the supporter."""


@dataclass(frozen=True)
class Photo:
    """A photo ready to store and publish: pixels only, at most MAX_SIDE on a side."""

    data: bytes  # the re-encoded image
    format: str  # "jpeg", "png" or "webp": the family the upload was in
    width: int
    height: int
    extension: str
    content_type: str


@dataclass(frozen=True)
class _Family:
    format: str
    extension: str
    content_type: str
    save_options: dict[str, Any] = field(default_factory=dict)

    @property
    def pillow_format(self) -> str:
        return self.format.upper()


_JPEG = _Family("jpeg", "jpg", "image/jpeg", {"quality": 85, "progressive": True, "optimize": True})
_FAMILIES = {
    "JPEG": _JPEG,
    # Phones and cameras store a depth map or a second exposure inside some JPEGs, which
    # Pillow then calls MPO; to everyone else they are JPEGs, and only the first picture
    # is kept.
    "MPO": _JPEG,
    "PNG": _Family("png", "png", "image/png", {"optimize": True}),
    "WEBP": _Family("webp", "webp", "image/webp", {"quality": 85}),
}
# Only these decoders ever see an upload's bytes: each one more is more parser to attack.
_DECODERS = ("JPEG", "PNG", "WEBP")
# Formats people do send by mistake, worth naming in the refusal; each has a signature
# Pillow checks, so random bytes are hardly ever taken for one of them.
_REFUSED_KINDS = ("GIF", "BMP", "TIFF", "AVIF", "ICO", "JPEG2000", "PSD")


def process(data: bytes) -> Photo:
    """Return the photo in `data` re-encoded without metadata, or raise PhotoError."""
    if len(data) > MAX_BYTES:
        raise PhotoError(TOO_LARGE_FILE)
    img = _open(data)
    family = _FAMILIES[img.format]
    pixels = _from_pixels(_fit(_upright(img), family))
    return Photo(
        data=_encode(pixels, family),
        format=family.format,
        width=pixels.width,
        height=pixels.height,
        extension=family.extension,
        content_type=family.content_type,
    )


def _open(data: bytes) -> Image.Image:
    """Read the header only: the type and the size, before any pixel is decoded."""
    try:
        img = Image.open(BytesIO(data), formats=_DECODERS)
    # Pillow refuses on its own above twice its own (higher) limit. Above that limit it only
    # warns, which raises only where warnings are errors (the tests); elsewhere the check
    # below refuses the image.
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(TOO_MANY_PIXELS) from None
    except Image.UnidentifiedImageError:
        raise PhotoError(NOT_ACCEPTED if _another_kind_of_image(data) else DAMAGED) from None
    except Exception:  # a header broken in a way Pillow did not foresee
        raise PhotoError(DAMAGED) from None
    if img.width * img.height > MAX_PIXELS:
        raise PhotoError(TOO_MANY_PIXELS)
    return img


def _another_kind_of_image(data: bytes) -> bool:
    """Is this an image we do not take (so the supporter should convert it), not a broken one?"""
    # HEIC, the iPhone's own format (and AVIF, and video) start with an ISO "ftyp" box;
    # Pillow cannot read HEIC, but the supporter can export it as a JPEG.
    if data[4:8] == b"ftyp":
        return True
    try:
        with Image.open(BytesIO(data), formats=_REFUSED_KINDS):
            return True
    except Exception:  # only the choice of message depends on this
        return False


def _upright(img: Image.Image) -> Image.Image:
    """Decode every pixel, and turn the image the way the EXIF orientation says."""
    try:
        # A large JPEG can be decoded straight at 1/2, 1/4 or 1/8 scale, never below
        # MAX_SIDE on either side: much the same result for a fraction of the memory.
        img.draft(None, (MAX_SIDE, MAX_SIDE))
        img.load()  # every byte of image data, so a damaged file fails here, not later
        # Once the metadata is dropped, orientation is lost: it must be applied first.
        ImageOps.exif_transpose(img, in_place=True)
    # Pillow's decoders and its EXIF parser raise OSError, SyntaxError, struct.error,
    # IndexError and more on malformed input (and warnings, where they are errors);
    # to the supporter all of them mean one thing.
    except Exception:
        raise PhotoError(DAMAGED) from None
    return img


def _fit(img: Image.Image, family: _Family) -> Image.Image:
    """Convert to a mode the family writes well, and shrink to at most MAX_SIDE."""
    if img.mode.startswith("I"):
        # 16-bit grey (PNG): scale to 8 bits; converting directly would clip it to white.
        img = img.convert("I").point(lambda value: value / 256).convert("L")
    # JPEG has no transparency; PNG and WebP keep theirs (including a palette's).
    keep_alpha = family.format != "jpeg" and img.has_transparency_data
    mode = "RGBA" if keep_alpha else "RGB"
    if img.mode != mode:
        img = img.convert(mode)
    img.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return img


def _from_pixels(img: Image.Image) -> Image.Image:
    """A new image holding the pixels and nothing else.

    Not a copy: Pillow's encoders fall back to the source's `info` for some metadata
    (a JPEG's comment, a PNG's ICC profile), and a new image has no `info` at all.
    """
    return Image.frombytes(img.mode, img.size, img.tobytes())


def _encode(img: Image.Image, family: _Family) -> bytes:
    out = BytesIO()
    img.save(out, family.pillow_format, **family.save_options)
    return out.getvalue()
