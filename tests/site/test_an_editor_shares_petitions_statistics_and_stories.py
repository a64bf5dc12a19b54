"""Share graphics: each kind in each format, its text inside the safe margins (from its
measured boxes and from its pixels), readable, in every script the fonts cover."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from campaign_site import charts, graphics
from campaign_site.graphics import fonts
from campaign_site.sharefiles import FORMATS, FORMATS_OF

from .graphics_support import inside, margins_are_background, opened, text_contrast

LOOK = graphics.Look("Families First")
ADDRESS = "families-first.example.org/petitions/protect-wic/"
LONG = (
    "Paid family leave for every worker in every state, from the first day on the job, "
    "with full pay for twelve weeks and protection from being fired for taking it, for "
    "parents and for anyone caring for a sick relative at home, because no family should "
    "have to choose between a paycheck and a newborn, a dying parent or their own recovery "
    "from surgery, and because the countries that guarantee it have shown that it works."
) * 3
CHART = charts.Chart(
    page="statistics/wic.md", id="wic", data="wic.csv", kind="line", x="year",
    y={"participants": None}, title="WIC participation", alt="A line going down, then up.",
    y_label="Participants (millions)", x_label=None, y_from_zero=True,
    source="USDA Food and Nutrition Service, WIC Program Data", source_url=None,
)  # fmt: skip


def petition(headline: str) -> graphics.PetitionGraphic:
    return graphics.PetitionGraphic(headline, 50_000, ADDRESS)


def statistic(headline: str) -> graphics.StatisticGraphic:
    return graphics.StatisticGraphic(
        CHART, ("2021", "2022", "2023"), ((6.2, 6.3, 6.6),), "6.6 million", headline, ADDRESS
    )


def story(quote: str, photo: bytes | None = None) -> graphics.StoryGraphic:
    return graphics.StoryGraphic(quote, "a parent in New York", ADDRESS, photo)


def a_photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "#7a9a5b").save(buffer, "JPEG")
    return buffer.getvalue()


CASES = [
    (kind, make, words, fmt)
    for kind, make in (("petition", petition), ("statistic", statistic), ("story", story))
    for words in ("Protect WIC", LONG)
    for fmt in FORMATS_OF[kind]
]


@pytest.mark.parametrize(("kind", "make", "words", "fmt"), CASES)
def test_an_editor_shares_a_petition_a_statistic_and_a_story_in_every_format(
    kind, make, words, fmt
):
    drawn = graphics.draw(make(words), fmt, LOOK)
    picture = opened(drawn.png)
    safe = graphics.safe_box(fmt)
    assert picture.size == FORMATS[fmt]
    assert drawn.text_boxes and all(inside(box, safe) for box in drawn.text_boxes)
    assert margins_are_background(picture, safe)  # and the pixels agree
    for box in drawn.text_boxes:
        assert text_contrast(picture, box) >= 4.5, box
    assert " ".join(words.split()) in drawn.alt  # every word, even those cut short
    if words is LONG:
        assert "…" not in drawn.alt


def test_a_long_headline_is_shortened_with_an_ellipsis_and_said_in_full_in_the_alt():
    block = graphics.text.fit(LONG, 900, 300, 80, 36, bold=True)
    assert block.shortened and block.lines[-1].endswith("…")
    assert block.size == 36 and len(block.lines) == 300 // round(36 * graphics.text.LEADING)


def test_a_supporters_photo_runs_to_the_edges_and_the_text_stays_inside():
    for fmt in FORMATS_OF["story"]:
        drawn = graphics.draw(story("WIC kept us going.", a_photo()), fmt, LOOK)
        picture = opened(drawn.png)
        assert picture.getpixel((FORMATS[fmt][0] - 1, 0)) == (0x7A, 0x9A, 0x5B) or fmt != "card"
        assert all(inside(box, graphics.safe_box(fmt)) for box in drawn.text_boxes)
        assert "With a photo" in drawn.alt


def test_a_palette_whose_button_would_not_read_gets_dark_words_on_it():
    # White on deep orange reads below 4.5:1: the call to act is drawn dark instead.
    assert graphics.colours.ratio("#ffffff", "#ff6e42") < 4.5
    drawn = graphics.draw(petition("Protect WIC"), "card", graphics.Look("F", accent="#ff6e42"))
    picture = opened(drawn.png)
    assert min(text_contrast(picture, box) for box in drawn.text_boxes) >= 4.5


SCRIPTS = {
    "Latin": "Zoë Ångström-Núñez",
    "Greek": "Ελένη Παπαδοπούλου",
    "Cyrillic": "Светлана Ковалёва",
    "Armenian": "Անի Պետրոսյան",
    "Georgian": "ნინო ბერიძე",
    "Hebrew": "שרה לוי",
    "Arabic": "فاطمة الزهراء",
    "Chinese": "王小明",
    "Japanese": "さくら たなか",
    "Korean": "김민지",
}


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_name_in_each_writing_system_the_fonts_cover_renders(script):
    name = SCRIPTS[script]
    if script in ("Chinese", "Japanese", "Korean") and len(fonts.families(False)) < 2:
        pytest.fail("no CJK font: make test-deps installs fonts-wqy-microhei")
    for character in name.replace(" ", "").replace("-", ""):
        [(_, path)] = fonts.runs(character, False)
        assert fonts.covers(path, character), (script, character)
        face = fonts.face(path, 48)
        assert _ink(face, character) != _ink(face, "\U000e01ef"), (script, character)  # notdef
    teller = f"{name} in New York"
    drawn = graphics.draw(
        graphics.StoryGraphic("WIC kept us going.", teller, ADDRESS), "card", LOOK
    )
    assert teller in drawn.alt and drawn.text_boxes


def _ink(face, character: str) -> bytes:
    mask = Image.new("L", (96, 96), 0)
    ImageDraw.Draw(mask).text((10, 70), character, font=face, fill=255, anchor="ls")
    return mask.tobytes()
