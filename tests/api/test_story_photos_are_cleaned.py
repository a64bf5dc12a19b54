"""A supporter's photo is kept only as clean pixels: no metadata, upright, of a sane size,
and anything that is not a readable JPEG, PNG or WebP is refused with a sentence."""

from __future__ import annotations

import random
import struct
import zlib
from io import BytesIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile
from PIL.PngImagePlugin import PngInfo

from petition_api.stories import photos
from petition_api.stories.photos import MAX_BYTES, Photo, PhotoError, process

GPS_IFD = 0x8825
MAKE, MODEL, ORIENTATION = 0x010F, 0x0110, 0x0112
ROTATED_90_CLOCKWISE = 6  # how a phone held upright stores its photo
RED, BLUE = (255, 0, 0), (0, 0, 255)


def encoded(img: Image.Image, fmt: str, **options) -> bytes:
    out = BytesIO()
    img.save(out, fmt, **options)
    return out.getvalue()


def opened(photo: Photo) -> Image.Image:
    img = Image.open(BytesIO(photo.data))
    img.load()
    return img


def a_picture(size=(300, 200), mode="RGB") -> Image.Image:
    """Blue, with a red block in the top left corner, to see which way it comes back."""
    img = Image.new(mode, size, BLUE)
    img.paste(RED, (0, 0, 60, 40))
    return img


def looks_like(colour, pixel) -> bool:
    """Equal but for what lossy compression changes."""
    return all(abs(a - b) < 40 for a, b in zip(colour, pixel, strict=True))


def noisy_picture(size=(300, 200)) -> Image.Image:
    """Noise does not compress: a file big enough to cut in half meaningfully."""
    return Image.effect_noise(size, 64).convert("RGB")


def exif_from_a_phone() -> Image.Exif:
    exif = Image.Exif()
    exif[MAKE] = "Acme"
    exif[MODEL] = "Phone 9"
    exif[ORIENTATION] = ROTATED_90_CLOCKWISE
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"  # GPSLatitudeRef
    gps[2] = (40.0, 26.0, 46.0)  # GPSLatitude
    gps[3] = "W"  # GPSLongitudeRef
    gps[4] = (79.0, 58.0, 56.0)  # GPSLongitude
    return exif


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height, with no pixel data behind it.

    Decoding it would fail (and say "damaged"); only a check made before decoding
    can tell the supporter it is too large.
    """
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grey

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    idat = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


@pytest.fixture
def nothing_is_decoded(monkeypatch):
    """Fail the test if any image's pixels are decoded."""
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda img: decoded.append(img))
    yield
    assert decoded == []


def test_a_photo_with_gps_comes_back_without_any_metadata():
    upload = encoded(
        a_picture(),
        "JPEG",
        exif=exif_from_a_phone(),
        comment=b"our house on Elm Street",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Ana Lopez</x:xmpmeta>',
    )
    assert b"Acme" in upload and b"Elm Street" in upload  # the upload does carry them

    photo = process(upload)
    img = opened(photo)

    assert photo.format == "jpeg" and img.format == "JPEG"
    assert not img.getexif()
    assert not img.getexif().get_ifd(GPS_IFD)
    assert {"exif", "xmp", "comment", "icc_profile"}.isdisjoint(img.info)
    for secret in (b"Exif", b"Acme", b"Phone 9", b"Elm Street", b"Ana Lopez", b"xmpmeta"):
        assert secret not in photo.data


def test_a_photo_taken_with_the_phone_upright_comes_back_upright():
    upload = encoded(a_picture(size=(300, 200)), "JPEG", exif=exif_from_a_phone())

    photo = process(upload)
    img = opened(photo).convert("RGB")

    assert (photo.width, photo.height) == (200, 300) == img.size
    # Turned a quarter clockwise, the red top left corner is now the top right one.
    assert looks_like(RED, img.getpixel((190, 10)))
    assert looks_like(BLUE, img.getpixel((10, 10)))


