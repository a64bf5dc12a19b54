"""Bar charts as SVG, drawn on the server: no script and no third-party code.

This module works out the geometry (bars, labels, the axis); the template
console/_chart.html draws it as SVG, with Jinja's escaping, and puts the same
numbers in a table behind it for screen readers (and anyone wanting figures).
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 720
COLOURS = ("var(--link)", "var(--accent)")


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
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    axis: float | None = None  # the y of the baseline, for column charts

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def summary(self) -> str:
        totals = [sum(values[j] for _, values in self.rows) for j in range(len(self.columns))]
        return "; ".join(
            f"{name}: {total:,} in all" for name, total in zip(self.columns, totals, strict=True)
        )


def _top(rows) -> int:
    return max([1, *(v for _, vs in rows for v in vs)])


def columns(
    title: str, names: tuple[str, ...], rows: list[tuple[str, tuple[int, ...]]], every: int = 1
) -> Chart:
    """Vertical bars, a group per row (a day, an hour), a bar per series."""
    height, bottom, left = 220, 24, 44
    base = height - bottom
    top = _top(rows)
    slot = (WIDTH - left - 8) / max(1, len(rows))
    thick = max(1.0, slot * 0.8 / len(names))
    chart = Chart(title, names, rows, height, axis=base)
    chart.labels.extend([Label(left - 4, 16, f"{top:,}", "end"), Label(left - 4, base, "0", "end")])
    for i, (label, values) in enumerate(rows):
        x = left + i * slot + slot * 0.1
        for j, value in enumerate(values):
            h = (base - 10) * value / top
            tip = f"{label}: {names[j]} {value:,}"
            chart.bars.append(Bar(x + j * thick, base - h, thick, h, COLOURS[j % 2], tip))
        if i % every == 0:
            chart.labels.append(Label(x, height - 6, _short(label)))
    return chart


def bars(title: str, names: tuple[str, ...], rows: list[tuple[str, tuple[int, ...]]]) -> Chart:
    """Horizontal bars, in the order given, a line per row (a state, a source)."""
    line, left, room = 18, 150, WIDTH - 150 - 70
    top = _top(rows)
    chart = Chart(title, names, rows, line * max(1, len(rows)) + 8)
    thick = (line - 4) / len(names)
    for i, (label, values) in enumerate(rows):
        y = 4 + i * line
        chart.labels.append(Label(left - 6, y + 12, label[:24], "end"))
        for j, value in enumerate(values):
            tip = f"{label}: {names[j]} {value:,}"
            chart.bars.append(
                Bar(left, y + j * thick, room * value / top, thick, COLOURS[j % 2], tip)
            )
        chart.labels.append(Label(left + 4 + room * max(values) / top, y + 12, f"{max(values):,}"))
    return chart


def _short(label: str) -> str:
    """ "2026-12-03 14" -> "14h"; "2026-12-03" -> "12-03"."""
    if len(label) == 13:
        return f"{label[-2:]}h"
    return label[5:] if len(label) == 10 else label
