"""The conversion report: views -> signatures -> confirmed, by variant, source or post.

Read from tallies alone, never from signatures or visitors: views from
`view_tallies` (counting/views.py), signatures and confirmations from the
dashboard's `petition_tallies` (counting/tallies.py), each by the same key (the
variant, `utm_source`, or the post kit's post id). Each row gives both rates
per view with 95% Wilson intervals and, for variants, the probability that it
beats the first (the main page, without a variant) on confirmed signatures per
view (statistics.py). A winner is named only when every version has enough
data and the leader beats each other one with probability CALL_AT (97.5%).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import db
from ..counting import tallies, views
from ..models import Petition, PetitionVariant
from .statistics import Rate, probability_beats, wilson

BY = ("variant", "source", "post")
# Which tally (counting/tallies.py) and which views (counting/views.py) each reads.
DIMENSION = {"variant": "variant", "source": "utm_source", "post": "post"}
FIRST = ""  # the main page: the variant every other is compared with
MIN_VIEWS = 1000
MIN_CONFIRMED = 30
# Either version may end up ahead, so a winner needs 97.5% each way: when no version is
# better, a test of two versions called once then names a false winner 1 time in 20.
CALL_AT = 0.975
# The referral generations (signing/referrals.py), shown beside the sources.
GENERATIONS = {"0": "no share link", "1": "1 share away", "2": "2 shares away", "3+": "3 or more"}
NONE = {"variant": "(main page)", "source": "(none)", "post": "(none)"}

NOT_ENOUGH = "Not enough data to call yet"
PEEKING = (
    "Reading this report every hour and stopping as soon as it names a winner finds "
    "false winners far more often than the 1 time in 20 of a test called once (in a "
    "simulated half day of hourly looks at two identical versions, 1 time in 6): decide "
    "before the test how many views each version needs, and call it once, when they "
    "have them."
)
APPROXIMATE = (
    "Views are approximate: the page's script counts them, so visitors without "
    "JavaScript or with a blocker, robots, networks over the view limit, and the last "
    "seconds' views are not counted. Signatures and confirmations are exact"
)
NOT_A_TEST = (
    "Sources reach different people, so their rates are not a test of each other: "
    "compare them with care."
)


@dataclass(frozen=True)
class Group:
    """The counts behind one row."""

    key: str
    views: int
    signed: int
    confirmed: int


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    views: int | None  # None: views are not counted this way (referral generations)
    signed: int
    confirmed: int
    signed_rate: Rate | None  # signatures per view
    confirmed_rate: Rate | None  # confirmed signatures per view
    beats_first: float | None  # P(this version's confirmed rate > the first's)
    views_short: bool = False  # more signatures than counted views

    @property
    def confirmed_share(self) -> float | None:
        """Confirmed of signed."""
        return self.confirmed / self.signed if self.signed else None


@dataclass(frozen=True)
class Verdict:
    text: str
    winner: str | None = None  # a row's key


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    by: str
    rows: list[Row]
    verdict: Verdict
    counted_until: datetime | None
    generations: list[Row] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        until = self.counted_until
        exact = f" (counted up to {until:%Y-%m-%d %H:%M} UTC)." if until else "."
        notes = [APPROXIMATE + exact]
        if any(row.views_short for row in self.rows):
            notes.append(
                "Rows marked * have more signatures than counted views (signers whose "
                "browser ran no script, or forms elsewhere): their rates use the signatures."
            )
        notes.append(PEEKING if self.by == "variant" else NOT_A_TEST)
        return notes


def chance(value: float | None) -> str:
    """A probability as a person reads it: never 100% or 0% unless it is exactly that."""
    if value is None:
        return "-"
    if value > 0.999:
        return ">99.9%"
    if value < 0.001:
        return "<0.1%"
    return f"{value:.1%}"


def row(group: Group, label: str, first: Group | None) -> Row:
    """A group's rates per view and, against `first`, its chance of beating it."""
    trials = max(group.views, group.signed)
    if not group.views:
        return Row(group.key, label, 0, group.signed, group.confirmed, None, None, None)
    beats = None
    if first is not None and first.key != group.key and first.views:
        beats = probability_beats(
            group.confirmed, trials, first.confirmed, max(first.views, first.signed)
        )
    return Row(
        group.key,
        label,
        group.views,
        group.signed,
        group.confirmed,
        wilson(group.signed, trials),
        wilson(group.confirmed, trials),
        beats,
        views_short=group.signed > group.views,
    )