def test_a_png_with_text_chunks_comes_back_without_them():
    info = PngInfo()
    info.add_text("Author", "Ana Lopez")
    info.add_text("Location", "12 Elm Street", zip=True)
    info.add_itxt("Comment", "taken at home")
    upload = encoded(a_picture(), "PNG", pnginfo=info)

    photo = process(upload)
    img = opened(photo)

    assert (photo.format, photo.extension, photo.content_type) == ("png", "png", "image/png")
    assert img.text == {}
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP"):
        assert chunk not in photo.data


def test_a_png_with_transparency_keeps_it():
    picture = a_picture(mode="RGBA")
    picture.putpixel((299, 199), (0, 0, 0, 0))

    img = opened(process(encoded(picture, "PNG")))

    assert img.mode == "RGBA"
    assert img.getpixel((299, 199))[3] == 0


def test_a_webp_photo_is_accepted_without_its_metadata():
    upload = encoded(a_picture(), "WEBP", exif=exif_from_a_phone(), quality=90)

    photo = process(upload)
    img = opened(photo)

    assert (photo.format, photo.extension, photo.content_type) == ("webp", "webp", "image/webp")
    assert img.format == "WEBP"
    assert (photo.width, photo.height) == (200, 300)  # orientation applied
    assert not img.getexif()
    assert b"EXIF" not in photo.data and b"Acme" not in photo.data


def test_a_jpeg_comes_back_as_the_jpeg_the_site_expects():
    photo = process(encoded(a_picture(), "JPEG", quality=95))

    assert (photo.format, photo.extension, photo.content_type) == ("jpeg", "jpg", "image/jpeg")
    assert opened(photo).info.get("progressive") == 1


def test_a_phone_photo_with_a_second_picture_inside_comes_back_as_one_jpeg():
    depth_map = Image.new("RGB", (300, 200), (128, 128, 128))
    upload = encoded(a_picture(), "MPO", save_all=True, append_images=[depth_map])
    assert Image.open(BytesIO(upload)).format == "MPO"

    photo = process(upload)
    img = opened(photo)

    assert photo.format == "jpeg" and img.format == "JPEG"
    assert getattr(img, "n_frames", 1) == 1


def test_an_animated_webp_comes_back_as_its_first_frame():
    first, second = a_picture(), Image.new("RGB", (300, 200), (0, 255, 0))
    upload = encoded(first, "WEBP", save_all=True, append_images=[second], lossless=True)

    img = opened(process(upload))

    assert getattr(img, "n_frames", 1) == 1
    assert looks_like(RED, img.convert("RGB").getpixel((10, 10)))


def test_a_large_photo_comes_back_at_most_2000_pixels_on_its_longest_side():
    photo = process(encoded(a_picture(size=(5000, 3000)), "JPEG"))

    assert (photo.width, photo.height) == (2000, 1200)
    assert opened(photo).size == (2000, 1200)


def test_a_tall_large_png_keeps_its_shape():
    photo = process(encoded(a_picture(size=(1000, 4000)), "PNG"))

    assert (photo.width, photo.height) == (500, 2000)


def test_a_small_photo_is_not_enlarged():
    photo = process(encoded(a_picture(size=(640, 480)), "JPEG"))

    assert (photo.width, photo.height) == (640, 480)


def test_a_16_bit_grey_png_keeps_its_greys():
    upload = encoded(Image.new("I;16", (40, 30), 32768), "PNG")

    red, green, blue = opened(process(upload)).convert("RGB").getpixel((0, 0))

    assert 120 <= red <= 136 and red == green == blue  # mid-grey, not clipped to white


def test_a_cmyk_jpeg_comes_back_in_rgb():
    photo = process(encoded(Image.new("CMYK", (40, 30), (0, 255, 255, 0)), "JPEG"))

    assert opened(photo).mode == "RGB"


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_other_kinds_of_image_are_refused(fmt):
    with pytest.raises(PhotoError) as refused:
        process(encoded(a_picture(), fmt))

    assert str(refused.value) == "photo: this is not a JPEG, PNG or WebP image."


