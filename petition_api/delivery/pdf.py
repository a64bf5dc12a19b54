"""The PDF packet for one office: cover letter, then a table of signers.

Imported only when a delivery is made (packets.py imports it inside functions),
so fpdf2 and fontTools (30 MB, over a second to import) never load in the API
workers that take signatures.

Two ways to draw it, chosen per delivery by packet_fonts(): on the fpdf2 minor
we test (fpdf_internals.FAST), through fpdf2's internals, fast; on any other,
through its public API only, slower but safe from changes in those internals.
The packets carry the same text either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, TextMode, XPos, YPos

from ..models import Petition
from . import fpdf_internals
from .fast_table import FastTable
from .fonts import FONTS, cjk_font


def packet_fonts() -> fpdf_internals.FastFonts | PublicFonts:
    """The fonts of one delivery, and with them the way its packets are drawn."""
    return fpdf_internals.FastFonts() if fpdf_internals.FAST else PublicFonts()


class PublicFonts:
    """DejaVu regular and bold, and the CJK font as a fallback where a packet needs it,
    through add_font: every packet parses them again (about 50 ms)."""

    fast = False
    REGULAR = FONTS / "DejaVuSans.ttf"
    BOLD = FONTS / "DejaVuSans-Bold.ttf"

    def __init__(self):
        self.cjk = cjk_font()
        self.main_chars = frozenset(ttLib.TTFont(self.REGULAR).getBestCmap())

    def covers(self, text: str) -> bool:
        """Can DejaVu draw all of it? (If not, the packet gets the CJK fallback.)"""
        return text.isascii() or all(ord(c) in self.main_chars for c in text)

    def install(self, pdf: FPDF, with_fallbacks: bool) -> None:
        pdf.add_font("dejavu", "", self.REGULAR)
        pdf.add_font("dejavu", "B", self.BOLD)
        if with_fallbacks and self.cjk is not None:
            pdf.add_font("cjk", "", self.cjk)
            pdf.set_fallback_fonts(["cjk"], exact_match=False)


def _day(value: datetime | None) -> str:
    return f"{value:%B} {value.day}, {value.year}" if value else ""


class PacketPDF(FPDF):
    """One office's packet, from the delivery it is part of and that office's tally
    (packets.Delivery and packets.Tally: this module does not import them)."""

    def __init__(self, delivery, tally):
        super().__init__(format="Letter", unit="mm")
        self.delivery = delivery
        self.office = tally.office
        self.tally = tally
        self.set_margins(18, 20, 18)
        self.set_auto_page_break(True, margin=18)
        self.set_title(f"{delivery.petition.title}: {tally.office.code}")
        self.set_author("Groundswell")
        self.alias_nb_pages("{total}")  # room for a 7-digit page count
        self.set_creation_date(delivery.generated)
        delivery.fonts.install(self, with_fallbacks=tally.needs_cjk or delivery.needs_cjk)
        self.fast = fpdf_internals.TextOps(self) if delivery.fonts.fast else None
        self.add_page()
        self.cover()

    def para(self, height: float, text: str) -> None:
        if self.fast is None:
            self.multi_cell(0, height, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            return
        for line in self.fast.measure.wrap(text, self.epw, self.font_size_pt):
            self.cell(0, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bold(self, size: float) -> None:
        if self.fast is None:
            self.set_font("dejavu", "B", size)
            return
        # DejaVu drawn with a stroke looks bold and saves embedding a second font.
        self.set_font("dejavu", "", size)
        self.set_draw_color(0)
        self.set_line_width(size * 0.015)
        self.text_mode = TextMode.FILL_STROKE

    def regular(self, size: float) -> None:
        self.set_font("dejavu", "", size)
        if self.text_mode != TextMode.FILL:  # only ever set by bold() on the fast path
            self.text_mode = TextMode.FILL
            self.fast.fill_mode()
        self.set_line_width(0.2)

    def header(self):
        title = self.delivery.petition.title[:90]
        right = f"{self.office.code} · {self.office.addressee}"[:60]
        if self.fast is None:
            self.regular(8)
            self.set_text_color(90)
            self.cell(self.epw, 4.5, title, new_x=XPos.LMARGIN)
            self.cell(self.epw, 4.5, right, align=Align.R, new_x=XPos.LMARGIN)
            self.set_text_color(0)
        else:
            y = self.t_margin + 3.5
            x_right = self.w - self.r_margin - self.fast.measure.width(right, 8)
            self.fast.draw([(self.l_margin, y, title), (x_right, y, right)], 8, gray=0.35)
        self.set_draw_color(180)
        self.line(self.l_margin, self.t_margin + 5, self.w - self.r_margin, self.t_margin + 5)
        self.set_y(self.t_margin + 9)

    def footer(self):
        self.set_y(-12)
        self.regular(8)
        self.set_text_color(90)
        self.cell(0, 5, f"Page {self.page_no()} of {{total}}", align="C")
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
        people = "constituents"  # "1 of your constituents", as "2 of your constituents"
        when = (
            f"on {_day(t.first)}"
            if t.first and t.first.date() == t.last.date()
            else f"between {_day(t.first)} and {_day(t.last)}"
        )
        self.para(
            5.5,
            f"{t.count:,} of your {people} in {o.area} signed this petition {when}. Each one "
            "confirmed their signature from their own email address. Their names, towns and "
            "comments follow.",
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

    def stories(self, told: list[tuple[str, str]]) -> None:
        """After the signatures: the stories constituents let us share with this office."""
        self.set_auto_page_break(True, margin=18)
        self.add_page()
        self.bold(13)
        self.para(7, "Stories from your constituents")
        self.regular(9.5)
        self.para(
            5,
            "Each of these constituents wrote to us and agreed that we share their story with you.",
        )
        for teller, text in told:
            self.ln(4)
            self.bold(10.5)
            self.para(5.5, teller)
            self.regular(10.5)
            for paragraph in text.split("\n"):
                if paragraph.strip():
                    self.para(5.5, paragraph.strip())

    def start_table(self, several_versions: bool) -> FastTable | PublicTable:
        self.set_auto_page_break(False, margin=18)  # rows break pages themselves
        self.ln(6)
        self.bold(12)
        self.cell(0, 7, "Signers", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        columns = [("Name", 0.26), ("City", 0.17), ("ZIP", 0.09), ("Comment", 0.48)]
        if several_versions:
            columns = [(n, w * 0.95) for n, w in columns] + [("Ver.", 0.05)]
        spec = Columns(
            [name for name, _ in columns],
            [self.epw * share for _, share in columns],
            self.delivery.version_labels,
        )
        return FastTable(self, spec) if self.fast else PublicTable(self, spec)


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


@dataclass
class Columns:
    """The signers table's columns (names, widths in mm) and what goes in each."""

    names: list[str]
    widths: list[float]
    labels: dict[str, str]

    def texts(self, values: list[str]) -> list[str]:
        """One row of the packet's CSV (see packets.Delivery._render), column by column."""
        first, last, city, zip_code, _district, comment, version, _signed = values
        by_name = {"Name": f"{first} {last}", "City": city, "ZIP": zip_code, "Comment": comment}
        by_name["Ver."] = self.labels.get(version, "?")
        return [by_name[name] for name in self.names]


