"""Bar charts as SVG, drawn on the server: no script and no third-party code.

This module works out the geometry (bars, labels, the axis) and the colours; the
template console/_chart.html draws it as SVG, with Jinja's escaping, a legend
above it whenever there are two series, and the same numbers in a table behind
it for screen readers (and anyone wanting figures).

Drawn for whatever width it is shown at, with nothing scaled: the SVG has no
viewBox, so its text is TEXT_PX on a phone as on a desk (a viewBox 720 wide shown
300 px wide drew 11 px text at 4.6 px). Across, bars and labels are placed in
percent of the plot; up, in px. The value axis's labels sit in a gutter left of
the plot, in px, as wide as the longest needs. Labels along a column chart's
time axis are thinned for the plot's width: those that fit only a wider screen
are drawn with class "wide-only", which the console hides below WIDE_SCREEN_PX.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

TEXT_PX = 12
# A generous width for one character of TEXT_PX sans-serif (digits are 0.56 em).
CHAR_PX = 7.2
LABEL_GAP_PX = 10
# The plot's narrowest width on a 320 px phone, and below the screen width at which
# the wide-only labels show (base.html's media query says the same number).
NARROW_FIGURE_PX = 262
WIDE_SCREEN_PX = 700
WIDE_FIGURE_PX = WIDE_SCREEN_PX - 58  # the page's and the figure's padding
# Horizontal bars: the row labels' column never takes more than this of a phone.
LABEL_COLUMN_PX = 130
# Intervals: the scale runs to this many times the largest rate at most.
WIDEST = 3.0
# WCAG 1.4.11: a bar must stand out from the white it is drawn on by 3:1.
BAR_CONTRAST = 3.0


def colours(look) -> tuple[str, str]:
    """The campaign's colours for two series: its link colour (already 4.5:1 on white)
    and its accent, darkened only as far as a bar needs to stand out from white."""
    return look.link, darkened(look.accent, BAR_CONTRAST)


def darkened(colour: str, ratio: float) -> str:
    """``#rrggbb`` made darker in small steps until it stands out from white at ``ratio``."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    for step in range(0, 101, 2):
        shade = [round(c * (1 - step / 100)) for c in rgb]
        if _contrast_with_white(shade) >= ratio:
            return "#{:02x}{:02x}{:02x}".format(*shade)
    return "#000000"


def _contrast_with_white(rgb: list[int]) -> float:
    def linear(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(v) for v in rgb)
    return 1.05 / (0.2126 * red + 0.7152 * green + 0.0722 * blue + 0.05)


@dataclass(frozen=True)
class Bar:
    x: float  # percent of the plot's width
    y: float  # px
    width: float  # percent
    height: float  # px
    colour: str
    tip: str


@dataclass(frozen=True)
class Label:
    x: float  # percent of the plot's width; or px left of the plot, in the gutter
    y: float  # px
    text: str
    anchor: str = "start"
    in_gutter: bool = False  # x is px left of the plot (the value axis, row names)
    wide_only: bool = False  # there is room for it only on a wider screen
    dx: float = 0  # px after x (a bar's value, just past its end)
    tip: str = ""  # the whole label, when the chart shortens it


@dataclass(frozen=True)
class Chart:
    title: str
    columns: tuple[str, ...]  # the series' names, e.g. ("Signed", "Confirmed")
    rows: list[tuple[str, tuple[int, ...]]]  # (label, one value per series)
    height: int  # px
    colours: tuple[str, ...]  # one per series
    gutter: float  # px left of the plot, for its labels
    room: float  # px right of the plot, for what sticks out of it (values, a last label)
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    axis: float | None = None  # the y of the baseline, for column charts
    said: str = ""  # what the chart shows in a sentence, when totals would not say it
    text_px = TEXT_PX  # every chart's (not a field)

    @property
    def legend(self) -> list[tuple[str, str]]:
        """(series, colour) when there is more than one series to tell apart."""
        if self.said:
            return []  # one series drawn: a rate on its interval
        return list(zip(self.columns, self.colours, strict=False)) if len(self.columns) > 1 else []

    @property
    def summary(self) -> str:
        if self.said:
            return self.said
        totals = [sum(values[j] for _, values in self.rows) for j in range(len(self.columns))]
        return "; ".join(
            f"{name}: {total:,} in all" for name, total in zip(self.columns, totals, strict=True)
        )


def _top(rows) -> int:
    return max([1, *(v for _, vs in rows for v in vs)])


def _px(text: str) -> float:
    return len(text) * CHAR_PX


def columns(
    title: str,
    names: tuple[str, ...],
    rows: list[tuple[str, tuple[int, ...]]],
    palette: tuple[str, ...],
    every: int = 1,
) -> Chart:
    """Vertical bars, a group per row (a day, an hour), a bar per series; a label every
    `every` rows at least, fewer where the plot is too narrow for them."""
    height, bottom, top_y = 220, 24, 16
    base = height - bottom
    top = _top(rows)
    shown = [_short(label) for label, _ in rows]
    label_px = max(map(_px, shown), default=0)
    gutter = _px(f"{top:,}") + 8
    chart = Chart(title, names, rows, height, palette[: len(names)], gutter, label_px, axis=base)
    chart.labels.extend(
        [
            Label(4, top_y + 4, f"{top:,}", "end", in_gutter=True),
            Label(4, base, "0", "end", in_gutter=True),
        ]
    )
    slot = 100 / max(1, len(rows))
    thick = slot * 0.8 / len(names)
    plot = (WIDE_FIGURE_PX - gutter - label_px, NARROW_FIGURE_PX - gutter - label_px)
    wide, narrow = _label_steps(every, len(rows), label_px, plot)
    for i, (label, values) in enumerate(rows):
        x = i * slot + slot * 0.1
        for j, value in enumerate(values):
            h = (base - top_y) * value / top
            tip = f"{label}: {names[j]} {value:,}"
            chart.bars.append(Bar(x + j * thick, base - h, thick, h, chart.colours[j], tip))
        if i % wide == 0:
            chart.labels.append(Label(x, height - 6, shown[i], wide_only=i % narrow != 0))
    return chart


