"""Delivery packets: every validated signature in the right congressional office's packet.

`GET /api/petitions/<slug>/delivery` (staff token) streams a ZIP archive;
`flask delivery export SLUG --out DIR` writes the same archive with a progress
bar. The archive holds, per office with signers, `<STATE>/<CODE>.pdf` (the cover
letter from the campaign, letter.py; the signers; their stories) and
`<STATE>/<CODE>.csv` (the same rows, safe to open in a spreadsheet), plus
`summary.csv` and `README.txt`. Who goes in which packet: congress/offices.py.

Signers are listed by ZIP code, then surname, then first name. Memory stays
bounded: signatures come from a server-side cursor that the database orders by
state and 5-digit ZIP; the rows of one ZIP code are sorted by name here (names
sort alike on SQLite and PostgreSQL, whatever their collations), then go to each
of their offices' temporary files, already in order. A state's packets are
rendered one at a time and handed to the archive, then deleted before the next
state.
"""

from __future__ import annotations

import csv
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path

from sqlalchemy import func, select

from .. import db
from ..campaign_sender import Sender
from ..congress.geography import geography
from ..congress.loading import active_dataset, offices
from ..congress.offices import OfficeInfo, by_office, offices_for
from ..exports.filters import FilterError, Filters, parse_filters
from ..formulas import inert
from ..models import Petition, Signature, ToldStory
from ..states import STATES
from . import versions
from .letter import Signed

# What the privacy notice (content/privacy.md) promises: only confirmed signatures
# are delivered (until they confirm, anyone can sign as anyone), with name, city,
# state, ZIP code, district, comment, the day they signed and which wording they
# signed; never email or street address.
DELIVERED_ONLY = "a delivery carries confirmed (validated) signatures only"
NEVER_DELIVERED = ("include_email", "include_street")
# Each packet's CSV, a row per signer (Delivery._render).
CSV_HEADER = ["first_name", "last_name", "city", "zip", "district", "comment",
              "petition_version", "version_in_effect_from", "signed_on"]  # fmt: skip


