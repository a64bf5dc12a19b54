"""Statistics charts: a CSV in content/ drawn as SVG at build time.

The same CSV and options always give the same bytes: a fixed hash salt for
SVG ids, no date in the metadata, text drawn as paths with the DejaVu font
that ships inside matplotlib (so no system font can change the output).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from html import escape
from pathlib import Path

_STYLE = {
    "svg.hashsalt": "groundswell",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_COLOURS = ["#3f51b5", "#e65100", "#2e7d32", "#6a1b9a"]


@dataclass(frozen=True)
class Chart:
    page: str  # src_uri of the page that declares it
    id: str
    data: str  # docs path of the CSV
    kind: str
    x: str
    y: list[str]
    title: str
    alt: str
    y_label: str | None
    source: str | None


class DataError(ValueError):
    """What is wrong with a chart's CSV, phrased for the editor."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def read_table(path: Path, chart: Chart) -> tuple[list[str], list[list[float]]]:
    """The x labels and one list of numbers per y column."""
    if not path.is_file():
        raise DataError("data", f"no CSV file at {chart.data}")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    header = set(rows[0]) if rows else set()
    for field, names in (("x", [chart.x]), ("y", chart.y)):
        missing = [name for name in names if name not in header]
        if missing:
            columns = ", ".join(sorted(header)) or "none"
            raise DataError(field, f"no column {missing[0]!r} in {chart.data} (columns: {columns})")
    series = []
    for name in chart.y:
        values = []
        for line, row in enumerate(rows, start=2):
            try:
                values.append(float(row[name]))
            except (TypeError, ValueError):
                raise DataError(
                    "y", f"{chart.data} line {line}: {name} is {row[name]!r}, not a number"
                ) from None
        series.append(values)
    return [row[chart.x] for row in rows], series


def draw(chart: Chart, labels: list[str], series: list[list[float]]) -> bytes:
    # Imported here: matplotlib takes seconds to load and a cached build never needs it.
    import matplotlib
    from matplotlib.figure import Figure

    style = {**_STYLE, "axes.prop_cycle": matplotlib.cycler(color=_COLOURS)}
    with matplotlib.rc_context(style):
        figure = Figure(figsize=(8, 4.5), layout="constrained")
        axes = figure.subplots()
        positions = range(len(labels))
        width = 0.8 / len(series)
        for index, (name, values) in enumerate(zip(chart.y, series, strict=True)):
            if chart.kind == "line":
                axes.plot(positions, values, marker="o", label=name)
            else:
                offset = (index - (len(series) - 1) / 2) * width
                axes.bar([p + offset for p in positions], values, width=width, label=name)
        axes.set_xticks(list(positions), labels)
        axes.set_title(chart.title, loc="left", fontweight="bold")
        axes.set_xlabel(chart.x)
        axes.set_ylabel(chart.y_label or (chart.y[0] if len(chart.y) == 1 else ""))
        axes.grid(axis="y", color="#dddddd")
        axes.set_axisbelow(True)
        if len(series) > 1:
            axes.legend(frameon=False)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def figure_html(chart: Chart, src: str, labels: list[str], series: list[list[float]]) -> str:
    """The chart, its caption and its data as a table behind a disclosure.

    One line per element and no blank lines, so the block survives being
    placed in Markdown as raw HTML.
    """
    head = "".join(f'<th scope="col">{escape(name)}</th>' for name in [chart.x, *chart.y])
    body = "".join(
        f'<tr><th scope="row">{escape(label)}</th>'
        + "".join(f"<td>{_number(values[i])}</td>" for values in series)
        + "</tr>"
        for i, label in enumerate(labels)
    )
    source = f" Source: {escape(chart.source)}" if chart.source else ""
    return (
        f'<figure class="gs-chart" id="chart-{escape(chart.id)}">\n'
        f'<img src="{escape(src)}" alt="{escape(chart.alt)}" width="800" height="450" '
        f'loading="lazy">\n'
        f"<figcaption><strong>{escape(chart.title)}</strong>{source}</figcaption>\n"
        f'<details class="gs-chart__data"><summary>The data behind this chart</summary>\n'
        f"<table><caption>{escape(chart.title)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>\n"
        f"</details>\n</figure>"
    )


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"
