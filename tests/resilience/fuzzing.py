"""What the fuzz tests share: an app with no limits in the way, and the row counts."""

from __future__ import annotations

import atexit
import os

from sqlalchemy import func, select

from petition_api.models import Outbox, Signature, ViewTally

from ..conftest import database, prepared_app
from .support import UNLIMITED

# How many generated cases each fuzz test runs: a few in `make test`, many in
# `make bench` (bench/run.py sets it so the total passes 10,000).
EXAMPLES = int(os.environ.get("GROUNDSWELL_FUZZ_EXAMPLES", "25"))
# Schemathesis runs this many per documented operation.
OPENAPI_EXAMPLES = int(os.environ.get("GROUNDSWELL_OPENAPI_EXAMPLES", "10"))
# bench/run.py asks for the number of cases actually run (each process appends one line).
TALLY_FILE = os.environ.get("GROUNDSWELL_FUZZ_TALLY", "")
_cases = [0]


def tally() -> None:
    _cases[0] += 1


def _write_tally() -> None:
    if TALLY_FILE and _cases[0]:
        with open(TALLY_FILE, "a", encoding="utf-8") as out:
            out.write(f"{_cases[0]}\n")


atexit.register(_write_tally)


def fuzz_app(tmp_path):
    app = prepared_app(
        f"sqlite:///{tmp_path / 'fuzz.db'}",
        tmp_path,
        LIMIT_IP_SOFT=UNLIMITED,
        LIMIT_IP_HARD=UNLIMITED,
        LIMIT_PETITION=UNLIMITED,
        LIMIT_IP_OTHER=UNLIMITED,  # thousands of confirmation links from one address
        LIMIT_VIEWS=UNLIMITED,
        TESTING=False,  # errors go through the handlers, as in production
    )
    return app


def rows(app) -> tuple[int, int, int]:
    """Signatures, messages, and views counted (written or still held by the process)."""
    with database(app) as session:
        return (
            session.scalar(select(func.count()).select_from(Signature)),
            session.scalar(select(func.count()).select_from(Outbox)),
            (session.scalar(select(func.sum(ViewTally.views))) or 0)
            + app.extensions["view_counter"].held(),
        )


def accepted(status: int) -> bool:
    """Answers after which a new row may exist: a signature taken or confirmed, a view
    counted."""
    return status in (200, 201, 204, 303)
