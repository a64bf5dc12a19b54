"""Delivery packets: every validated signature in the right congressional office's packet.

`GET /api/petitions/<slug>/delivery` (staff token) streams a ZIP archive;
`flask delivery export SLUG --out DIR` writes the same archive with a progress
bar. The archive holds, per office with signers, `<STATE>/<CODE>.pdf` (cover
letter, the ask as signed, the signers) and `<STATE>/<CODE>.csv` (the same rows,
safe to open in a spreadsheet), plus `summary.csv` and `README.txt`.

Who goes where (see congress.py for office codes):
- a signer's representative: the district the signer chose or the one their
  ZIP resolves to (a ZIP in one district, or a state with one seat: at-large
  states, DC and the territories' delegates); a vacant seat still gets its packet,
  "Office of the <state>-<district> representative (vacant)";
- both senators of the signer's state (none for DC and the territories);
- a signer whose ZIP spans districts and who chose none is "district
  unresolved": senators only, never a House office that may not be theirs.

Memory stays bounded: signatures come from a server-side cursor ordered by
state; each state's rows go to temporary files, its packets are rendered one at
a time and handed to the archive, then deleted before the next state.
"""

from __future__ import annotations

import copy
import csv
import io
import shutil
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import click
from flask import Blueprint, Response, abort, current_app, request, stream_with_context
from flask.cli import AppGroup
from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import TextMode, XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.output import PDFResourceType
from sqlalchemy import func, select

from . import audit, congress, db, openapi
from .exports import FilterError, Filters, inert, parse_filters, stream
from .models import Petition, PetitionVersion, Signature
from .states import NO_SENATORS, STATES

bp = Blueprint("delivery", __name__)
delivery_cli = AppGroup("delivery", help="Packets of signatures for congressional offices.")

FONTS = Path(__file__).parent / "fonts"
# Chinese, Japanese and Korean names need a font DejaVu lacks: one of these,
# from Debian's fonts-wqy-microhei, fonts-wqy-zenhei or fonts-noto-cjk.
CJK_FONTS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)
DELIVERABLE = ("validated", "pending")
ORDINALS = {1: "st", 2: "nd", 3: "rd"}


class DeliveryError(RuntimeError):
    """Delivery cannot start (no district data loaded); the message says what to do."""


def cjk_font() -> Path | None:
    return next((p for p in CJK_FONTS if p.is_file()), None)


@dataclass(frozen=True)
class Options:
    filters: Filters = field(default_factory=Filters)
    include_email: bool = False
    include_street: bool = False

    def as_dict(self) -> dict:
        found = self.filters.as_dict()
        if self.include_email:
            found["include_email"] = True
        if self.include_street:
            found["include_street"] = True
        return found


def parse_options(args) -> Options:
    filters = parse_filters(args, allowed=DELIVERABLE)
    if filters.district:
        raise FilterError("a delivery covers whole offices: filter by state, not district")
    return Options(filters, _flag(args, "include_email"), _flag(args, "include_street"))


def _flag(args, name: str) -> bool:
    value = args.get(name)
    return value is True or str(value or "").lower() in ("1", "true", "yes", "on")


# --- who goes in which packet -----------------------------------------------------------


