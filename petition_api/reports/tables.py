"""The conversion report written out: a text table for the terminal, CSV for a spreadsheet,
and the few ways a rate or a chance is put in words, shared with the console's page.

Every cell that came from a link (a variant, a source, a post id: anyone can put
anything in a URL) goes through formulas.inert, as every export's free text
does, so a spreadsheet never runs it.
"""

from __future__ import annotations

import csv
import io

from ..formulas import inert
from .conversions import Report, Row, chance
from .statistics import Rate

COLUMN = {"variant": "variant", "source": "utm_source", "post": "post"}
CSV_HEADER = (
    "group",
    "value",
    "views (approximate)",
    "signed",
    "signed per view",
    "signed per view, 95% low",
    "signed per view, 95% high",
    "confirmed",
    "confirmed per view",
    "confirmed per view, 95% low",
    "confirmed per view, 95% high",
    "confirmed of signed",
    "chance it beats the first",
)


def percent(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2%}" if value < 0.1 else f"{value:.1%}"


def interval(rate: Rate | None) -> str:
    """ "2.44% (2.15-2.77%)": the rate and its 95% interval."""
    if rate is None:
        return "-"
    low, high = percent(rate.low).rstrip("%"), percent(rate.high)
    return f"{percent(rate.value)} ({low}-{high})"


def number(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _cells(row: Row) -> list[str]:
    marked = f"{row.label} *" if row.views_short else row.label
    return [
        marked,
        number(row.views),
        number(row.signed),
        interval(row.signed_rate),
        number(row.confirmed),
        interval(row.confirmed_rate),
        percent(row.confirmed_share),
        chance(row.beats_first),
    ]


def text(report: Report) -> str:
    heading = ["", "views", "signed", "signed per view", "confirmed", "confirmed per view",
               "confirmed of signed", "beats the first"]  # fmt: skip
    heading[0] = {"variant": "version", "source": "utm_source", "post": "post"}[report.by]
    lines = [f"Conversions: {report.title} ({report.slug}), by {report.by}", ""]
    lines += _aligned([heading, *(_cells(r) for r in report.rows)])
    if not report.rows:
        lines.append("(no views or signatures yet)")
    if report.generations:
        lines += ["", "Referral generations (views are not counted by generation):"]
        lines += _aligned([["generation", "signed", "confirmed", "confirmed of signed"]] + [
            [r.label, number(r.signed), number(r.confirmed), percent(r.confirmed_share)]
            for r in report.generations
        ])  # fmt: skip
    lines += ["", report.verdict.text, "", *report.notes]
    return "\n".join(lines) + "\n"


def _aligned(table: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    return [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in table
    ]


def _decimal(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}"


def _csv_row(group: str, row: Row) -> list[str]:
    def rate(r: Rate | None) -> list[str]:
        return ["", "", ""] if r is None else [_decimal(r.value), _decimal(r.low), _decimal(r.high)]

    return [
        group,
        inert(row.label),
        "" if row.views is None else str(row.views),
        str(row.signed),
        *rate(row.signed_rate),
        str(row.confirmed),
        *rate(row.confirmed_rate),
        _decimal(row.confirmed_share),
        _decimal(row.beats_first),
    ]


def csv_text(report: Report) -> str:
    """The report's rows as CSV (the generations after the sources, group "generation")."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for r in report.rows:
        writer.writerow(_csv_row(COLUMN[report.by], r))
    for r in report.generations:
        writer.writerow(_csv_row("generation", r))
    return out.getvalue()
