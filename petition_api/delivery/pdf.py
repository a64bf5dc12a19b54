"""The PDF packet for one office: cover letter, then a table of signers.

Imported only when a delivery is made (packets.py imports it inside functions),
so fpdf2 and fontTools (30 MB, over a second to import) never load in the API
workers that take signatures.
"""

from __future__ import annotations

import copy
import io
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import TextMode, XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.output import PDFResourceType

from ..models import Petition
from .fonts import FONTS, cjk_font


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
    """One office's packet, from the delivery it is part of and that office's tally
    (packets.Delivery and packets.Tally: this module does not import them)."""

    def __init__(self, delivery, tally):
        super().__init__(format="Letter", unit="mm")
        self.text: TextOps | None = None
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
        self.measure = Measure(self)
        self.text = TextOps(self)
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
        if self.text is None:  # fonts not installed yet
            return
        title = self.delivery.petition.title[:90]
        right = f"{self.office.code} · {self.office.addressee}"[:60]
        y = self.t_margin + 3.5
        x_right = self.w - self.r_margin - self.measure.width(right, 8)
        self.text.draw([(self.l_margin, y, title), (x_right, y, right)], 8, gray=0.35)
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
        self.widths: dict[str, float] = {}
        self.labels = pdf.delivery.version_labels
        k = pdf.k
        self.font_op = f"/F{self.main.i} {self.SIZE:.2f} Tf"
        self.rooms = [width - 2 * self.PAD for _, width in self.columns]
        self.lefts, x = [], pdf.l_margin
        for _, width in self.columns:
            self.lefts.append((x + self.PAD) * k)
            x += width
        self.x0 = self.lefts[0]
        self.steps = [""] + [
            f"{(b - a):.2f} 0 Td" for a, b in zip(self.lefts, self.lefts[1:], strict=False)
        ]
        self.rule_from = f"{pdf.l_margin * k:.2f}"
        self.rule_to = f"{(pdf.w - pdf.r_margin) * k:.2f}"
        widest = max(pdf.measure.ascii_w) * self.SIZE / 1000 / k  # mm
        self.shorts = [int(room / widest) for room in self.rooms]
        self.title_row()

    def title_row(self):
        pdf = self.pdf
        y = pdf.y + self.line_h
        pieces = [
            (left / pdf.k, y, name)
            for left, (name, _) in zip(self.lefts, self.columns, strict=True)
        ]
        pdf.text.draw(pieces, self.SIZE, stroke=True)
        pdf.y += self.line_h + 2
        pdf.set_draw_color(120)
        pdf.line(pdf.l_margin, pdf.y - 0.5, pdf.w - pdf.r_margin, pdf.y - 0.5)
        pdf.set_draw_color(215)

    def row(self, values: list[str]) -> None:
        first, last, city, zip_code, _district, comment, version, _signed, *extra = values
        by_name = {"Name": f"{first} {last}", "City": city, "ZIP": zip_code, "Comment": comment}
        for name, value in zip(self.extra, extra, strict=False):
            by_name[name.capitalize()] = value
        by_name["Ver."] = self.labels.get(version, "?")
        texts = [by_name[name] for name, _ in self.columns]
        pdf = self.pdf
        encode, size = pdf.text.encode, self.SIZE
        if all(self.fits(t, n) for n, t in enumerate(texts)):
            height = self.line_h + self.PAD * 1.5
            if pdf.y + height > pdf.h - pdf.b_margin:
                pdf.add_page()
                self.title_row()
            # One text object: the row's start, then each column's offset from the last.
            base = (pdf.h - pdf.y - self.PAD - 0.8 * self.line_h) * pdf.k
            ops = [f"BT 0 Tr {self.font_op} 1 0 0 1 {self.x0:.2f} {base:.2f} Tm"]
            for n, text in enumerate(texts):
                if n:
                    ops.append(self.steps[n])
                if text:
                    ops.append(encode(text, size))
        else:
            cells = [
                self.measure.wrap(t, room, self.SIZE)
                for t, room in zip(texts, self.rooms, strict=True)
            ]
            height = max(len(c) for c in cells) * self.line_h + self.PAD * 1.5
            if pdf.y + height > pdf.h - pdf.b_margin:
                pdf.add_page()
                self.title_row()
            top = pdf.h - pdf.y
            ops = [f"BT 0 Tr {self.font_op}"]
            for x, lines in zip(self.lefts, cells, strict=True):
                for i, line in enumerate(lines):
                    if line:
                        base = (top - self.PAD - (i + 0.8) * self.line_h) * pdf.k
                        ops.append(f"1 0 0 1 {x:.2f} {base:.2f} Tm {encode(line, size)}")
        ops.append("ET")
        y = (pdf.h - pdf.y - height) * pdf.k
        ops.append(f"{self.rule_from} {y:.2f} m {self.rule_to} {y:.2f} l S")
        pdf._out(" ".join(ops))
        pdf.y += height
        if pdf.text.fallback_used:
            pdf.text.register()

    def fits(self, text: str, column: int) -> bool:
        if not text:
            return True
        if "\n" in text:
            return False
        if len(text) <= self.shorts[column] and text.isascii():  # fits, however wide
            return True
        found = self.widths.get(text)
        if found is None:
            if len(self.widths) > 50_000:
                self.widths.clear()
            found = self.widths[text] = self.measure.width(text, self.SIZE)
        return found <= self.rooms[column]