@dataclass
class OfficeInfo:
    code: str
    chamber: str
    state: str
    full_name: str | None
    party: str | None
    address: str | None
    phone: str | None

    @property
    def vacant(self) -> bool:
        return not self.full_name

    @property
    def addressee(self) -> str:
        """`Representative Jerrold Nadler`, or the office of a vacant seat."""
        if self.vacant:
            if self.chamber == "senate":
                return f"Office of the {self.role} for {STATES[self.state]} (vacant)"
            return f"Office of the {self.code} representative (vacant)"
        title = {
            "senate": "Senator",
            "delegate": "Delegate",
            "commissioner": "Resident Commissioner",
        }.get(self.kind, "Representative")
        return f"{title} {self.full_name}"

    @property
    def kind(self) -> str:
        if self.chamber == "senate":
            return "senate"
        if self.state == "PR":
            return "commissioner"
        return "delegate" if self.state in NO_SENATORS else "house"

    @property
    def role(self) -> str:
        if self.chamber == "senate":
            return "senior senator" if self.code.endswith("SR") else "junior senator"
        return {"delegate": "delegate", "commissioner": "resident commissioner"}.get(
            self.kind, "representative"
        )

    @property
    def area(self) -> str:
        """Where its constituents live: `New York's 12th district`, `Alaska (at large)`."""
        state = STATES[self.state]
        if self.chamber == "senate" or self.kind in ("delegate", "commissioner"):
            return state
        number = self.code[3:]
        if number == "AL":
            return f"{state} (at large)"
        n = int(number)
        suffix = "th" if 10 <= n % 100 <= 20 else ORDINALS.get(n % 10, "th")
        return f"{state}'s {n}{suffix} district"


def offices_for(state: str, zip_code: str, district: str | None, geo, offices) -> list[str]:
    """The office codes a signer's packet copies go to; never one that is not theirs."""
    if not (district and district in offices and district.startswith(state + "-")):
        district = geo.resolve(state, zip_code)
    codes = [district] if district and district in offices else []
    if state not in NO_SENATORS:
        codes += [c for c in (f"{state}-SR", f"{state}-JR") if c in offices]
    return codes


# --- collecting one state's rows --------------------------------------------------------

