"""The signers table written straight into the page's content stream (the fast path).

fpdf2's cell() costs ~80 µs; a packet of a million rows cannot afford it, so
rows are laid out here: text wrapped by the fonts' own glyph widths, each run
in DejaVu or (for characters DejaVu lacks, e.g. Chinese) the CJK fallback.
Every fpdf2 internal it needs goes through fpdf_internals.TextOps (pdf.fast).
"""

from __future__ import annotations


class FastTable:
    SIZE = 8.0
    PAD = 1.0

    def __init__(self, pdf, columns):
        """`pdf` is a pdf.PacketPDF on the fast path, `columns` a pdf.Columns."""
        self.pdf = pdf
        self.columns = columns
        self.text = pdf.fast
        self.measure = pdf.fast.measure
        self.line_h = self.SIZE * 0.3528 * 1.2
        self.widths: dict[str, float] = {}
        k = pdf.k
        self.font_op = self.text.font_op(self.SIZE)
        self.rooms = [width - 2 * self.PAD for width in columns.widths]
        self.lefts, x = [], pdf.l_margin
        for width in columns.widths:
            self.lefts.append((x + self.PAD) * k)
            x += width
        self.x0 = self.lefts[0]
        self.steps = [""] + [
            f"{(b - a):.2f} 0 Td" for a, b in zip(self.lefts, self.lefts[1:], strict=False)
        ]
        self.rule_from = f"{pdf.l_margin * k:.2f}"
        self.rule_to = f"{(pdf.w - pdf.r_margin) * k:.2f}"
        widest = max(self.measure.ascii_w) * self.SIZE / 1000 / k  # mm
        self.shorts = [int(room / widest) for room in self.rooms]
        self.title_row()

    def title_row(self):
        pdf = self.pdf
        y = pdf.y + self.line_h
        pieces = [
            (left / pdf.k, y, name)
            for left, name in zip(self.lefts, self.columns.names, strict=True)
        ]
        self.text.draw(pieces, self.SIZE, stroke=True)
        pdf.y += self.line_h + 2
        pdf.set_draw_color(120)
        pdf.line(pdf.l_margin, pdf.y - 0.5, pdf.w - pdf.r_margin, pdf.y - 0.5)
        pdf.set_draw_color(215)

    def row(self, values: list[str]) -> None:
        texts = self.columns.texts(values)
        pdf = self.pdf
        encode, size = self.text.encode, self.SIZE
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
        self.text.write(" ".join(ops))
        pdf.y += height

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