class TextOps:
    """Text straight into the content stream: one font switch per run, glyph codes
    from a per-font table (fpdf2's encode_text looks each character up per call)."""

    def __init__(self, pdf: PacketPDF):
        self.pdf = pdf
        self.main = pdf.fonts["dejavu"]
        self.measure = pdf.measure
        self.cache: dict[tuple[str, float], str] = {}
        self.tables: dict[int, dict[int, str | None]] = {}
        self.fallback_used: set[int] = set()

    def font_op(self, size: float) -> str:
        return f"/F{self.main.i} {size:.2f} Tf"

    def encode(self, text: str, size: float) -> str:
        """The text's operators in the main font (set by the caller), switching to a
        fallback font and back for characters the main font lacks."""
        key = (text, size)
        found = self.cache.get(key)
        if found is not None:
            return found
        main = self.main
        if text.isascii() or not self.measure.fallbacks:
            found = self.glyphs(main, text)
        else:
            runs = []
            for font, run in self.measure.runs(text):
                if font is main:
                    runs.append(self.glyphs(main, run))
                else:
                    runs.append(f"/F{font.i} {size:.2f} Tf {self.glyphs(font, run)}")
                    runs.append(self.font_op(size))
                    self.fallback_used.add(font.i)
            found = " ".join(runs)
        if len(self.cache) > 50_000:
            self.cache.clear()
        self.cache[key] = found
        return found

    def glyphs(self, font, text: str) -> str:
        table = self.tables.setdefault(font.i, {})
        for char in set(text):
            code = ord(char)
            if code not in table:
                mapped = font.subset.pick(code)
                table[code] = chr(mapped) if mapped is not None else None
        return f"({font.escape_text(text.translate(table))}) Tj"

    def register(self) -> None:
        """A font used on a page must be in that page's resources."""
        for i in self.fallback_used:
            self.pdf._resource_catalog.add(PDFResourceType.FONT, i, self.pdf.page)

    def draw(self, pieces, size: float, gray: float = 0.0, stroke: bool = False) -> None:
        """Text at (x mm, baseline y mm), in one text object."""
        pdf, k = self.pdf, self.pdf.k
        mode = "2 Tr 0 G 0.12 w" if stroke else "0 Tr"
        ops = [f"q {gray:.2f} g BT {mode} {self.font_op(size)}"]
        for x, y, text in pieces:
            if text:
                ops.append(
                    f"1 0 0 1 {x * k:.2f} {(pdf.h - y) * k:.2f} Tm {self.encode(text, size)}"
                )
        ops.append("ET Q")
        pdf._out(" ".join(ops))
        pdf._resource_catalog.add(PDFResourceType.FONT, self.main.i, pdf.page)
        self.register()