RAW = ("first_name", "last_name", "city", "zip", "district", "comment", "version", "signed")


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

    def __init__(self, petition: Petition, options: Options, workdir: Path, progress=None):
        self.petition = petition
        self.options = options
        self.workdir = workdir
        self.progress: Callable[[int], None] = progress or (lambda n: None)
        self.generated = datetime.now(UTC)
        self.engine = db.engine()
        self.geo = congress.geography()
        with current_app.extensions["sessionmaker"]() as session:
            dataset = congress.active_dataset(session)
            if dataset is None:
                raise DeliveryError(
                    "no congressional districts are loaded: run `flask congress load` "
                    "(see the README's delivery section)"
                )
            self.dataset = (dataset.id, dataset.congress, dataset.loaded_at)
            self.offices = {
                code: OfficeInfo(
                    o.code, o.chamber, o.state, o.full_name, o.party, o.address, o.phone
                )
                for code, o in congress.offices(session, dataset.id).items()
            }
            self.versions = list(
                session.scalars(
                    select(PetitionVersion)
                    .where(PetitionVersion.petition_id == petition.id)
                    .order_by(PetitionVersion.first_seen_at, PetitionVersion.id)
                )
            )
        self.version_labels = {
            v.version: chr(ord("A") + i % 26) for i, v in enumerate(self.versions)
        }
        if petition.version not in self.version_labels:
            self.version_labels[petition.version] = chr(ord("A") + len(self.versions) % 26)
        self.packets: list[Packet] = []
        self.signers = 0
        self.unresolved = 0
        self.fonts = PacketFonts()
        self.needs_cjk = not self.fonts.covers(
            " ".join([petition.title, petition.ask, *(v.ask + v.title for v in self.versions)])
        )

    def query(self):
        columns = [
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
        if self.options.include_email:
            columns.append(Signature.email)
        if self.options.include_street:
            columns.append(Signature.street)
        query = select(*columns)
        return self.options.filters.apply(query, self.petition.id).order_by(
            Signature.state, Signature.id
        )

    def parts(self) -> Iterator[tuple[str, Path]]:
        self._open_tallies: dict[str, Tally] = {}
        try:
            yield from self._parts()
        finally:  # also when the client goes away halfway
            for tally in self._open_tallies.values():
                tally.handle.close()

    def _parts(self) -> Iterator[tuple[str, Path]]:
        state, tallies, done = None, {}, 0
        with (
            self.engine.connect() as connection,
            closing(stream(connection, self.query(), batch=5000)) as rows,
        ):
            for row in rows:
                if row.state != state:
                    if tallies:
                        yield from self._finish_state(state, tallies)
                    state, tallies = row.state, {}
                    self._open_tallies = tallies
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
                    row.created_at.isoformat(),
                    *(value or "" for value in row[9:]),
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
                done += 1
                if done % 1000 == 0:
                    self.progress(1000)
            if tallies:
                yield from self._finish_state(state, tallies)
        self.progress(done % 1000)
        yield from self._closing_parts()

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

    def _render(self, tally: Tally, packet: Packet) -> None:
        extra = []
        if self.options.include_email:
            extra.append("email")
        if self.options.include_street:
            extra.append("street")
        header = ["first_name", "last_name", "city", "zip", "district", "comment",
                  "petition_version", "signed_at", *extra]  # fmt: skip
        pdf = PacketPDF(self, tally)
        with (
            open(tally.path, encoding="utf-8", newline="") as raw,
            open(packet.csv, "w", encoding="utf-8-sig", newline="") as out,
        ):
            writer = csv.writer(out)
            writer.writerow(header)
            table = pdf.start_table(extra, several_versions=len(tally.versions) > 1)
            for values in csv.reader(raw):
                writer.writerow([inert(v) for v in values])
                table.row(values)
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
            "What is in this archive",
            "- <STATE>/<OFFICE>.pdf: the packet for one office: a cover letter naming the member",
            "  and office, the petition's ask as the signers saw it, the number of constituents",
            "  and the dates they signed, then every signer (name, city, ZIP, comment).",
            "- <STATE>/<OFFICE>.csv: the same signers as a spreadsheet (UTF-8). A cell that",
            "  starts with = + - or @ is prefixed with an apostrophe so that no spreadsheet",
            "  runs it as a formula.",
            "- summary.csv: one line per office: code, member, party, number of signers.",
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
        asked = [
            what
            for what, on in (
                ("email addresses", self.options.include_email),
                ("street addresses", self.options.include_street),
            )
            if on
        ]
        if asked:
            lines += ["", f"As requested, this archive includes signers' {' and '.join(asked)}."]
            lines += ["Handle it as personal data: share it only with the offices it names."]
        return "\n".join(lines) + "\n"


# --- the PDF ---------------------------------------------------------------------------


class PacketFonts:
    """DejaVu, bundled, and for the rare packet that needs them, fallbacks.

    Parsing a font costs fpdf2 more than rendering a small packet, and a delivery
    has one packet per office (541), so fonts are parsed once per process and
    every packet gets a copy with its own glyph subset (fpdf2 2.8's TTFFont). The
    main font is DejaVu cut down to Latin, Greek, Cyrillic and punctuation (1,700
    glyphs instead of 6,000: packing it into a packet is 6 times faster); a packet
    with a character outside that also embeds full DejaVu and the CJK font.
    Headings are DejaVu drawn with a stroke (text mode 2), which looks bold and
    saves embedding a second font in every packet.
    """

    FULL = FONTS / "DejaVuSans.ttf"
    RANGES = (
        (0x20, 0x7E), (0xA0, 0x4FF), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20A0, 0x20BF),
        (0x2100, 0x214F), (0xFFFD, 0xFFFD),
    )  # fmt: skip
    _templates: ClassVar[dict[str, tuple[bytes, TTFFont]]] = {}
    _lock = threading.Lock()

    def __init__(self):
        self.cjk = cjk_font()
        self.main_chars = frozenset(self.template("main")[1].cmap)

    def covers(self, text: str) -> bool:
        """Can the main font draw all of it? (If not, the packet gets the fallbacks.)"""
        return text.isascii() or all(ord(c) in self.main_chars for c in text)

    @classmethod
    def template(cls, name: str) -> tuple[bytes, TTFFont]:
        with cls._lock:
            found = cls._templates.get(name)
            if found is None:
                if name == "main":
                    data = cls._latin()
                else:
                    data = (cls.FULL if name == "full" else Path(name)).read_bytes()
                font = TTFFont(FPDF(), io.BytesIO(data), "template", "", collection_font_number=0)
                found = cls._templates[name] = (data, font)
            return found

    @classmethod
    def _latin(cls) -> bytes:
        font = ttLib.TTFont(cls.FULL)
        options = ftsubset.Options()
        options.glyph_names = True
        options.notdef_outline = True
        options.layout_features = []
        options.name_IDs = ["*"]
        options.drop_tables += ["FFTM"]
        subsetter = ftsubset.Subsetter(options)
        subsetter.populate(unicodes=[u for low, high in cls.RANGES for u in range(low, high + 1)])
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()

    def install(self, pdf: FPDF, with_fallbacks: bool) -> None:
        self._attach(pdf, "dejavu", "main")
        if with_fallbacks:
            self._attach(pdf, "dejavufull", "full")
            fallbacks = ["dejavufull"]
            if self.cjk is not None:
                self._attach(pdf, "cjk", str(self.cjk))
                fallbacks.append("cjk")
            pdf.set_fallback_fonts(fallbacks, exact_match=False)

    def _attach(self, pdf: FPDF, family: str, name: str) -> None:
        data, template = self.template(name)
        font = copy.copy(template)
        font.i = len(pdf.fonts) + 1
        font.fontkey = family
        font.ttfont = ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True, fontNumber=0)
        font.subset = SubsetMap(font)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        pdf.fonts[family] = font


