"""A page's charts in the built site: drawn into the site's files, shown where placed.

Each chart a page declares (charts.py reads and draws it) becomes one SVG file
for each width (``charts.VARIANTS``), kept between builds by drawcache.py, and
a ``<figure>`` in the page: its title, the drawing for the window's width, its
source and the data behind it. The figure goes where the editor wrote
``<!-- chart: id -->``, or at the end of the page.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from . import charts, checks, drawcache, sharebox

_CHART_PLACE = re.compile(r"<!--\s*chart:\s*([a-z0-9-]+)\s*-->")


class ChartFigures:
    """Every chart's drawn variants in this build, by chart file, for the page that shows it."""

    def __init__(self) -> None:
        self.pictures: dict[str, list[charts.Picture]] = {}

    def draw(self, files: Files, config, pictures: Path | None, path: str, item) -> None:
        """Each variant of a chart (wide, narrow), from the cache when it was drawn before."""
        drawn = []
        for variant in charts.VARIANTS:
            svg = drawcache.drawn(
                pictures,
                (item.chart, item.labels, item.series, variant),
                ".svg",
                lambda variant=variant: charts.draw(item.chart, item.labels, item.series, variant),
            )
            picture = charts.Picture(
                variant, charts.variant_file(path, variant), *charts.svg_size(svg)
            )
            files.append(File.generated(config, picture.path, content=svg))
            drawn.append(picture)
        self.pictures[path] = drawn

    def place(self, html: str, page, drawn: list[checks.DrawnChart]) -> str:
        """The page's HTML with each chart's figure where the editor marked it."""
        figures = {}
        for item in drawn:
            pictures = self.pictures[checks.chart_file(page.file.src_uri, item.chart.id)]
            sources = [(p, get_relative_url(p.path, page.url)) for p in pictures]
            figure = figure_html(item.chart, sources, item.labels, item.series)
            # Room for the chart's "Share this" box, which the plugin renders later.
            figures[item.chart.id] = f"{figure}\n{sharebox.marker(item.chart.id)}"
        placed = set()

        def figure_for(match: re.Match) -> str:
            placed.add(match.group(1))
            return figures.get(match.group(1), match.group(0))

        html = _CHART_PLACE.sub(figure_for, html)
        # Charts the editor did not place go at the end, in the order declared.
        rest = [figure for chart_id, figure in figures.items() if chart_id not in placed]
        return "\n".join([html, *rest])


def figure_html(
    chart: charts.Chart,
    pictures: list[tuple[charts.Picture, str]],
    labels: list[str],
    series: list[list[float]],
) -> str:
    """The chart's title, its drawing for the window's width, its source and its data.

    ``pictures`` are the drawn variants in ``VARIANTS`` order with their URLs
    from the page. The title is said once, in the caption; the table under
    "The data behind this chart" is named by it. One line per element and no
    blank lines, so the block survives being placed in Markdown as raw HTML.
    """
    title_id = f"chart-{chart.id}-title"
    return (
        f'<figure class="gs-chart" id="chart-{escape(chart.id)}">\n'
        f'<figcaption class="gs-chart__title" id="{escape(title_id)}">{escape(chart.title)}'
        "</figcaption>\n"
        f"{_picture(chart, pictures)}\n"
        f"{_source(chart)}"
        f'<details class="gs-chart__data"><summary>The data behind this chart</summary>\n'
        f'<table aria-labelledby="{escape(title_id)}">{_table(chart, labels, series)}</table>\n'
        f"</details>\n</figure>"
    )


def _picture(chart: charts.Chart, pictures: list[tuple[charts.Picture, str]]) -> str:
    *sources, (image, src) = pictures
    return (
        "<picture>"
        + "".join(
            f'<source media="{escape(p.variant.media or "")}" srcset="{escape(url)}" '
            f'width="{p.width}" height="{p.height}">'
            for p, url in sources
        )
        + f'<img src="{escape(src)}" alt="{escape(chart.alt)}" width="{image.width}" '
        f'height="{image.height}" loading="lazy"></picture>'
    )


def _source(chart: charts.Chart) -> str:
    if not chart.source:
        return ""
    name = escape(chart.source)
    if chart.source_url:
        name = f'<a href="{escape(chart.source_url)}">{name}</a>'
    return f'<p class="gs-chart__source">Source: {name}</p>\n'


def _table(chart: charts.Chart, labels: list[str], series: list[list[float]]) -> str:
    corner = f'<th scope="col">{escape(chart.x_label)}</th>' if chart.x_label else "<td></td>"
    head = corner + "".join(f'<th scope="col">{escape(name)}</th>' for name in chart.names)
    columns = [
        [charts.number_text(value, charts.decimals_needed(values)) for value in values]
        for values in series
    ]
    body = "".join(
        f'<tr><th scope="row">{escape(label)}</th>'
        + "".join(f"<td>{column[i]}</td>" for column in columns)
        + "</tr>"
        for i, label in enumerate(labels)
    )
    return f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