def compare(
    groups: list[Group], by: str, declared: tuple[str, ...] = ()
) -> tuple[list[Row], Verdict]:
    """The rows and the verdict. Variants: the main page first, then the variants in
    the order the petition declares them (`declared`), then any other by views;
    sources and posts by views."""
    if by == "variant":
        place = {key: i for i, key in enumerate((FIRST, *declared))}
        ordered = sorted(groups, key=lambda g: (place.get(g.key, len(place)), -g.views, g.key))
    else:
        ordered = sorted(groups, key=lambda g: (-g.views, -g.signed, g.key))
    first = ordered[0] if by == "variant" and ordered else None
    rows = [row(g, g.key or NONE[by], first) for g in ordered]
    if by != "variant":
        return rows, Verdict(NOT_A_TEST)
    return rows, verdict([g for g in ordered if g.views], rows)


def verdict(seen: list[Group], rows: list[Row]) -> Verdict:
    """Name a winner only with enough data and a clear lead over every other version."""
    labels = {r.key: r.label for r in rows}
    if len(seen) < 2:
        return Verdict("Only one version of the page has views yet: nothing to compare.")
    short = [g for g in seen if g.views < MIN_VIEWS or g.confirmed < MIN_CONFIRMED]
    if short:
        g = min(short, key=lambda g: (g.views >= MIN_VIEWS, g.confirmed, g.views))
        return Verdict(
            f"{NOT_ENOUGH}: each version needs at least {MIN_VIEWS:,} views and "
            f"{MIN_CONFIRMED} confirmed signatures, and {labels[g.key]} has "
            f"{g.views:,} views and {g.confirmed:,} confirmed."
        )

    def trials(g: Group) -> int:
        return max(g.views, g.signed)

    leader = max(seen, key=lambda g: ((g.confirmed + 1) / (trials(g) + 2), g.key == FIRST))
    chances = {
        g.key: probability_beats(leader.confirmed, trials(leader), g.confirmed, trials(g))
        for g in seen
        if g is not leader
    }
    closest = min(chances, key=chances.get)
    p = chances[closest]
    if p >= CALL_AT:
        return Verdict(
            f"{labels[leader.key]} converts best: at least a {chance(p)} chance that it "
            "beats each other version on confirmed signatures per view.",
            winner=leader.key,
        )
    return Verdict(
        f"No clear winner yet: {labels[leader.key]} leads, with a {chance(p)} chance of "
        f"beating {labels[closest]} (a winner needs {CALL_AT:.1%})."
    )


def read(session: Session, petition: Petition, by: str, until: datetime | None) -> Report:
    """The report of a petition whose tallies are up to date (tallies.catch_up)."""
    if by not in BY:
        raise ValueError(f"--by must be one of {', '.join(BY)}, not {by!r}")
    seen = views.by(session, petition.id, DIMENSION[by])
    tallied = tallies.read(session, petition.id)
    signed = dict(tallied[DIMENSION[by]])
    if by == "post":
        signed.pop("", None)  # not a post kit link
    declared = _variants(session, petition.id) if by == "variant" else ()
    keys = sorted(set(seen) | set(signed) | set(declared) | ({FIRST} if declared else set()))
    groups = [Group(k, seen.get(k, 0), *signed.get(k, (0, 0))) for k in keys]
    rows, said = compare(groups, by, declared)
    generations = []
    if by == "source":
        counted = tallied["generation"]
        generations = [
            Row(k, name, None, *counted.get(k, (0, 0)), None, None, None)
            for k, name in GENERATIONS.items()
        ]
    return Report(petition.slug, petition.title, by, rows, said, until, generations)


def _variants(session: Session, petition_id: int) -> tuple[str, ...]:
    """The petition's variants, in the order its front matter declares them."""
    return tuple(
        session.scalars(
            select(PetitionVariant.name)
            .where(PetitionVariant.petition_id == petition_id)
            .order_by(PetitionVariant.position)
        )
    )


def of(petition: Petition, by: str, tally_seconds: float) -> Report:
    """The report as of now: the tallies brought up to date first, for at most
    `tally_seconds` (a page can wait less than a command)."""
    until, _ = tallies.catch_up(petition.id, tally_seconds)
    with db.reading() as session:
        return read(session, petition, by, until)
