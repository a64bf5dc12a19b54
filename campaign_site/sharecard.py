"""The picture Facebook and X show when someone shares a page.

Drawn at build time (PNG: neither network shows SVG) from the site name and
a headline, so a new petition gets its own card without a designer.
"""

from __future__ import annotations

import io
import textwrap

_STYLE = {"font.family": "DejaVu Sans"}
WIDTH, HEIGHT, DPI = 1200, 630, 100


def draw(site_name: str, headline: str) -> bytes:
    # Imported here: matplotlib takes seconds to load and a cached build never needs it.
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor="#283593")
        figure.text(
            0.06, 0.86, site_name.upper(), color="#c5cae9", fontsize=22, fontweight="bold", va="top"
        )
        figure.text(
            0.06,
            0.68,
            "\n".join(textwrap.wrap(headline, 34)[:4]),
            color="white",
            fontsize=40,
            fontweight="bold",
            va="top",
            linespacing=1.25,
        )
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
