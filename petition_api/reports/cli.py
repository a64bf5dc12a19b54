"""`flask report ...`: the conversion report in a terminal or as CSV, and data to try it on."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..exports.synthetic import SyntheticError
from ..petitions.cli import petition_named
from . import conversions, synthetic, tables

report_cli = AppGroup("report", help="Reports on what works: views, signatures, confirmations.")
# A command may wait longer than a page for a petition's first tally.
TALLY_SECONDS = 60.0


@report_cli.command("conversions")
@click.argument("slug")
@click.option(
    "--by",
    type=click.Choice(conversions.BY),
    default="variant",
    show_default=True,
    help="versions of the page, sources (utm_source, and referral generations), or posts "
    "of the post kit",
)
@click.option("--csv", "as_csv", is_flag=True, help="CSV for a spreadsheet instead of a table")
def conversions_command(slug, by, as_csv):
    """Views, signatures and confirmed signatures of a petition, with rates, 95% intervals
    and, by variant, the chance each beats the main page."""
    report = conversions.of(petition_named(slug), by, TALLY_SECONDS)
    click.echo(tables.csv_text(report) if as_csv else tables.text(report), nl=False)


def _rate(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise ValueError(text)
    return value


@report_cli.command("synthesize")
@click.argument("slug")
@click.option(
    "--main", "main_rate", type=float, required=True, help="the main page's true signing rate"
)
@click.option(
    "--variant",
    "variants",
    multiple=True,
    metavar="NAME=RATE",
    help="a variant and its true signing rate (repeat for each)",
)
@click.option(
    "--views",
    "views_each",
    type=click.IntRange(1, 1_000_000),
    default=10_000,
    show_default=True,
    help="views of each version",
)
@click.option(
    "--confirm-rate",
    type=float,
    default=0.8,
    show_default=True,
    help="the share of signers who confirm",
)
@click.option("--seed", type=int, default=None, help="for the same data every time")
def synthesize_command(slug, main_rate, variants, views_each, confirm_rate, seed):
    """Add synthetic views and signatures with known true rates (example.invalid addresses),
    to try the report; refused in production."""
    if current_app.config["ENV"] == "production":
        raise click.ClickException("refusing to add synthetic data in production")
    rates = {"": main_rate}
    try:
        for given in variants:
            name, _, rate = given.partition("=")
            if not name or name in rates:
                raise ValueError(given)
            rates[name] = _rate(rate)
        for rate in (main_rate, confirm_rate):
            _rate(str(rate))
    except ValueError as error:
        raise click.BadParameter(
            f"{error}: each rate is a number from 0 to 1, each variant NAME=RATE once"
        ) from None
    try:
        made = synthetic.generate(slug, rates, views_each, confirm_rate, seed)
    except SyntheticError as error:
        raise click.ClickException(str(error)) from None
    for m in made:
        name = m.variant or "main page"
        click.echo(f"{name}: {m.views:,} views, {m.signed:,} signed, {m.confirmed:,} confirmed")
