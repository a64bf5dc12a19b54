"""fpdf2's internals, used for speed: all of them here, and only on the fpdf2 they fit.

A delivery is 541 packets and can be a million rows, so the PDF code goes past
fpdf2's public API: fonts parsed once per process and copied into each packet
(FastFonts), text measured from the fonts' glyph widths (Measure) and written
straight into the content stream (TextOps). Those internals change without
notice between fpdf2 releases, so the installed fpdf2 is checked at import:
on the tested minor, FAST is True and pdf.py uses this module; on any other it
logs one warning, FAST is False, and pdf.py draws the same packets through the
public API. Nothing else in the package touches fpdf2's internals.
"""

from __future__ import annotations

import copy
import io
import logging
import threading
from importlib import metadata
from pathlib import Path
from typing import ClassVar

from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf import fonts as fpdf_fonts  # modules, not names: an untested fpdf2 may have moved
from fpdf import output as fpdf_output  # TTFFont, SubsetMap or PDFResourceType

from .fonts import FONTS, cjk_font

TESTED = "2.8"  # the minor pyproject.toml pins (fpdf2>=2.8,<2.9)
log = logging.getLogger("petition_api.delivery")


def tested(version: str) -> bool:
    """Is `version` the fpdf2 minor this module was written for? If not, say so."""
    if version.split(".")[:2] == TESTED.split("."):
        return True
    log.warning(
        "fpdf2 %s is not the tested %s: delivery PDFs use fpdf2's public API (slower)",
        version,
        TESTED,
    )
    return False


FAST = tested(metadata.version("fpdf2"))


class FastFonts:
    """DejaVu, bundled, and for the rare packet that needs them, fallbacks.

    Parsing a font costs fpdf2 more than rendering a small packet, and a delivery
    has one packet per office (541), so fonts are parsed once per process and
    every packet gets a copy with its own glyph subset (fpdf2 2.8's TTFFont). The
    main font is DejaVu cut down to Latin, Greek, Cyrillic and punctuation (1,700
    glyphs instead of 6,000: packing it into a packet is 6 times faster); a packet
    with a character outside that also embeds full DejaVu and the CJK font.
    """

    fast = True
    FULL = FONTS / "DejaVuSans.ttf"
    RANGES = (
        (0x20, 0x7E), (0xA0, 0x4FF), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20A0, 0x20BF),
        (0x2100, 0x214F), (0xFFFD, 0xFFFD),
    )  # fmt: skip
    _templates: ClassVar[dict[str, tuple[bytes, object]]] = {}
    _lock = threading.Lock()

    def __init__(self):
        self.cjk = cjk_font()
        self.main_chars = frozenset(self.template("main")[1].cmap)

    def covers(self, text: str) -> bool:
        """Can the main font draw all of it? (If not, the packet gets the fallbacks.)"""
        return text.isascii() or all(ord(c) in self.main_chars for c in text)

    @classmethod
    def template(cls, name: str) -> tuple[bytes, object]:
        with cls._lock:
            found = cls._templates.get(name)
            if found is None:
                if name == "main":
                    data = cls._latin()
                else:
                    data = (cls.FULL if name == "full" else Path(name)).read_bytes()
                font = fpdf_fonts.TTFFont(
                    FPDF(), io.BytesIO(data), "template", "", collection_font_number=0
                )
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
        font.subset = fpdf_fonts.SubsetMap(font)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        pdf.fonts[family] = font


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


class TextOps:
    """Text straight into the content stream: one font switch per run, glyph codes
    from a per-font table (fpdf2's encode_text looks each character up per call)."""

    def __init__(self, pdf: FPDF):
        self.pdf = pdf
        self.main = pdf.fonts["dejavu"]
        self.measure = Measure(pdf)
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

    def write(self, ops: str) -> None:
        """Operators into the current page; a font used on a page must be in its resources
        (the main font is put there by draw(), which every page's header calls)."""
        pdf = self.pdf
        pdf._out(ops)
        for i in self.fallback_used:
            pdf._resource_catalog.add(fpdf_output.PDFResourceType.FONT, i, pdf.page)

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
        pdf._resource_catalog.add(fpdf_output.PDFResourceType.FONT, self.main.i, pdf.page)
        self.write(" ".join(ops))

    def fill_mode(self) -> None:
        """Back to plain filled text after stroked headings: fpdf2 writes Tr only for
        modes other than fill, so the stroke mode would stay on."""
        self.pdf._out("0 Tr")