def name_order(name: str) -> str:
    """A name as a list sorts it: case and accents aside (Ødegård with the O's)."""
    decomposed = unicodedata.normalize("NFKD", name.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def signer_order(row) -> tuple:
    """Within a ZIP code: surname, first name, then the order they signed in."""
    return (name_order(row.last_name), name_order(row.first_name), row.id)


class DeliveryError(RuntimeError):
    """Delivery cannot start (no district data loaded); the message says what to do."""


@dataclass(frozen=True)
class Options:
    filters: Filters = field(default_factory=Filters)

    def as_dict(self) -> dict:
        return self.filters.as_dict()


def parse_options(args) -> Options:
    asked = [name for name in NEVER_DELIVERED if args.get(name)]
    if asked:
        raise FilterError(
            f"{', '.join(asked)}: email and street addresses are never delivered "
            "(the privacy notice promises it)"
        )
    status = (args.get("status") or "validated").strip().lower()
    if status != "validated":
        raise FilterError(f"status: {DELIVERED_ONLY}")
    filters = parse_filters(args)
    if filters.district:
        raise FilterError("a delivery covers whole offices: filter by state, not district")
    return Options(filters)


@dataclass
class Tally:
    office: OfficeInfo
    path: Path
    handle: object = None
    writer: object = None
    count: int = 0
    first: datetime | None = None
    last: datetime | None = None
    unresolved: int = 0
    needs_cjk: bool = False
    versions: Counter = field(default_factory=Counter)

    def add(self, values: list, signed: datetime, version: str, resolved: bool) -> None:
        self.writer.writerow(values)
        self.count += 1
        self.versions[version] += 1
        if not resolved:
            self.unresolved += 1
        if self.first is None or signed < self.first:
            self.first = signed
        if self.last is None or signed > self.last:
            self.last = signed


@dataclass
class Packet:
    """What the archive gets for one office."""

    office: OfficeInfo
    count: int
    first: datetime | None
    last: datetime | None
    unresolved: int
    pdf: Path | None = None
    csv: Path | None = None


class Delivery:
    """Builds the archive's parts state by state; iterate `parts()` for (name, file)."""

    def __init__(
        self,
        petition: Petition,
        options: Options,
        workdir: Path,
        sender: Sender,
        stories: list[ToldStory],
        progress=None,
    ):
        """`stories`: the ones their authors let us share with Congress, in print order."""
        self.petition = petition
        self.options = options
        self.sender = sender
        self.workdir = workdir
        self.progress: Callable[[int], None] = progress or (lambda n: None)
        self.generated = datetime.now(UTC)
        self.geo = geography()
        with db.reading() as session:
            dataset = active_dataset(session)
            if dataset is None:
                raise DeliveryError(
                    "no congressional districts are loaded: run `flask congress load` "
                    "(see the README's delivery section)"
                )
            self.dataset = (dataset.id, dataset.congress, dataset.loaded_at)
            self.offices = {
                code: OfficeInfo(
                    o.code, o.chamber, o.state, o.full_name, o.party, o.address, o.phone, o.surname
                )
                for code, o in offices(session, dataset.id).items()
            }
            self.wordings = versions.wordings(session, petition)
        self.stories = by_office(stories, self.offices)
        self.packets: list[Packet] = []
        self.signers = 0
        self.unresolved = 0
        from .pdf import packet_fonts  # fpdf2 loads only when a delivery is made

        self.fonts = packet_fonts()
        self.needs_cjk = not self.fonts.covers(
            " ".join(
                [sender.text(), petition.title, *(w.ask + w.title for w in self.wordings.values())]
            )
        )

    def query(self):
        columns = [
            Signature.id,
            Signature.state,
            Signature.first_name,
            Signature.last_name,
            Signature.city,
            Signature.zip,
            Signature.district,
            Signature.comment,
            Signature.petition_version,
            Signature.created_at,
        ]
        query = select(*columns)
        return self.options.filters.apply(query, self.petition.id).order_by(
            Signature.state, func.substr(Signature.zip, 1, 5)
        )

    def wording(self, version: str) -> versions.Wording:
        """A signature's wording; one whose version no sync recorded is "Unrecorded"."""
        return self.wordings.get(version) or versions.Wording(0, None, "", "")

    def parts(self) -> Iterator[tuple[str, Path]]:
        self._open_tallies: dict[str, Tally] = {}
        try:
            yield from self._parts()
        finally:  # also when the client goes away halfway
            for tally in self._open_tallies.values():
                tally.handle.close()

    def _parts(self) -> Iterator[tuple[str, Path]]:
        state, tallies, done = None, {}, 0
        with closing(db.stream(self.query())) as rows:
            for (row_state, _), same_zip in groupby(rows, key=lambda r: (r.state, r.zip[:5])):
                if row_state != state:
                    if tallies:
                        yield from self._finish_state(state, tallies)
                    state, tallies = row_state, {}
                    self._open_tallies = tallies
                for row in sorted(same_zip, key=signer_order):
                    self._add(row, tallies)
                    done += 1
                    if done % 1000 == 0:
                        self.progress(1000)
            if tallies:
                yield from self._finish_state(state, tallies)
        self.progress(done % 1000)
        yield from self._closing_parts()

    def _add(self, row, tallies: dict[str, Tally]) -> None:
        """One signer into each of their offices' packets."""
        codes = offices_for(row.state, row.zip, row.district, self.geo, self.offices)
        resolved = bool(codes) and not codes[0].endswith(("-SR", "-JR"))
        values = [
            row.first_name,
            row.last_name,
            row.city or "",
            row.zip,
            codes[0] if resolved else "",
            row.comment or "",
            row.petition_version,
            row.created_at.date().isoformat(),
        ]
        uncovered = not self.fonts.covers("".join(values))
        for code in codes:
            tally = tallies.get(code)
            if tally is None:
                tally = tallies[code] = self._open(code)
            tally.add(values, row.created_at, row.petition_version, resolved)
            tally.needs_cjk |= uncovered
        self.signers += 1
        self.unresolved += not resolved

    def _open(self, code: str) -> Tally:
        path = self.workdir / f"{code}.raw.csv"
        tally = Tally(self.offices[code], path)
        tally.handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed in _finish_state
        tally.writer = csv.writer(tally.handle)
        return tally

    def _finish_state(self, state: str, tallies: dict[str, Tally]) -> Iterator[tuple[str, Path]]:
        for code in sorted(tallies):
            tally = tallies[code]
            tally.handle.close()
            packet = Packet(tally.office, tally.count, tally.first, tally.last, tally.unresolved)
            packet.csv = self.workdir / f"{code}.csv"
            packet.pdf = self.workdir / f"{code}.pdf"
            self._render(tally, packet)
            tally.path.unlink()
            self.packets.append(packet)
            yield f"{state}/{code}.pdf", packet.pdf
            yield f"{state}/{code}.csv", packet.csv
            packet.pdf.unlink(missing_ok=True)
            packet.csv.unlink(missing_ok=True)

    def signed(self, tally: Tally, stories: int) -> Signed:
        """What the cover letter says about a packet's signers."""
        signed = sorted(
            ((self.wording(v), n) for v, n in tally.versions.items()), key=lambda w: w[0].number
        )
        return Signed(
            count=tally.count,
            first=tally.first,
            last=tally.last,
            unresolved=tally.unresolved,
            wordings=signed,
            several_versions_exist=len(self.wordings) > 1,
            stories=stories,
        )

    def _render(self, tally: Tally, packet: Packet) -> None:
        from .pdf import PacketPDF

        told = self.stories.get(tally.office.code, [])
        tally.needs_cjk |= not self.fonts.covers(" ".join(s.heading + s.text for s in told))
        pdf = PacketPDF(self, tally, self.signed(tally, len(told)))
        with (
            open(tally.path, encoding="utf-8", newline="") as raw,
            open(packet.csv, "w", encoding="utf-8-sig", newline="") as out,
        ):
            writer = csv.writer(out)
            writer.writerow(CSV_HEADER)
            table = pdf.start_table(several_versions=len(tally.versions) > 1)
            for values in csv.reader(raw):
                wording = self.wording(values[6])
                *shown, _version, signed_on = values
                writer.writerow(
                    [inert(v) for v in shown] + [wording.label, wording.since_day, signed_on]
                )
                table.row(values)
        if told:
            pdf.stories(told)
        pdf.output(str(packet.pdf))

    def _closing_parts(self) -> Iterator[tuple[str, Path]]:
        summary = self.workdir / "summary.csv"
        with open(summary, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(
                ["office", "chamber", "state", "member", "party", "vacant", "signers",
                 "first_signed", "last_signed", "district_unresolved", "pdf", "csv"]
            )  # fmt: skip
            delivered = {p.office.code: p for p in self.packets}
            for code, office in sorted(self.offices.items()):
                if self.options.filters.state and office.state != self.options.filters.state:
                    continue
                p = delivered.get(code)
                writer.writerow(
                    [
                        code,
                        office.chamber,
                        office.state,
                        inert(office.addressee if office.vacant else office.full_name),
                        inert(office.party or ""),
                        "yes" if office.vacant else "no",
                        p.count if p else 0,
                        p.first.date().isoformat() if p else "",
                        p.last.date().isoformat() if p else "",
                        p.unresolved if p and office.chamber == "senate" else "",
                        f"{office.state}/{code}.pdf" if p else "",
                        f"{office.state}/{code}.csv" if p else "",
                    ]
                )
        yield "summary.csv", summary
        readme = self.workdir / "README.txt"
        readme.write_text(self.readme(), encoding="utf-8")
        yield "README.txt", readme

    def readme(self) -> str:
        _, number, loaded = self.dataset
        f = self.options.filters
        lines = [
            f"Delivery of the petition “{self.petition.title}” ({self.petition.slug})",
            f"Generated {self.generated:%Y-%m-%d %H:%M} UTC by Groundswell.",
            "",
            f"Signers: {self.signers} ({', '.join(f.statuses)} signatures"
            + (f", {STATES[f.state]} only" if f.state else "")
            + (f", signed from {f.since}" if f.since else "")
            + (f", signed until {f.until}" if f.until else "")
            + ").",
            f"Packets: {len(self.packets)} offices with at least one constituent who signed.",
            f"Districts and members: {number}th Congress, data loaded {loaded:%Y-%m-%d}.",
            "",
            f"From: {self.sender.organisation}, {', '.join(self.sender.address)}",
            f"Contact: {self.sender.contact_name}, {self.sender.contact_line}",
            "",
            "What is in this archive",
            "- <STATE>/<OFFICE>.pdf: the packet for one office: a cover letter from the",
            "  campaign to the member by name and office, with the petition's ask as the",
            "  signers signed it, the number of constituents and how each confirmed their",
            "  signature; then every signer (ZIP, name, city, comment) by ZIP code and",
            "  surname; then the stories constituents let us share with that office.",
            "- <STATE>/<OFFICE>.csv: the same signers in the same order as a spreadsheet",
            "  (UTF-8): name, city, ZIP, district, comment, the version of the petition's",
            "  wording they signed (Version 1, 2, ... in the order it was reworded) and the",
            "  day it took effect, and the day they signed. A cell that starts with = + - or",
            "  @ is prefixed with an apostrophe so that no spreadsheet runs it as a formula.",
            "  The letter tells each office the spreadsheet comes with it: deliver both.",
            "- summary.csv: one line per office: code, member, party, number of signers.",
            "",
            "For screen readers: each PDF declares its language and title and has bookmarks",
            "(letter, list, stories), but is not a tagged PDF (its generator, fpdf2, cannot",
            "tag headings or tables); the CSV is the same list for anyone who needs it.",
            "",
            "Office codes",
            "- NY-12: the representative of New York's 12th district; AK-AL: an at-large seat,",
            "  also used for the delegates of DC and the territories (PR: resident commissioner).",
            "- NY-SR / NY-JR: the senior and junior senator (by seniority in the Senate).",
            "- A vacant seat keeps its packet, addressed to the office of the seat.",
            "",
            "Who is in which packet",
            "- Each signer is in their representative's packet and in both of their state's",
            "  senators' packets (DC and the territories have no senators).",
            f"- {self.unresolved} signers gave a ZIP code that spans more than one district",
            "  and did not choose one: they are in their senators' packets only",
            "  (district_unresolved in summary.csv), never in a House packet that might",
            "  not be theirs.",
        ]
        return "\n".join(lines) + "\n"