def _label_steps(
    every: int, count: int, label_px: float, plots: tuple[float, float]
) -> tuple[int, int]:
    """Label every how many rows on a wide plot and on a narrow one: multiples of `every`
    (each narrow step a multiple of the wide one, so a phone shows some of the same
    labels), far enough apart for a label and a gap."""
    steps = []
    step = every
    for plot in plots:
        while step < count and plot * step / max(1, count) < label_px + LABEL_GAP_PX:
            step += steps[0] if steps else every
        steps.append(step)
    return steps[0], steps[1]


def bars(
    title: str,
    names: tuple[str, ...],
    rows: list[tuple[str, tuple[int, ...]]],
    palette: tuple[str, ...],
) -> Chart:
    """Horizontal bars, in the order given, a line per row (a state, a source); a row's
    name beside it (shortened to fit a phone: the table and the tip say it whole)."""
    line = 22
    top = _top(rows)
    fits = int((LABEL_COLUMN_PX - 8) / CHAR_PX)
    names_shown = [_shortened(label, fits) for label, _ in rows]
    gutter = max(map(_px, names_shown), default=0) + 8
    room = _px(f"{top:,}") + 6
    chart = Chart(
        title, names, rows, line * max(1, len(rows)) + 4, palette[: len(names)], gutter, room
    )
    thick = (line - 6) / len(names)
    for i, (label, values) in enumerate(rows):
        y = 3 + i * line
        tip = label if names_shown[i] != label else ""
        chart.labels.append(Label(6, y + 13, names_shown[i], "end", in_gutter=True, tip=tip))
        for j, value in enumerate(values):
            tip = f"{label}: {names[j]} {value:,}"
            chart.bars.append(
                Bar(0, y + j * thick, 100 * value / top, thick, chart.colours[j], tip)
            )
        chart.labels.append(Label(100 * max(values) / top, y + 13, f"{max(values):,}", dx=4))
    return chart


def intervals(
    title: str,
    rows: list[tuple[str, float, float, float]],
    palette: tuple[str, ...],
    shown: Callable[[float], str],
) -> Chart:
    """A rate per row (label, rate, 95% low, 95% high) as a mark on a line across its
    interval, all on one scale from 0, the rate written past the line's end. The
    table behind it gives each as `shown` writes it."""
    line = 24
    top = max([0.0, *(high for _, _, _, high in rows)]) or 1.0
    # A row with few views has a wide interval: past WIDEST x the largest rate it runs
    # to the edge (the table and the tip give it whole), so the others stay readable.
    top = min(top, WIDEST * max(rate for _, rate, _, _ in rows)) or top
    fits = int((LABEL_COLUMN_PX - 8) / CHAR_PX)
    names_shown = [_shortened(label, fits) for label, *_ in rows]
    gutter = max(map(_px, names_shown), default=0) + 8
    room = _px("99.99%") + 6
    table = [(label, tuple(map(shown, values))) for label, *values in rows]
    height = line * len(rows) + 22
    said = (
        f"Each row's rate, from {shown(min(r[1] for r in rows))} to "
        f"{shown(max(r[1] for r in rows))}, with its 95% interval"
        if rows
        else "No rates yet"
    )
    chart = Chart(
        title, ("Rate", "95% low", "95% high"), table, height, palette[:1], gutter, room,
        said=said,
    )  # fmt: skip
    colour = palette[0]
    for i, (label, rate, low, high) in enumerate(rows):
        y = 3 + i * line
        tip = label if names_shown[i] != label else ""
        chart.labels.append(Label(6, y + 13, names_shown[i], "end", in_gutter=True, tip=tip))
        x0, x1 = min(100.0, 100 * low / top), min(100.0, 100 * high / top)
        spread = f"{label}: {shown(rate)}, 95% interval {shown(low)} to {shown(high)}"
        chart.bars.append(Bar(x0, y + 8, max(x1 - x0, 0.3), 3, colour, spread))
        mark = min(100.0, 100 * rate / top)
        chart.bars.append(Bar(max(0.0, mark - 0.6), y + 2, 1.2, 15, colour, spread))
        chart.labels.append(Label(x1, y + 13, shown(rate), dx=4))
    bottom = line * len(rows) + 16
    chart.labels.extend([Label(0, bottom, shown(0.0)), Label(100, bottom, shown(top), "end")])
    return chart


def _shortened(label: str, fits: int) -> str:
    return label if len(label) <= fits else label[: fits - 1].rstrip() + "…"


def _short(label: str) -> str:
    """ "2026-12-03 14" -> "14h"; "2026-12-03" -> "12-03"."""
    if len(label) == 13:
        return f"{label[-2:]}h"
    return label[5:] if len(label) == 10 else label
