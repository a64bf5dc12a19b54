"""Bar charts as SVG, drawn on the server: no script and no third-party code.

This module works out the geometry (bars, labels, the axis) and the colours; the
template console/_chart.html draws it as SVG, with Jinja's escaping, a legend
above it whenever there are two series, and the same numbers in a table behind
it for screen readers (and anyone wanting figures).
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 720
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
    x: float
    y: float
    width: float
    height: float
    colour: str
    tip: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(frozen=True)
class Chart:
    title: str
    columns: tuple[str, ...]  # the series' names, e.g. ("Signed", "Confirmed")
    rows: list[tuple[str, tuple[int, ...]]]  # (label, one value per series)
    height: int
    colours: tuple[str, ...]  # one per series
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    axis: float | None = None  # the y of the baseline, for column charts

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def legend(self) -> list[tuple[str, str]]:
        """(series, colour) when there is more than one series to tell apart."""
        return list(zip(self.columns, self.colours, strict=False)) if len(self.columns) > 1 else []

    @property
    def summary(self) -> str:
        totals = [sum(values[j] for _, values in self.rows) for j in range(len(self.columns))]
        return "; ".join(
            f"{name}: {total:,} in all" for name, total in zip(self.columns, totals, strict=True)
        )


def _top(rows) -> int:
    return max([1, *(v for _, vs in rows for v in vs)])


def columns(
    title: str,
    names: tuple[str, ...],
    rows: list[tuple[str, tuple[int, ...]]],
    palette: tuple[str, ...],
    every: int = 1,
) -> Chart:
    """Vertical bars, a group per row (a day, an hour), a bar per series."""
    height, bottom, left = 220, 24, 44
    base = height - bottom
    top = _top(rows)
    slot = (WIDTH - left - 8) / max(1, len(rows))
    thick = max(1.0, slot * 0.8 / len(names))
    chart = Chart(title, names, rows, height, palette[: len(names)], axis=base)
    chart.labels.extend([Label(left - 4, 16, f"{top:,}", "end"), Label(left - 4, base, "0", "end")])
    for i, (label, values) in enumerate(rows):
        x = left + i * slot + slot * 0.1
        for j, value in enumerate(values):
            h = (base - 10) * value / top
            tip = f"{label}: {names[j]} {value:,}"
            chart.bars.append(Bar(x + j * thick, base - h, thick, h, chart.colours[j], tip))
        if i % every == 0:
            chart.labels.append(Label(x, height - 6, _short(label)))
    return chart


def bars(
    title: str,
    names: tuple[str, ...],
    rows: list[tuple[str, tuple[int, ...]]],
    palette: tuple[str, ...],
) -> Chart:
    """Horizontal bars, in the order given, a line per row (a state, a source)."""
    line, left, room = 18, 150, WIDTH - 150 - 70
    top = _top(rows)
    chart = Chart(title, names, rows, line * max(1, len(rows)) + 8, palette[: len(names)])
    thick = (line - 4) / len(names)
    for i, (label, values) in enumerate(rows):
        y = 4 + i * line
        chart.labels.append(Label(left - 6, y + 12, label[:24], "end"))
        for j, value in enumerate(values):
            tip = f"{label}: {names[j]} {value:,}"
            chart.bars.append(
                Bar(left, y + j * thick, room * value / top, thick, chart.colours[j], tip)
            )
        chart.labels.append(Label(left + 4 + room * max(values) / top, y + 12, f"{max(values):,}"))
    return chart


def _short(label: str) -> str:
    """ "2026-12-03 14" -> "14h"; "2026-12-03" -> "12-03"."""
    if len(label) == 13:
        return f"{label[-2:]}h"
    return label[5:] if len(label) == 10 else label
