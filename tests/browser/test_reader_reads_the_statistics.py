"""A reader looks at the campaign's statistics on a phone and on a desktop.

Each chart is an SVG in an <img>, its text drawn as glyph outlines. Matplotlib
draws a glyph FONT_SCALE units to the em and scales each line of text by
size / FONT_SCALE (``translate(x y) scale(s -s)``), so a line's font size in
the SVG's own units is s x FONT_SCALE; on screen it is that times the width the
<img> takes over the width of the SVG's viewBox.
"""

from __future__ import annotations

import re
import urllib.request
from xml.etree import ElementTree

import pytest
from matplotlib.textpath import TextToPath

from .looking import WIDTHS, load_every_image, look_at

pytestmark = pytest.mark.browser

PAGES = ["paid-leave-access", "wic-participation", "wic-coverage"]
SMALLEST_TEXT_PX = 11
LARGEST_TEXT_PX = 16  # the manual promises 11 to 16 px on any screen (docs/pages/writing.md)
# The two widths every page is looked at, and the edges of each drawing's range.
MEASURED_AT = sorted({*WIDTHS, 320, 599, 600, 960, 1219, 1920})
_LINE_OF_TEXT = re.compile(r"translate\([-\d.]+ [-\d.]+\) scale\(([\d.]+) -\1\)")
_SVG = "{http://www.w3.org/2000/svg}"

_CHARTS = """() => [...document.querySelectorAll('.gs-chart')].map(figure => {
  const image = figure.querySelector('img');
  const title = figure.querySelector('figcaption');
  return {
    src: image.currentSrc,
    width: image.getBoundingClientRect().width,
    top: image.getBoundingClientRect().top,
    titleBottom: title.getBoundingClientRect().bottom,
    title: title.textContent,
  };
})"""


def text_sizes(svg: bytes) -> tuple[float, list[float]]:
    """The SVG's viewBox width and the font size of each line of its text, in its units."""
    root = ElementTree.fromstring(svg)  # noqa: S314 (drawn by our build)
    view_width = float(root.get("viewBox").split()[2])
    sizes = [
        float(found.group(1)) * TextToPath.FONT_SCALE
        for group in root.iter(f"{_SVG}g")
        if (found := _LINE_OF_TEXT.fullmatch(group.get("transform") or ""))
    ]
    return view_width, sizes


def charts_on(page, url: str, width: int) -> list[dict]:
    page.set_viewport_size({"width": width, "height": 800 if width < 600 else 900})
    page.goto(url)
    page.wait_for_load_state("networkidle")
    load_every_image(page)  # charts are lazy
    return page.evaluate(_CHARTS)


@pytest.mark.parametrize("name", PAGES)
def test_a_reader_looks_at_a_statistics_page_on_a_phone_and_a_desktop(campaign, page, name):
    look_at(page, campaign.url(f"statistics/{name}/"), f"statistics-{name}")


@pytest.mark.parametrize("name", PAGES)
def test_every_word_of_every_chart_is_11_to_16_px_on_screen(campaign, page, name):
    for width in MEASURED_AT:
        charts = charts_on(page, campaign.url(f"statistics/{name}/"), width)
        assert charts, f"no chart on {name}"
        for chart in charts:
            with urllib.request.urlopen(chart["src"], timeout=10) as response:  # noqa: S310
                view_width, sizes = text_sizes(response.read())
            assert len(sizes) >= 5, f"found too few lines of text in {chart['src']}"
            smallest, largest = (
                size * chart["width"] / view_width for size in (min(sizes), max(sizes))
            )
            shown = f"{chart['src']} at a {width} px window: text {smallest:.1f}-{largest:.1f} px"
            assert smallest >= SMALLEST_TEXT_PX and round(largest, 1) <= LARGEST_TEXT_PX, shown


@pytest.mark.parametrize("width", [320, *WIDTHS, 599, 600])
def test_a_phone_gets_the_narrow_drawing_and_a_wider_window_the_wide(campaign, page, width):
    for name in PAGES:
        for chart in charts_on(page, campaign.url(f"statistics/{name}/"), width):
            assert chart["src"].endswith(".narrow.svg") == (width < 600), chart["src"]


@pytest.mark.parametrize("width", WIDTHS)
def test_each_chart_is_titled_once_above_its_drawing(campaign, page, width):
    charts = charts_on(page, campaign.url("statistics/paid-leave-access/"), width)
    assert [chart["title"] for chart in charts] == [
        "Private-industry workers with access to paid family leave, 2016\u20132023",
        "Illustrative: access to paid family leave by wage group",
    ]
    for chart in charts:
        assert chart["titleBottom"] <= chart["top"]
        assert page.get_by_text(chart["title"], exact=True).count() == 1


def test_a_chart_that_leaves_out_zero_says_so_where_the_reader_looks(campaign, page):
    for width in WIDTHS:
        [chart] = charts_on(page, campaign.url("statistics/wic-participation/"), width)
        with urllib.request.urlopen(chart["src"], timeout=10) as response:  # noqa: S310
            assert b"<!-- Axis does not start at zero -->" in response.read()