def _day(value: datetime | None) -> str:
    return f"{value:%B} {value.day}, {value.year}" if value else ""


class PacketPDF(FPDF):
    def __init__(self, delivery: Delivery, tally: Tally):
        super().__init__(format="Letter", unit="mm")
        self.delivery = delivery
        self.office = tally.office
        self.tally = tally
        self.set_margins(18, 20, 18)
        self.set_auto_page_break(True, margin=18)
        self.set_title(f"{delivery.petition.title}: {tally.office.code}")
        self.set_author("Groundswell")
        self.set_creation_date(delivery.generated)
        delivery.fonts.install(self, with_fallbacks=tally.needs_cjk or delivery.needs_cjk)
        self.measure = Measure(self)
        self.add_page()
        self.cover()

    def para(self, height: float, text: str) -> None:
        for line in self.measure.wrap(text, self.epw, self.font_size_pt):
            self.cell(0, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bold(self, size: float) -> None:
        self.set_font("dejavu", "", size)
        self.set_draw_color(0)
        self.set_line_width(size * 0.015)
        self.text_mode = TextMode.FILL_STROKE

    def regular(self, size: float) -> None:
        self.set_font("dejavu", "", size)
        if self.text_mode != TextMode.FILL:
            self.text_mode = TextMode.FILL
            self._out("0 Tr")  # fpdf2 writes Tr only for modes other than fill
        self.set_line_width(0.2)

    def header(self):
        self.regular(8)
        self.set_text_color(90)
        self.cell(
            self.epw * 0.7, 5, self.delivery.petition.title[:90], new_x=XPos.RIGHT, new_y=YPos.TOP
        )
        self.cell(0, 5, f"{self.office.code} · {self.office.addressee}"[:60], align="R",
                  new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
        self.set_draw_color(180)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_text_color(0)
        self.ln(4)

    def footer(self):
        self.set_y(-12)
        self.regular(8)
        self.set_text_color(90)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0)

    def cover(self):
        d, o, t = self.delivery, self.office, self.tally
        self.bold(15)
        self.para(7.5, d.petition.title)
        self.ln(2)
        self.regular(10.5)
        self.para(5.5, f"Generated {_day(d.generated)}")
        self.ln(4)
        self.bold(11)
        self.para(6, f"To: {o.addressee}")
        self.regular(10.5)
        role = f"{o.role.capitalize()}, {o.area} ({o.code})"
        if o.party:
            role += f", {o.party}"
        self.para(5.5, role)
        if o.address:
            self.para(5.5, o.address)
        self.ln(5)
        people = "constituent" if t.count == 1 else "constituents"
        when = (
            f"on {_day(t.first)}"
            if t.first and t.first.date() == t.last.date()
            else f"between {_day(t.first)} and {_day(t.last)}"
        )
        confirmed = (
            " Each one confirmed their signature from their own email address."
            if d.options.filters.statuses == ("validated",)
            else ""
        )
        self.para(
            5.5,
            f"{t.count:,} of your {people} in {o.area} signed this petition {when}.{confirmed} "
            "Their names, towns and comments follow.",
        )
        self.ln(4)
        versions = [v for v in d.versions if v.version in t.versions]
        if not versions:
            versions = [_CurrentVersion(d.petition)]
        if len(versions) == 1:
            self.bold(10.5)
            self.para(5.5, "They ask:")
            self.regular(10.5)
            self.para(5.5, versions[0].ask)
        else:
            self.para(
                5.5,
                "The petition's wording changed while it was open. Each signer signed one of "
                "these versions; the table's last column says which.",
            )
            for v in versions:
                self.ln(2)
                self.bold(10.5)
                label = d.version_labels.get(v.version, "?")
                n = t.versions[v.version]
                self.para(5.5, f"Version {label} ({n:,} signers): {v.title}")
                self.regular(10.5)
                self.para(5.5, v.ask)
        if o.chamber == "senate" and t.unresolved:
            self.ln(3)
            self.regular(9)
            self.para(
                5,
                f"{t.unresolved:,} of these signers live in a ZIP code that spans more than one "
                "House district; they appear here and in your state's other senator's packet.",
            )

    def start_table(self, extra: list[str], several_versions: bool) -> FastTable:
        self.set_auto_page_break(False, margin=18)  # rows break pages themselves
        self.ln(6)
        self.bold(12)
        self.cell(0, 7, "Signers", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        columns = [("Name", 0.26), ("City", 0.17), ("ZIP", 0.09), ("Comment", 0.48)]
        if "email" in extra:
            columns = [("Name", 0.2), ("Email", 0.22), ("City", 0.13), ("ZIP", 0.08),
                       ("Comment", 0.37)]  # fmt: skip
        if "street" in extra:
            columns.insert(1, ("Street", 0.18))
            scale = 1 / sum(w for _, w in columns)
            columns = [(n, w * scale) for n, w in columns]
        if several_versions:
            columns = [(n, w * 0.95) for n, w in columns] + [("Ver.", 0.05)]
        return FastTable(self, columns, extra, several_versions)


@dataclass
class _CurrentVersion:
    petition: Petition

    @property
    def version(self):
        return self.petition.version

    @property
    def title(self):
        return self.petition.title

    @property
    def ask(self):
        return self.petition.ask


class Measure:
    """Text widths from the fonts' own glyph widths, and greedy word wrapping.

    fpdf2's multi_cell measures a line once per character added (quadratic);
    this measures a word at a time, which matters with 541 packets.
    """

    def __init__(self, pdf: FPDF):
        self.k = pdf.k
        self.main = pdf.fonts["dejavu"]
        self.fallbacks = [pdf.fonts[k] for k in ("dejavufull", "cjk") if k in pdf.fonts]
        self.ascii_w = [self.main.cw[c] for c in range(128)]

    def font_for(self, char: str):
        code = ord(char)
        if code in self.main.cmap:
            return self.main
        return next((f for f in self.fallbacks if code in f.cmap), self.main)

    def runs(self, text: str):
        """(font, text) pieces: the main font wherever it has the glyphs."""
        current, start = None, 0
        for i, char in enumerate(text):
            font = self.font_for(char)
            if font is not current:
                if current is not None:
                    yield current, text[start:i]
                current, start = font, i
        if current is not None:
            yield current, text[start:]

    def width(self, text: str, size: float) -> float:
        """In mm, at `size` points."""
        if text.isascii():
            w = self.ascii_w
            units = sum([w[b] for b in text.encode()])
        else:
            units = sum(self.font_for(c).cw[ord(c)] for c in text)
        return units * size / 1000 / self.k

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        if not text:
            return [""]
        if "\n" not in text and self.width(text, size) <= width:
            return [text]
        lines: list[str] = []
        for paragraph in text.replace("\r", "").split("\n"):
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if self.width(candidate, size) <= width:
                    line = candidate
                    continue
                if line:
                    lines.append(line)
                line = ""
                while self.width(word, size) > width:  # wider than the column: split it
                    cut = max(1, len(word) - 1)
                    while cut > 1 and self.width(word[:cut], size) > width:
                        cut -= 1
                    lines.append(word[:cut])
                    word = word[cut:]
                line = word
            lines.append(line)
        return lines or [""]


class FastTable:
    """Rows written straight into the page's content stream.

    fpdf2's cell() costs ~80 µs; a packet of a million rows cannot afford it, so
    rows are laid out here: text wrapped by the fonts' own glyph widths, each
    run in DejaVu or (for characters DejaVu lacks, e.g. Chinese) the CJK
    fallback, with the fonts registered on every page that uses them.
    """

    SIZE = 8.0
    PAD = 1.0

    def __init__(self, pdf: PacketPDF, columns, extra, several_versions):
        self.pdf = pdf
        self.columns = [(name, pdf.epw * share) for name, share in columns]
        self.extra = extra
        self.several_versions = several_versions
        self.main = pdf.fonts["dejavu"]
        self.fallbacks = pdf.measure.fallbacks
        self.measure = pdf.measure
        self.line_h = self.SIZE * 0.3528 * 1.2
        self.cache: dict[str, tuple[str, bool]] = {}
        self.labels = pdf.delivery.version_labels
        self.title_row()

    def title_row(self):
        pdf = self.pdf
        pdf.bold(self.SIZE)
        x = pdf.l_margin
        for name, width in self.columns:
            pdf.set_x(x)
            pdf.cell(width, self.line_h + 1, name)
            x += width
        pdf.ln(self.line_h + 1.5)
        pdf.set_draw_color(120)
        pdf.line(pdf.l_margin, pdf.get_y() - 0.5, pdf.w - pdf.r_margin, pdf.get_y() - 0.5)
        pdf.regular(self.SIZE)
        pdf.set_draw_color(215)

    def row(self, values: list[str]) -> None:
        first, last, city, zip_code, _district, comment, version, _signed, *extra = values
        by_name = {"Name": f"{first} {last}", "City": city, "ZIP": zip_code, "Comment": comment}
        for name, value in zip(self.extra, extra, strict=False):
            by_name[name.capitalize()] = value
        by_name["Ver."] = self.labels.get(version, "?")
        wrap, size = self.measure.wrap, self.SIZE
        cells = [wrap(by_name[name], width - 2 * self.PAD, size) for name, width in self.columns]
        height = max(len(c) for c in cells) * self.line_h + self.PAD * 1.5
        pdf = self.pdf
        if pdf.y + height > pdf.h - pdf.b_margin:
            pdf.add_page()
            self.title_row()
        k, top = pdf.k, pdf.h - pdf.y
        ops = ["BT 0 Tr"]
        x = pdf.l_margin
        for (_, width), lines in zip(self.columns, cells, strict=True):
            for i, line in enumerate(lines):
                if line:
                    encoded, fallbacks = self.encode(line)
                    for font in fallbacks:  # fonts a page uses must be in its resources
                        pdf._resource_catalog.add(PDFResourceType.FONT, font.i, pdf.page)
                    base = top - self.PAD - (i + 0.8) * self.line_h
                    ops.append(f"1 0 0 1 {(x + self.PAD) * k:.2f} {base * k:.2f} Tm {encoded}")
            x += width
        ops.append("ET")
        y = (top - height) * k
        ops.append(f"{pdf.l_margin * k:.2f} {y:.2f} m {(pdf.w - pdf.r_margin) * k:.2f} {y:.2f} l S")
        pdf._out(" ".join(ops))
        pdf.y += height

    def encode(self, text: str) -> tuple[str, list]:
        """The text's operators, and the fallback fonts it uses (to register on the page)."""
        found = self.cache.get(text)
        if found is not None:
            return found
        size = f"{self.SIZE:.2f} Tf"
        main = self.main
        if text.isascii() or not self.fallbacks:
            found = (f"/F{main.i} {size} {main.encode_text(text)}", [])
        else:
            runs, used = [], []
            for font, run in self.measure.runs(text):
                if font is not main and font not in used:
                    used.append(font)
                runs.append(f"/F{font.i} {size} {font.encode_text(run)}")
            found = (" ".join(runs), used)
        if len(self.cache) > 50_000:
            self.cache.clear()
        self.cache[text] = found
        return found


# --- the archive, streamed -------------------------------------------------------------


class _Sink:
    """A write-only file for zipfile that hands out what was written since last asked."""

    def __init__(self):
        self.chunks: list[bytes] = []
        self.position = 0

    def write(self, data) -> int:
        data = bytes(data)
        self.chunks.append(data)
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def zip_chunks(parts: Iterator[tuple[str, Path]], folder: str) -> Iterator[bytes]:
    """A ZIP archive of the parts, yielded as it is written (data descriptors, no seeking)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for name, path in parts:
            # PDFs are compressed already: stored, they cost no time to pack.
            method = zipfile.ZIP_STORED if name.endswith(".pdf") else zipfile.ZIP_DEFLATED
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=time.gmtime()[:6])
            info.compress_type = method
            info.external_attr = 0o644 << 16
            with open(path, "rb") as source, archive.open(info, "w", force_zip64=True) as target:
                while block := source.read(1 << 16):
                    target.write(block)
                    if sink.position and len(sink.chunks) > 16:
                        yield sink.take()
            yield sink.take()
    yield sink.take()


def archive_name(petition: Petition, when: datetime) -> str:
    return f"{petition.slug}-delivery-{when:%Y%m%d-%H%M}"


def audited_archive(petition: Petition, options: Options, actor: str, progress=None):
    """The archive's bytes; the audit row is completed when the last byte is out."""
    entry = audit.record("delivery.download", petition.slug, options.as_dict(), actor, "started")
    factory = current_app.extensions["sessionmaker"]
    workdir = Path(tempfile.mkdtemp(prefix="groundswell-delivery-"))
    outcome, delivery = "incomplete", None
    try:
        delivery = Delivery(petition, options, workdir, progress)
        folder = archive_name(petition, delivery.generated)
        yield from zip_chunks(delivery.parts(), folder)
        outcome = "ok"
    except DeliveryError:
        outcome = "error"
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        audit.finish(entry, outcome, delivery.signers if delivery else 0, factory)


@bp.get("/api/petitions/<slug>/delivery")
def download(slug: str):
    session = db.session()
    requested = {k: v[:40] for k, v in request.args.items()}
    token = audit.require_staff(session, "delivery.download", slug, requested)
    actor = audit.token_actor(token)
    session.commit()
    petition = session.scalar(select(Petition).where(Petition.slug == slug))
    if petition is None:
        audit.record("delivery.download", slug, requested, actor, "not-found")
        abort(404, description=f"There is no petition called {slug!r}.")
    try:
        options = parse_options(request.args)
    except FilterError as error:
        audit.record("delivery.download", slug, requested, actor, "bad-request")
        abort(400, description=str(error))
    if congress.active_dataset(session) is None:
        audit.record("delivery.download", slug, options.as_dict(), actor, "error")
        abort(
            409,
            description="No congressional districts are loaded: run `flask congress load`.",
        )
    session.close()
    name = archive_name(petition, datetime.now(UTC))
    return Response(
        stream_with_context(audited_archive(petition, options, actor)),
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{name}.zip"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


openapi.add_paths(
    {
        "/api/petitions/{slug}/delivery": {
            "get": {
                "summary": "Staff: the delivery archive (a ZIP of PDF and CSV packets per "
                "congressional office, summary.csv, README.txt), streamed; audited",
                "security": openapi.STAFF,
                "parameters": [
                    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
                    {
                        "name": "status",
                        "in": "query",
                        "schema": {"type": "string", "default": "validated"},
                        "description": "validated (default), pending, or both: validated,pending",
                    },
                    {"name": "state", "in": "query", "schema": {"type": "string"}},
                    {
                        "name": "since",
                        "in": "query",
                        "schema": {"type": "string", "format": "date"},
                    },
                    {
                        "name": "until",
                        "in": "query",
                        "schema": {"type": "string", "format": "date"},
                    },
                    {
                        "name": "include_email",
                        "in": "query",
                        "schema": {"type": "boolean", "default": False},
                    },
                    {
                        "name": "include_street",
                        "in": "query",
                        "schema": {"type": "boolean", "default": False},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "the archive",
                        "content": {"application/zip": {"schema": {"type": "string"}}},
                    },
                    "400": {"description": "a parameter is wrong"},
                    "401": {"description": "no staff token (audited)"},
                    "403": {"description": "wrong or revoked token (audited)"},
                    "404": {"description": "no such petition"},
                    "409": {"description": "no congressional districts loaded"},
                },
            }
        }
    }
)


# --- flask delivery export --------------------------------------------------------------


@delivery_cli.command("export")
@click.argument("slug")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--status", help="validated (default), pending, or validated,pending")
@click.option("--state", help="one state's offices only, e.g. NY")
@click.option("--since", help="signed on or after, YYYY-MM-DD")
@click.option("--until", help="signed on or before, YYYY-MM-DD")
@click.option("--include-email", is_flag=True, help="add signers' email addresses")
@click.option("--include-street", is_flag=True, help="add signers' street addresses")
def export_command(slug, out_dir, **options):
    """Write the delivery archive for petition SLUG into DIR (audited)."""
    try:
        parsed = parse_options(options)
    except FilterError as error:
        raise click.UsageError(str(error)) from None
    petition = db.session().scalar(select(Petition).where(Petition.slug == slug))
    if petition is None:
        raise click.ClickException(f"no petition called {slug!r}")
    if congress.active_dataset(db.session()) is None:
        raise click.ClickException("no congressional districts loaded: run `flask congress load`")
    if cjk_font() is None:
        click.echo(
            "note: no CJK font installed (Debian: fonts-wqy-microhei); Chinese, Japanese "
            "and Korean characters would be missing from the PDFs",
            err=True,
        )
    total = db.session().scalar(
        parsed.filters.apply(select(Signature.id), petition.id)
        .with_only_columns(func.count())
        .order_by(None)
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    target = out_dir / f"{archive_name(petition, datetime.now(UTC))}.zip"
    partial = target.with_suffix(".zip.partial")
    progress = click.progressbar(length=total or 0, label="signers", file=sys.stderr)
    with progress as bar, open(partial, "wb") as out:
        for chunk in audited_archive(petition, parsed, audit.cli_actor(), bar.update):
            out.write(chunk)
    partial.rename(target)
    click.echo(f"wrote {target} ({total} signers) in {time.monotonic() - started:.1f}s")
