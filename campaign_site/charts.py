"""Statistics charts: a CSV in content/ drawn as SVG at build time, once for each width.

A chart is drawn twice: wide for a tablet's or a desktop's column and narrow
for a phone's, and the page's ``<picture>`` lets the browser pick by the
window's width. Each drawing is shown at most at its own size and scaled down
in narrower columns, so its text never falls below 11 px (see ``Variant``).

Axes are honest: bars start at zero; a line's axis starts at zero unless the
editor says ``y_from_zero: false``, and then the chart says it does not.
Every word in a chart comes from the front matter, never a CSV column's name.

The same CSV and options always give the same bytes: a fixed hash salt for
SVG ids, no date in the metadata, text drawn as paths with the DejaVu font
that ships inside matplotlib (so no system font can change the output).

chartfigures.py puts the drawings in the site and a page's ``<figure>`` around them.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

# Every word in a chart, in points (96 px to the inch: 12 pt is 16 px at full size).
TEXT_PT = 12
_STYLE = {
    "svg.hashsalt": "groundswell",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": TEXT_PT,
    **{f"{part}size": TEXT_PT for part in ("figure.title", "figure.label", "legend.font")},
    "text.parse_math": False,  # "$12 an hour" is money, not mathematics
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.autolimit_mode": "round_numbers",  # the value axis ends on a labelled tick
    "axes.formatter.useoffset": False,
}
_COLOURS = ["#3f51b5", "#e65100", "#2e7d32", "#6a1b9a"]
_MARKERS = ["o", "s", "^", "D"]  # lines told apart without colour too
MAX_SERIES = len(_COLOURS)
NOT_FROM_ZERO = "Axis does not start at zero"
NOT_UP_TO_ZERO = "Axis does not reach zero"  # figures all below zero


@dataclass(frozen=True)
class Variant:
    """One drawing of a chart and the windows it is shown in.

    Text is ``TEXT_PT`` x 4/3 px at full size, and smaller in a narrower column:
    narrow is shown 288-400 px wide (a 320-599 px window), so its text is at
    least 16 x 288 / 400 = 11.5 px; wide is shown 568-768 px wide (600 px
    windows and up), at least 16 x 568 / 768 = 11.8 px.
    """

    name: str
    suffix: str  # before .svg in the file's name (a chart id has no dots)
    width: int  # CSS px at full size, the widest it is shown
    height: int  # CSS px for a line or upright bars; bars lying down take what they need
    media: str | None  # the <source> media query; None: the <img>, for every other window


NARROW = Variant("narrow", ".narrow", 400, 380, "(max-width: 599.98px)")
WIDE = Variant("wide", "", 768, 432, None)
VARIANTS = (NARROW, WIDE)  # a <picture>'s sources in order, the <img> last


@dataclass(frozen=True)
class Chart:
    page: str  # src_uri of the page that declares it
    id: str
    data: str  # docs path of the CSV
    kind: str
    x: str
    y: dict[str, str | None]  # column -> the series' name in the legend
    title: str
    alt: str
    y_label: str
    x_label: str | None
    y_from_zero: bool
    source: str | None
    source_url: str | None

    @property
    def names(self) -> list[str]:
        """What the legend and the data table call each series."""
        return [name or self.y_label for name in self.y.values()]


@dataclass(frozen=True)
class Picture:
    """A drawn variant as the page shows it."""

    variant: Variant
    path: str  # docs path of the SVG
    width: int  # CSS px at full size, from the SVG
    height: int


class DataError(ValueError):
    """What is wrong with a chart's options or CSV, phrased for the editor."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def check_options(chart: Chart) -> None:
    """Rules between options that no single option can check."""
    if chart.kind == "bar" and not chart.y_from_zero:
        raise DataError(
            "y_from_zero",
            "bars always start at zero (a bar's length is its value); "
            "remove y_from_zero, or use kind: line to show a small change",
        )
    if len(chart.y) > MAX_SERIES:
        raise DataError("y", f"{len(chart.y)} columns; a chart can tell {MAX_SERIES} apart")
    unnamed = [column for column, name in chart.y.items() if not name]
    if len(chart.y) > 1 and unnamed:
        example = ", ".join(f"{column}: ..." for column in chart.y)
        raise DataError(
            "y",
            f"name each series for the legend ({unnamed[0]} has no name): y: {{{example}}}",
        )
    if chart.source_url and not chart.source:
        raise DataError("source_url", "a link needs the source's name in source:")


def read_table(path: Path, chart: Chart) -> tuple[list[str], list[list[float]]]:
    """The x labels and one list of numbers per y column."""
    if not path.is_file():
        raise DataError("data", f"no CSV file at {chart.data}")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    header = set(reader.fieldnames or [])
    for field, names in (("x", [chart.x]), ("y", list(chart.y))):
        missing = [name for name in names if name not in header]
        if missing:
            columns = ", ".join(sorted(header)) or "none"
            raise DataError(field, f"no column {missing[0]!r} in {chart.data} (columns: {columns})")
    if not rows:
        raise DataError("data", f"{chart.data} has a header but no rows of figures")
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


