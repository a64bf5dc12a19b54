"""The dashboard: how a petition is doing, from counts and tallies, never from signatures.

Every figure comes from the public counts (counting/counts.py) or the tallies
(counting/tallies.py), which hold a few thousand rows per petition however
many people signed; the only count over signatures is of those still pending,
read from an index. `make bench` times this page with 1,000,000 signatures
(console.dashboard.1m).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, render_template, request
from sqlalchemy import func, select

from .. import db, site_look
from ..counting import counts, tallies
from ..models import Petition, Role, Signature, Status, utcnow
from . import charts
from .access import needs

DAYS = 90
HOURS = 48
# How long one page may spend tallying, and how much history it tallies at once.
TALLY_SECONDS = 3.0
STRETCH = timedelta(days=7)
TOP_SOURCES = 15
SOURCE_NAMES = {
    "utm_source": "Source (utm_source)",
    "utm_medium": "Medium (utm_medium)",
    "utm_campaign": "Campaign (utm_campaign)",
    "page": "Page signed on",
    "variant": "Form variant",
    # The post kit's post ids (a message test's variants as <id>.a, <id>.b).
    "post": "Post (utm_content of the post kit's links, by post id)",
}
SERIES = ("Signed", "Confirmed")
# How far a share travelled (signing/referrals.py): counts only, never who brought whom.
GENERATION_NAMES = {"0": "0 (no share)", "1": "1", "2": "2", "3+": "3 or more"}


def open_first() -> list[Petition]:
    """Every petition, the open ones first, each group by slug."""
    with db.reading() as session:
        found = list(session.scalars(select(Petition).order_by(Petition.slug)))
        now = utcnow()
        return sorted(found, key=lambda p: (p.status(now) != "open", p.slug))


def _pending(petition_id: int) -> int:
    with db.reading() as session:
        return session.scalar(
            select(func.count())
            .select_from(Signature)
            .where(Signature.petition_id == petition_id, Signature.status == Status.PENDING)
        )


def _days(hours: dict[str, tuple[int, int]], today: datetime) -> list:
    by_day: dict[str, list[int]] = {}
    for hour, (signed, confirmed) in hours.items():
        day = by_day.setdefault(hour[:10], [0, 0])
        day[0] += signed
        day[1] += confirmed
    first = min(by_day, default=today.strftime("%Y-%m-%d"))
    start = max(datetime.strptime(first, "%Y-%m-%d").date(), (today - timedelta(DAYS - 1)).date())
    span = (today.date() - start).days + 1
    labels = [(start + timedelta(d)).isoformat() for d in range(span)]
    return [(label, tuple(by_day.get(label, (0, 0)))) for label in labels]


def _hours(hours: dict[str, tuple[int, int]], now: datetime) -> list:
    labels = [(now - timedelta(hours=h)).strftime("%Y-%m-%d %H") for h in range(HOURS - 1, -1, -1)]
    return [(label, hours.get(label, (0, 0))) for label in labels]


def _sources(tallied: dict, palette: tuple[str, str]) -> list[tuple[str, charts.Chart, list]]:
    shown = []
    for dimension, name in SOURCE_NAMES.items():
        values = sorted(tallied[dimension].items(), key=lambda kv: (-kv[1][0], kv[0]))
        if not values or [k for k, _ in values] == [""]:
            continue  # nobody came with this attribution: no chart to read
        rows = [(key or "(none)", pair) for key, pair in values[:TOP_SOURCES]]
        rates = [_rate(c, s) for _, (s, c) in rows]
        shown.append((name, charts.bars(name, SERIES, rows, palette), rates))
    return shown


def _referrals(tallied: dict, palette: tuple[str, str]) -> dict:
    """Signatures through share links by network (None before any), and by generation."""
    via = sorted(
        ((k, pair) for k, pair in tallied["shared_via"].items() if k),
        key=lambda kv: (-kv[1][0], kv[0]),
    )[:TOP_SOURCES]
    generations = [
        (name, tallied["generation"].get(key, (0, 0))) for key, name in GENERATION_NAMES.items()
    ]

    def drawn(title: str, rows: list) -> tuple[charts.Chart, list[str]]:
        return charts.bars(title, SERIES, rows, palette), [_rate(c, s) for _, (s, c) in rows]

    return {
        "via": drawn("Signatures through a share link, by network", via) if via else None,
        "generation": drawn("Signatures by referral generation", generations),
    }


def _rate(confirmed: int, signed: int) -> str:
    """The share as a whole percentage; never 100% or 0% unless it is exactly that."""
    if not signed:
        return "-"
    share = round(100 * confirmed / signed)
    if share == 100 and confirmed < signed:
        return ">99%"
    if share == 0 and confirmed:
        return "<1%"
    return f"{share}%"


@needs(Role.EDITOR)
def dashboard():
    petitions = open_first()
    if not petitions:
        return render_template("console/dashboard.html", petitions=[], petition=None)
    chosen = request.args.get("petition") or petitions[0].slug
    petition = next((p for p in petitions if p.slug == chosen), None)
    if petition is None:
        abort(404, description=f"There is no petition called {chosen!r}.")
    tallied_until, caught_up = tallies.catch_up(petition.id, TALLY_SECONDS, STRETCH)
    by_state = counts.snapshot(petition.id)
    with db.reading() as session:
        tallied = tallies.read(session, petition.id)
        # Caught up, the tallies stop two minutes ago: the minutes since are read
        # live, so submitted and the share confirmed are of now, like the counts.
        since = (0, 0)
        if caught_up:
            since = tallies.since_mark(session, petition.id, tallied_until)
    now = datetime.now(UTC)
    confirmed = sum(by_state.values())
    signed = sum(s for s, _ in tallied["hour"].values()) + since[0]
    confirmed_of_signed = sum(c for _, c in tallied["hour"].values()) + since[1]
    states = sorted(by_state.items(), key=lambda kv: (-kv[1], kv[0]))
    palette = charts.colours(site_look.current())
    return render_template(
        "console/dashboard.html",
        petitions=petitions,
        petition=petition,
        status=petition.status(utcnow()),
        confirmed=confirmed,
        pending=_pending(petition.id),
        signed=signed,
        rate=_rate(confirmed_of_signed, signed),
        tallied_until=tallied_until,
        caught_up=caught_up,
        progress=min(100, round(100 * confirmed / petition.goal)) if petition.goal else None,
        per_day=charts.columns(
            "Signatures per day (UTC)", SERIES, _days(tallied["hour"], now), palette, every=7
        ),
        per_hour=charts.columns(
            f"Signatures per hour, last {HOURS} hours (UTC)",
            SERIES,
            _hours(tallied["hour"], now),
            palette,
            every=6,
        ),
        per_state=charts.bars(
            "Confirmed signatures by state",
            ("Confirmed",),
            [(state or "(unknown)", (n,)) for state, n in states],
            palette,
        ),
        sources=_sources(tallied, palette),
        referrals=_referrals(tallied, palette),
    )


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/", "dashboard", dashboard)
