"""The PDF packet for one office: cover letter, then a table of signers.

Imported only when a delivery is made (packets.py imports it inside functions),
so fpdf2 and fontTools (30 MB, over a second to import) never load in the API
workers that take signatures.

Two ways to draw it, chosen per delivery by packet_fonts(): on the fpdf2 minor
we test (fpdf_internals.FAST), through fpdf2's internals, fast; on any other,
through its public API only, slower but safe from changes in those internals.
The packets carry the same text either way.

For screen readers, as far as fpdf2 2.8 goes: the document's language (en-US), its
title shown instead of the file name, bookmarks to the letter, the list and the
stories, and real text drawn in reading order (letterhead, letter, then each row
left to right). It is not a tagged PDF: fpdf2 builds a structure tree only for
images and links, tags start_section's headings as figures, and tags no table (not
even its own table()). A partly tagged PDF would hide every untagged line from a
screen reader, so a packet has no structure tree at all; its CSV is the same list
in a form any screen reader reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from fontTools import ttLib
from fpdf import FPDF, ViewerPreferences
from fpdf.enums import Align, MethodReturnValue, PageMode, TextMode, XPos, YPos

from ..models import ToldStory
from . import fpdf_internals
from .fast_table import FastTable
from .fonts import FONTS, cjk_font
from .letter import Block, Signed, constituents, cover_letter


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


class PacketPDF(FPDF):
    """One office's packet, from the delivery it is part of, that office's tally and what
    its letter says about the signers (packets.Delivery, packets.Tally, letter.Signed:
    this module does not import packets)."""

    def __init__(self, delivery, tally, signed: Signed):
        super().__init__(format="Letter", unit="mm")
        self.delivery = delivery
        self.office = tally.office
        self.signed = signed
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(True, margin=18)
        self._describe()
        delivery.fonts.install(self, with_fallbacks=tally.needs_cjk or delivery.needs_cjk)
        self.fast = fpdf_internals.TextOps(self) if delivery.fonts.fast else None
        self.add_page()
        self.cover()

    def _describe(self) -> None:
        """What a reader shows and reads aloud before the first page (see docs/pages/delivery.md on
        what fpdf2 can and cannot tag)."""
        d, o = self.delivery, self.office
        self.set_title(f"{d.petition.title}: {o.code}, {o.addressee}")
        self.set_subject(f"A petition signed by {constituents(self.signed.count)}, and their names")
        self.set_author(d.sender.organisation)
        self.set_creator("Groundswell")
        self.set_lang("en-US")
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)
        self.page_mode = PageMode.USE_OUTLINES  # the bookmarks open beside the pages
        self.alias_nb_pages("{total}")  # room for a 7-digit page count
        self.set_creation_date(d.generated)

    def para(self, height: float, text: str, indent: float = 0) -> None:
        width = self.epw - indent
        if self.fast is None:
            self.set_x(self.l_margin + indent)
            self.multi_cell(width, height, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            return
        for line in self.fast.measure.wrap(text, width, self.font_size_pt):
            self.set_x(self.l_margin + indent)
            self.cell(width, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

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
        """From the second page on: the petition and the office (the first has the letterhead)."""
        if self.page_no() == 1:
            return
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
        self.cell(0, 5, f"{self.delivery.sender.organisation} · Page {self.page_no()} of {{total}}",
                  align="C")  # fmt: skip
        self.set_text_color(0)

    def cover(self):
        """The cover letter, on its own page(s)."""
        d, o = self.delivery, self.office
        letter = cover_letter(d.sender, o, d.petition.title, self.signed, d.generated,
                              f"{o.code}.csv")  # fmt: skip
        self.start_section("Cover letter")
        organisation, *details = letter.letterhead
        self.bold(14)
        self.para(7, organisation)
        self.regular(9.5)
        self.set_text_color(70)
        for line in details:
            self.para(4.6, line)
        self.set_text_color(0)
        self.ln(2)
        self.set_draw_color(150)
        self.line(self.l_margin, self.y, self.w - self.r_margin, self.y)
        self.ln(8)
        self.regular(10.5)
        self.para(5.4, letter.date)
        self.ln(5)
        for line in letter.inside_address:
            self.para(5.4, line)
        self.ln(5)
        self.bold(10.5)
        self.para(5.4, letter.subject)
        self.ln(4)
        self.regular(10.5)
        self.para(5.4, letter.salutation)
        for block in letter.blocks:
            self.letter_block(block)
        self.ln(4)
        self.para(5.4, letter.closing)
        self.ln(10)
        for line in letter.signature:
            self.para(5.4, line)

    def letter_block(self, block: Block) -> None:
        if block.kind == "quote":
            self.ln(1)
            self.para(5.4, block.text, indent=8)
            return
        self.ln(3.5)
        if block.kind == "heading":
            self.bold(10.5)
            self.para(5.4, block.text)
            self.regular(10.5)
            return
        self.para(5.4, block.text)

    def stories(self, told: list[ToldStory]) -> None:
        """After the signatures: the stories constituents let us share with this office."""
        self.set_auto_page_break(True, margin=18)
        self.add_page()
        self.start_section("Stories from your constituents")
        self.bold(13)
        self.para(7, "Stories from your constituents")
        self.regular(9.5)
        self.para(
            5,
            "Each of these constituents wrote to us and agreed that we share their story with "
            "you. We show a first name only where its author allowed it.",
        )
        for story in told:
            self.ln(4)
            self.bold(10.5)
            self.para(5.5, story.heading)
            self.regular(10.5)
            for paragraph in story.text.split("\n"):
                if paragraph.strip():
                    self.para(5.5, paragraph.strip())

    def start_table(self, several_versions: bool) -> FastTable | PublicTable:
        self.add_page()
        self.set_auto_page_break(False, margin=18)  # rows break pages themselves
        heading = f"Signers in {self.office.constituents_in}, by ZIP code and surname"
        self.start_section(heading)
        self.bold(12)
        self.para(7, heading)
        self.regular(9)
        self.para(5, f"{constituents(self.signed.count)} of {self.office.addressee}.")
        self.ln(3)
        columns = [("ZIP", 0.09), ("Name", 0.26), ("City", 0.17), ("Comment", 0.48)]
        if several_versions:
            columns = [(n, w * 0.92) for n, w in columns] + [("Version", 0.08)]
        spec = Columns(
            [name for name, _ in columns],
            [self.epw * share for _, share in columns],
            {version: str(w.number or "?") for version, w in self.delivery.wordings.items()},
        )
        return FastTable(self, spec) if self.fast else PublicTable(self, spec)


@dataclass
class Columns:
    """The signers table's columns (names, widths in mm) and what goes in each."""

    names: list[str]
    widths: list[float]
    numbers: dict[str, str]  # a version's hash -> its number, as the table shows it

    def texts(self, values: list[str]) -> list[str]:
        """One spooled row (see packets.Delivery._add), column by column."""
        first, last, city, zip_code, _district, comment, version, _signed = values
        by_name = {"Name": f"{first} {last}", "City": city, "ZIP": zip_code, "Comment": comment}
        by_name["Version"] = self.numbers.get(version, "?")
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