def variant_file(chart_file: str, variant: Variant) -> str:
    """statistics/wic/participation.svg -> statistics/wic/participation.narrow.svg"""
    return chart_file.removesuffix(".svg") + variant.suffix + ".svg"


def svg_size(svg: bytes) -> tuple[int, int]:
    """The CSS px size an SVG from ``draw`` declares (in points: 3 pt are 4 px)."""
    found = re.search(rb'<svg[^>]* width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    if found is None:
        raise ValueError("not an SVG drawn by charts.draw")
    return tuple(round(float(size) * 4 / 3) for size in found.groups())


def draw(
    chart: Chart,
    labels: list[str],
    series: list[list[float]],
    variant: Variant,
    png_scale: float | None = None,
) -> bytes:
    """SVG; or PNG at ``png_scale`` pixels per CSS px (a share graphic, graphics/)."""
    # Imported here: matplotlib takes seconds to load and a cached build never needs it.
    import matplotlib
    from matplotlib.figure import Figure

    style = {**_STYLE, "axes.prop_cycle": matplotlib.cycler(color=_COLOURS)}
    with matplotlib.rc_context(style):
        text = _Text()
        lying = chart.kind == "bar" and not _upright_labels(text, labels, variant)
        height = _lying_height(labels, series, text, variant) if lying else variant.height
        figure = Figure(figsize=(variant.width / 96, height / 96), layout="constrained")
        axes = figure.subplots()
        if chart.kind == "line":
            _lines(axes, chart, labels, series, text, variant)
        else:
            _bars(axes, chart, labels, series, text, variant, lying)
        # The value axis's title, level and above the plot where it is easy to read.
        figure.suptitle(text.wrap(chart.y_label, _points(variant.width) - 8), x=0, ha="left")
        if len(series) > 1:
            _legend(axes, chart.names, text, _plot_points(variant, lying))
        buffer = io.BytesIO()
        if png_scale:
            figure.savefig(buffer, format="png", dpi=96 * png_scale, metadata={"Software": None})
        else:
            figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _lines(axes, chart: Chart, labels, series, text: _Text, variant: Variant) -> None:
    positions = range(len(labels))
    for index, (name, values) in enumerate(zip(chart.names, series, strict=True)):
        axes.plot(positions, values, marker=_MARKERS[index], label=name, clip_on=False)
    axes.set_xlim(-0.3, len(labels) - 0.7)
    # Labels that would touch are thinned to every second (third...) one, counted
    # back from the latest, which a campaign quotes; the data table has them all.
    slot = _plot_points(variant) / len(labels)
    widest = max(text.width(label) for label in labels)
    step = max(1, math.ceil((widest + 10) / slot))
    last = len(labels) - 1
    shown = [label if (last - i) % step == 0 else "" for i, label in enumerate(labels)]
    axes.set_xticks(list(positions), shown)
    if chart.x_label:
        axes.set_xlabel(text.wrap(chart.x_label, _plot_points(variant)))
    _value_axis(axes.yaxis, axes, series, chart.y_from_zero, ticks=6)
    axes.grid(axis="y", color="#dddddd")
    axes.set_axisbelow(True)
    low, high = axes.get_ylim()
    if low > 0 or high < 0:
        _broken_axis(axes, at_bottom=low > 0)
        note = NOT_FROM_ZERO if low > 0 else NOT_UP_TO_ZERO
        axes.figure.supxlabel(note, x=0, ha="left", fontstyle="italic")


def _bars(axes, chart: Chart, labels, series, text: _Text, variant: Variant, lying: bool) -> None:
    positions = range(len(labels))
    width = 0.8 / len(series)
    draw_bars = axes.barh if lying else axes.bar
    for index, (name, values) in enumerate(zip(chart.names, series, strict=True)):
        offset = (index - (len(series) - 1) / 2) * width
        draw_bars([p + offset for p in positions], values, width, label=name)
    if lying:
        room = _label_points(variant)
        axes.set_yticks(list(positions), [text.wrap(label, room) for label in labels])
        axes.invert_yaxis()  # the first row of the CSV on top
        if chart.x_label:
            axes.set_ylabel(text.wrap(chart.x_label, axes.figure.get_figheight() * 72 * 0.6))
        # As many ticks as fit side by side, each as wide as the widest figure.
        figures = [v for values in series for v in values]
        widest = text.width(number_text(max(figures, key=abs), decimals_needed(figures)))
        ticks = max(2, int(_plot_points(variant, lying) // (widest + 16)))
        _value_axis(axes.xaxis, axes, series, from_zero=True, ticks=ticks)
    else:
        slot = _plot_points(variant) / len(labels) - 6
        axes.set_xticks(list(positions), [text.wrap(label, slot) for label in labels])
        if chart.x_label:
            axes.set_xlabel(text.wrap(chart.x_label, _plot_points(variant)))
        _value_axis(axes.yaxis, axes, series, from_zero=True, ticks=6)
    axes.grid(axis="x" if lying else "y", color="#dddddd")
    axes.set_axisbelow(True)


def _value_axis(axis, axes, series: list[list[float]], from_zero: bool, ticks: int) -> None:
    """Limits on round numbers, zero among them unless the editor chose otherwise."""
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter

    values = [value for values in series for value in values]
    low, high = min(values), max(values)
    set_limits = axes.set_xlim if axis is axes.xaxis else axes.set_ylim
    # Steps of 1, 2 or 5 (times a power of ten) read at a glance; 2.5 needs 6.25.
    axis.set_major_locator(MaxNLocator(nbins=ticks, steps=[1, 2, 5, 10]))
    axes.autoscale_view()
    limits = list(axis.get_view_interval())
    if from_zero and low >= 0:
        limits[0] = 0
    elif from_zero and high <= 0:
        limits[1] = 0
    set_limits(*limits)
    if limits[0] < 0 < limits[1]:
        (axes.axvline if axis is axes.xaxis else axes.axhline)(0, color="#555555", linewidth=0.8)
    # Every tick with the decimals the most precise one needs: 6.25 and 6.50, not 6.2.
    decimals = decimals_needed([round(tick, 9) for tick in axis.get_majorticklocs()])
    axis.set_major_formatter(StrMethodFormatter(f"{{x:,.{decimals}f}}"))


def _broken_axis(axes, at_bottom: bool) -> None:
    """A gap with two slashes across the value axis, the usual mark for zero left out."""
    from matplotlib.path import Path as Shape

    gap = Shape([(0, -1), (0, 1)], [Shape.MOVETO, Shape.LINETO])
    slashes = Shape(
        [(-1, -1.2), (1, -0.2), (-1, 0.2), (1, 1.2)],
        [Shape.MOVETO, Shape.LINETO, Shape.MOVETO, Shape.LINETO],
    )
    at = {"transform": axes.transAxes, "clip_on": False, "zorder": 5, "linestyle": "none"}
    y = [0.04 if at_bottom else 0.96]
    axes.plot([0], y, marker=gap, markersize=9, markeredgewidth=4, color="white", **at)
    axes.plot([0], y, marker=slashes, markersize=10, markeredgewidth=1, color="black", **at)


def _legend(axes, names: list[str], text: _Text, room: float) -> None:
    """Above the plot: side by side when the names fit, else one under another."""
    names = [text.wrap(name, room - 30) for name in names]
    across = sum(text.width(name) + 40 for name in names) <= room
    axes.legend(
        axes.get_legend_handles_labels()[0],
        names,
        loc="lower left",
        bbox_to_anchor=(0, 1.02),
        ncols=len(names) if across else 1,
        frameon=False,
        borderaxespad=0,
        handlelength=1.5,
    )


def _upright_labels(text: _Text, labels: list[str], variant: Variant) -> bool:
    """Whether category labels fit side by side under upright bars (wrapped to 3 lines)."""
    slot = _plot_points(variant) / len(labels) - 6
    for label in labels:
        lines = text.wrap(label, slot).splitlines()
        if len(lines) > 3 or any(text.width(line) > slot for line in lines):
            return False
    return True


def _lying_height(labels, series, text: _Text, variant: Variant) -> int:
    """CSS px for bars lying down: a row for each label, tall enough for its lines."""
    room = _label_points(variant)
    rows = sum(
        max(len(text.wrap(label, room).splitlines()) * 20, 14 * len(series) + 18)
        for label in labels
    )
    return round(rows + 150)


def _points(px: float) -> float:
    return px * 3 / 4


def _label_points(variant: Variant) -> float:
    """How wide the labels beside bars lying down may be."""
    return _points(variant.width) * 0.35


def _plot_points(variant: Variant, lying: bool = False) -> float:
    """About how wide the plot is: the figure less the labels to its left and padding."""
    left = _label_points(variant) + 12 if lying else 56
    return _points(variant.width) - left


class _Text:
    """Measures text as the chart draws it, to wrap and thin labels before drawing."""

    def __init__(self) -> None:
        from matplotlib.font_manager import FontProperties
        from matplotlib.textpath import TextToPath

        self._font = FontProperties(family=_STYLE["font.family"], size=TEXT_PT)
        self._measure = TextToPath().get_text_width_height_descent

    def width(self, words: str) -> float:
        return max(
            (self._measure(line, self._font, ismath=False)[0] for line in words.splitlines()),
            default=0,
        )

    def wrap(self, words: str, points: float) -> str:
        """Lines no wider than ``points``, broken between words (a long word stays whole)."""
        lines: list[str] = []
        for word in words.split():
            if lines and self.width(f"{lines[-1]} {word}") <= points:
                lines[-1] += f" {word}"
            else:
                lines.append(word)
        return "\n".join(lines)


def decimals_needed(values: list[float]) -> int:
    """As many decimals as the column's most precise figure (8.0 beside 7.7, not 8)."""
    return max(
        max(0, -Decimal(str(float(value))).normalize().as_tuple().exponent) for value in values
    )


def number_text(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"
