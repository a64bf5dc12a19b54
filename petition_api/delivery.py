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

import csv
import shutil
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Blueprint, Response, abort, current_app, request, stream_with_context
from flask.cli import AppGroup
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
        from .packets import PacketFonts  # fpdf2 loads only when a delivery is made

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
        from .packets import PacketPDF

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