def test_an_iphone_heic_photo_is_refused_as_another_kind_of_image():
    # The first box of a HEIC file; Pillow cannot read the rest, the supporter can convert it.
    upload = struct.pack(">I", 24) + b"ftypheic" + b"\0\0\0\0" + b"mif1heic" + b"\0" * 200

    with pytest.raises(PhotoError, match="not a JPEG, PNG or WebP image"):
        process(upload)


@pytest.mark.parametrize(
    "upload",
    [
        random.Random(1).randbytes(4096),
        b"",
        b"<?php system($_GET['c']); ?>",
        b"\xff" * MAX_BYTES,  # exactly at the size limit: read, not refused for its size
    ],
    ids=["random bytes", "empty", "a script", "8 MB of nothing"],
)
def test_a_file_that_is_not_an_image_is_refused_as_damaged(upload):
    with pytest.raises(PhotoError) as refused:
        process(upload)

    assert str(refused.value) == (
        "photo: the file could not be read as an image (it may be damaged)."
    )


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_photo_cut_off_halfway_is_refused_as_damaged(fmt):
    whole = encoded(noisy_picture(), fmt)

    with pytest.raises(PhotoError, match=r"could not be read as an image \(it may be damaged\)"):
        process(whole[: len(whole) // 2])


def test_a_file_over_8_mb_is_refused():
    with pytest.raises(PhotoError) as refused:
        process(b"\xff" * (MAX_BYTES + 1))

    assert str(refused.value) == "photo: the file is larger than 8 MB."


def test_a_decompression_bomb_is_refused_without_being_decoded(nothing_is_decoded):
    # 20000 x 20000 is 400 million pixels: more than Pillow itself would open.
    upload = png_declaring(20000, 20000)
    assert len(upload) < 200

    with pytest.raises(PhotoError) as refused:
        process(upload)

    assert str(refused.value) == "photo: the image is too large (more than 40 million pixels)."


def test_an_image_just_over_our_pixel_limit_is_refused_without_being_decoded(nothing_is_decoded):
    # 7000 x 6000 is 42 million pixels: under Pillow's limit, over ours. One bit a pixel,
    # all black: a few kilobytes of PNG.
    upload = encoded(Image.new("1", (7000, 6000)), "PNG")
    assert len(upload) < 20_000

    with pytest.raises(PhotoError, match=r"too large \(more than 40 million pixels\)"):
        process(upload)


def test_an_image_declaring_a_huge_size_is_refused_as_too_large_not_as_damaged():
    with pytest.raises(PhotoError, match="too large"):
        process(png_declaring(8000, 6000))


def test_a_photo_error_is_a_value_error_for_the_form_to_show():
    assert issubclass(PhotoError, ValueError)
    with pytest.raises(ValueError, match=r"^photo: "):
        process(b"not an image")


def test_a_photo_is_immutable():
    photo = process(encoded(a_picture(), "PNG"))

    with pytest.raises(AttributeError):
        photo.width = 1  # type: ignore[misc]


SMALL_UPLOADS = {
    fmt: encoded(noisy_picture(size=(48, 32)), fmt, exif=exif_from_a_phone())
    for fmt in ("JPEG", "PNG", "WEBP")
}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from(sorted(SMALL_UPLOADS)),
    changes=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=8),
    cut=st.one_of(st.none(), st.integers(min_value=0)),
)
def test_a_damaged_photo_of_any_kind_is_refused_politely(fmt, changes, cut):
    """Whatever the damage, the answer is a clean photo or a PhotoError, never a crash."""
    upload = bytearray(SMALL_UPLOADS[fmt])
    for position, value in changes:
        upload[position % len(upload)] = value
    if cut is not None:
        upload = upload[: cut % (len(upload) + 1)]

    try:
        photo = process(bytes(upload))
    except PhotoError as refused:
        assert str(refused) in {
            photos.NOT_ACCEPTED,
            photos.DAMAGED,
            photos.TOO_MANY_PIXELS,
        }
    else:
        assert not opened(photo).getexif()