class PublicTable:
    """The signers table through fpdf2's public API: a cell per column, multi_cell
    where a value wraps. Several times slower than FastTable (fast_table.py)."""

    SIZE = 8.0
    PAD = 1.0  # above and below the text; cells pad it left and right by pdf.c_margin

    def __init__(self, pdf: PacketPDF, columns: Columns):
        self.pdf = pdf
        self.columns = columns
        self.line_h = self.SIZE * 0.3528 * 1.2
        self.title_row()

    def title_row(self):
        pdf = self.pdf
        pdf.bold(self.SIZE)
        for name, width in zip(self.columns.names, self.columns.widths, strict=True):
            pdf.cell(width, self.line_h + 2, name)
        pdf.ln()
        pdf.set_draw_color(120)
        pdf.line(pdf.l_margin, pdf.y - 0.5, pdf.w - pdf.r_margin, pdf.y - 0.5)
        pdf.set_draw_color(215)
        pdf.regular(self.SIZE)

    def row(self, values: list[str]) -> None:
        pdf, widths = self.pdf, self.columns.widths
        texts = self.columns.texts(values)
        counts = [self.lines(text, width) for text, width in zip(texts, widths, strict=True)]
        height = max(counts) * self.line_h + self.PAD * 1.5
        if pdf.y + height > pdf.h - pdf.b_margin:
            pdf.add_page()
            self.title_row()
        top, x = pdf.y, pdf.l_margin
        for text, width, count in zip(texts, widths, counts, strict=True):
            pdf.set_xy(x, top + self.PAD / 2)
            if count == 1:
                pdf.cell(width, self.line_h, text)
            else:
                pdf.multi_cell(width, self.line_h, text, align=Align.L)
            x += width
        pdf.set_y(top + height)
        pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)

    def lines(self, text: str, width: float) -> int:
        if "\n" not in text and self.pdf.get_string_width(text) <= width - 2 * self.pdf.c_margin:
            return 1
        found = self.pdf.multi_cell(
            width, self.line_h, text, dry_run=True, output=MethodReturnValue.LINES
        )
        return len(found)
