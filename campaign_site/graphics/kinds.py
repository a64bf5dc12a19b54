"""What each kind of share graphic shows, its safe margins and its alt text."""

from __future__ import annotations

from dataclasses import dataclass

from ..charts import Chart
from ..sharefiles import FORMATS


@dataclass(frozen=True)
class Look:
    """The campaign's name and colours (look.py's palette tables) and its logo."""

    site_name: str
    primary: str = "#4051b5"
    on_primary: str = "#ffffff"
    accent: str = "#ff6e42"
    logo: str | None = None  # a PNG or JPEG file (mkdocs.yml theme.logo); others are left out
    logo_digest: str = ""  # the logo file's hash, so a new logo redraws every graphic


@dataclass(frozen=True)
class PetitionGraphic:
    headline: str  # the petition's title, or share.headline
    goal: int
    address: str  # host and path, shown small: "families-first.org/petitions/protect-wic/"
    call: str = "Sign the petition"


@dataclass(frozen=True)
class StatisticGraphic:
    chart: Chart
    labels: tuple[str, ...]
    series: tuple[tuple[float, ...], ...]
    number: str  # the chart's headline_number: "4 in 5"
    headline: str  # what the number says: "eligible infants get WIC"
    address: str


@dataclass(frozen=True)
class StoryGraphic:
    quote: str
    teller: str | None  # "Rosa in New York" only with the name consent, else "a parent in ..."
    address: str
    photo: bytes | None = None  # only a photo its teller consented to


@dataclass(frozen=True)
class SiteGraphic:
    """The card of every other page (assets/share.png): the site's description."""

    headline: str
    address: str


Graphic = PetitionGraphic | StatisticGraphic | StoryGraphic | SiteGraphic


@dataclass(frozen=True)
class Drawn:
    png: bytes
    alt: str
    text_boxes: list[tuple[int, int, int, int]]


def safe_box(fmt: str) -> tuple[int, int, int, int]:
    """Where text may go: 6% of the width in from each side; a vertical story also keeps
    clear the top and bottom 13% that Instagram and Facebook cover with their buttons."""
    width, height = FORMATS[fmt]
    side = round(width * 0.06)
    top = round(height * 0.13) if fmt == "vertical" else side
    return side, top, width - side, height - top


def alt_text(graphic: Graphic, look: Look) -> str:
    """What the graphic shows, in words, in full (never shortened)."""
    if isinstance(graphic, PetitionGraphic):
        return (
            f"{_sentence(graphic.headline)} A petition by {look.site_name}: goal "
            f"{graphic.goal:,} signatures. {graphic.call} at {graphic.address}"
        )
    if isinstance(graphic, StatisticGraphic):
        source = f" Source: {graphic.chart.source.strip()}" if graphic.chart.source else ""
        return f"{graphic.number}: {graphic.headline}. {graphic.chart.alt.strip()}{source}"
    if isinstance(graphic, StoryGraphic):
        teller = f" {graphic.teller} said." if graphic.teller else ""
        photo = " With a photo shared by its teller." if graphic.photo else ""
        return f"“{graphic.quote}”{teller} A story from {look.site_name}.{photo}"
    return f"{look.site_name}: {graphic.headline}"


def _sentence(words: str) -> str:
    """Words ending as a sentence does: a headline that has its own stop keeps it."""
    words = words.strip()
    return words if words.endswith((".", "!", "?", "\u2026")) else f"{words}."
