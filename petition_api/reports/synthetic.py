"""Synthetic views and signatures with known true rates, for trying the conversion report
(never in production): `flask report synthesize`.

Each version of the page gets `views` views; each view signs with the version's
true rate and each signer confirms with `confirm_rate`, drawn from a seeded
generator, so the same seed makes the same data. The signatures are the exports'
synthetic ones (`@example.invalid`, `utm_source=synthetic`), carrying the version
as their variant; the views go through the beacon's own writer, spread over the
last day's hours.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from .. import db
from ..counting import views
from ..exports import synthetic as signatures
from ..models import Petition

SOURCE = "synthetic"


@dataclass(frozen=True)
class Made:
    variant: str
    views: int
    signed: int
    confirmed: int


def draws(rng: random.Random, n: int, rate: float) -> int:
    """How many of n independent trials succeed at `rate` (a binomial draw), by jumping
    from one success to the next (geometric gaps): as many steps as successes, not trials."""
    if rate <= 0:
        return 0
    if rate >= 1:
        return n
    log_miss = math.log1p(-rate)
    successes, at = 0, -1
    while True:
        at += 1 + int(math.log(1.0 - rng.random()) / log_miss)
        if at >= n:
            return successes
        successes += 1


def generate(
    slug: str, rates: dict[str, float], views_each: int, confirm_rate: float, seed: int | None
) -> list[Made]:
    """Views and signatures for each version (`rates`: {variant: true signing rate},
    "" the main page); returns what each was given."""
    with db.reading() as session:
        petition = session.scalar(Petition.named(slug))
    if petition is None:
        raise signatures.SyntheticError(f"no petition called {slug!r}")
    rng = random.Random(seed)
    made = []
    for variant, rate in rates.items():
        signed = draws(rng, views_each, rate)
        confirmed = draws(rng, signed, confirm_rate)
        _views(petition.id, variant, views_each, rng)
        for count, status in ((confirmed, "validated"), (signed - confirmed, "pending")):
            if count:
                signatures.generate(slug, count, rng.randrange(2**32), status, variant, SOURCE)
        made.append(Made(variant, views_each, signed, confirmed))
    return made


def _views(petition_id: int, variant: str, n: int, rng: random.Random) -> None:
    hour = views.this_hour()
    spread = Counter(rng.randrange(24) for _ in range(n))
    views.write(
        Counter(
            {
                views.ViewKey(petition_id, hour - timedelta(hours=h), variant, SOURCE): k
                for h, k in spread.items()
            }
        )
    )
