"""Reports: what works, read from tallies, never from people.

- conversions.py: views -> signatures -> confirmed, by variant, source or post, with
  the verdict (a winner only with enough data and a clear lead);
- statistics.py: Wilson intervals and the chance one rate beats another (Beta posteriors);
- tables.py: the report as a text table and as CSV (formula-safe), and its wording;
- synthetic.py: views and signatures with known true rates, to try it on;
- cli.py: `flask report conversions` and `flask report synthesize`.

The staff console's Conversions page (console/conversions.py) shows the same report.
"""

from flask import Flask

from .cli import report_cli


def init_app(app: Flask) -> None:
    app.cli.add_command(report_cli)
