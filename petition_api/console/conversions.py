"""Conversions: the conversion report (reports/) at the console, a chart and a table.

The same report `flask report conversions` prints, read from the tallies only:
views (approximate), signatures and confirmations by variant, source or post,
each rate with its 95% interval, and the verdict, which names a winner only
with enough data. The CSV download is the command's `--csv`: counts of
visits and signatures, nothing about anyone, so it is not audited as the
signature exports are.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from .. import site_look
from ..models import Role
from ..reports import conversions, tables
from . import charts
from .access import needs
from .dashboard import open_first

# A page waits less for a petition's first tally than a command (the dashboard's bound).
TALLY_SECONDS = 3.0
# A row with fewer views has an interval too wide to draw beside the others: the
# table gives it.
CHART_MIN_VIEWS = 100
BY_NAMES = {
    "variant": "Versions of the page",
    "source": "Sources (utm_source)",
    "post": "Posts of the post kit",
}


def _chosen():
    petitions = open_first()
    if not petitions:
        return petitions, None, "variant"
    slug = request.args.get("petition") or petitions[0].slug
    petition = next((p for p in petitions if p.slug == slug), None)
    if petition is None:
        abort(404, description=f"There is no petition called {slug!r}.")
    by = request.args.get("by", "variant")
    if by not in conversions.BY:
        abort(404, description=f"The report is by {', '.join(conversions.BY)}, not {by!r}.")
    return petitions, petition, by


def _chart(report: conversions.Report) -> charts.Chart | None:
    drawn = [
        (r.label, r.confirmed_rate.value, r.confirmed_rate.low, r.confirmed_rate.high)
        for r in report.rows
        if r.confirmed_rate is not None and r.views >= CHART_MIN_VIEWS
    ]
    if not drawn:
        return None
    palette = charts.colours(site_look.current())
    title = "Confirmed signatures per view, with 95% intervals"
    return charts.intervals(title, drawn, palette, tables.percent)


@needs(Role.EDITOR)
def conversions_page():
    petitions, petition, by = _chosen()
    if petition is None:
        return render_template("console/conversions.html", petitions=[], petition=None)
    report = conversions.of(petition, by, TALLY_SECONDS)
    return render_template(
        "console/conversions.html",
        petitions=petitions,
        petition=petition,
        by=by,
        by_names=BY_NAMES,
        report=report,
        chart=_chart(report),
        chart_min_views=CHART_MIN_VIEWS,
        cells=tables,
    )


@needs(Role.EDITOR)
def conversions_csv():
    _, petition, by = _chosen()
    if petition is None:
        abort(404, description="No petitions yet.")
    report = conversions.of(petition, by, TALLY_SECONDS)
    name = f"conversions-{petition.slug}-by-{by}.csv"
    return current_app.response_class(
        tables.csv_text(report),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/conversions", "conversions", conversions_page)
    bp.add_url_rule("/conversions.csv", "conversions_csv", conversions_csv)
