"""The site's name and colours, published for the petition API's own pages and mail.

The API renders a few pages itself (the confirmation page and its answer,
error pages, preferences) and sends the thank-you email; they should look like
the campaign site, not like a separate product. The build publishes what they
need in the petitions manifest, under ``"site"``, and ``flask petitions sync``
hands it to the API with the petitions:

    "site": {"name": "Families First",
             "colors": {"primary": "#4051b5", "on_primary": "#ffffff",
                        "accent": "#ff6e42", "link": "#4051b5"},
             "story_url": "/stories/tell/"}

The colours are those of mkdocs-material's named palettes (``theme.palette``
in mkdocs.yml), as plain hex values from a table here rather than read from
the theme's hashed, minified stylesheet. ``link`` is the primary colour, made
darker only as far as needed to read at 4.5:1 on white (WCAG AA), so links and
buttons on the API's pages stay readable whatever the palette. A palette the
table does not know (``custom``, with the campaign's own CSS) publishes no
colours, and the API keeps its own.
"""

from __future__ import annotations

import posixpath
from urllib.parse import urlsplit

# mkdocs-material 9's light scheme: primary -> (primary colour, text on it).
DARK_TEXT = "#212121"  # the theme's 87% black on a light primary
PRIMARY = {
    "red": ("#ef5552", "#ffffff"),
    "pink": ("#e92063", "#ffffff"),
    "purple": ("#ab47bd", "#ffffff"),
    "deep-purple": ("#7e56c2", "#ffffff"),
    "indigo": ("#4051b5", "#ffffff"),
    "blue": ("#2094f3", "#ffffff"),
    "light-blue": ("#02a6f2", "#ffffff"),
    "cyan": ("#00bdd6", "#ffffff"),
    "teal": ("#009485", "#ffffff"),
    "green": ("#4cae4f", "#ffffff"),
    "light-green": ("#8bc34b", "#ffffff"),
    "lime": ("#cbdc38", DARK_TEXT),
    "yellow": ("#ffec3d", DARK_TEXT),
    "amber": ("#ffc105", DARK_TEXT),
    "orange": ("#ffa724", DARK_TEXT),
    "deep-orange": ("#ff6e42", "#ffffff"),
    "brown": ("#795649", "#ffffff"),
    "grey": ("#757575", "#ffffff"),
    "blue-grey": ("#546d78", "#ffffff"),
    "black": ("#14161b", "#ffffff"),
    "white": ("#ffffff", DARK_TEXT),
}
ACCENT = {
    "red": "#ff1a47",
    "pink": "#f50056",
    "purple": "#df41fb",
    "deep-purple": "#7c4dff",
    "indigo": "#526cfe",
    "blue": "#4287ff",
    "light-blue": "#0091eb",
    "cyan": "#00bad6",
    "teal": "#00bda4",
    "green": "#00c753",
    "light-green": "#63de17",
    "lime": "#b0eb00",
    "yellow": "#ffd500",
    "amber": "#ffaa00",
    "orange": "#ff9100",
    "deep-orange": "#ff6e42",
}
# The theme's own defaults when mkdocs.yml names no palette; its link colour on
# white and black primaries (which would be unreadable as link colours).
DEFAULT_PRIMARY = DEFAULT_ACCENT = "indigo"
NEUTRAL_LINK = "#4051b5"
DEFAULT_STORY_PAGE = "stories/tell/"


def published(config, story_page: str) -> dict:
    """The manifest's ``site`` entry for this build's mkdocs config."""
    site: dict = {"name": config.site_name}
    colors = palette_colors(config.theme.get("palette"))
    if colors:
        site["colors"] = colors
    site["story_url"] = story_url(config, story_page)
    return site


def palette_colors(palette) -> dict[str, str] | None:
    """Hex colours for mkdocs.yml's ``theme.palette`` (its first scheme when it has a
    toggle); None for a palette the table does not know."""
    if isinstance(palette, list):
        palette = palette[0] if palette else None
    palette = palette or {}
    if not isinstance(palette, dict):
        return None
    primary = _name(palette.get("primary"), DEFAULT_PRIMARY)
    accent = _name(palette.get("accent"), DEFAULT_ACCENT)
    if primary not in PRIMARY or accent not in ACCENT:
        return None
    colour, on_colour = PRIMARY[primary]
    link = NEUTRAL_LINK if primary in ("white", "black") else readable_on_white(colour)
    return {"primary": colour, "on_primary": on_colour, "accent": ACCENT[accent], "link": link}


def story_url(config, story_page: str) -> str:
    """Where "tell your story" points: an address as given, or a page of this site
    as a path from the site's root (with the path the site is served under)."""
    if urlsplit(story_page).scheme in ("http", "https"):
        return story_page
    base = urlsplit(config.site_url or "/").path or "/"
    path = posixpath.join(base, story_page.lstrip("/"))
    return path if path.endswith("/") or "." in posixpath.basename(path) else path + "/"


def readable_on_white(colour: str, ratio: float = 4.5) -> str:
    """The colour, darkened in small steps until it reads at `ratio` on white."""
    red, green, blue = rgb(colour)
    for step in range(0, 101, 2):
        keep = 1 - step / 100
        shade = (round(red * keep), round(green * keep), round(blue * keep))
        if contrast(shade, (255, 255, 255)) >= ratio:
            return "#{:02x}{:02x}{:02x}".format(*shade)
    return "#000000"


def contrast(one: tuple[int, int, int], other: tuple[int, int, int]) -> float:
    lighter, darker = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _name(value, default: str) -> str:
    """mkdocs-material writes palette names lower-case with hyphens ("deep orange" too)."""
    return str(value or default).strip().lower().replace(" ", "-")
