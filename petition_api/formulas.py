"""One rule for cells a spreadsheet would run as a formula (CSV injection).

The signing form refuses free text that starts like a formula; exports and
delivery packets, which also carry older and imported data, make such a cell
inert with a leading apostrophe. Both ask `looks_like_formula`.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def looks_like_formula(text: str) -> bool:
    # Spreadsheets skip leading spaces before deciding a cell is a formula.
    return text.lstrip(" ").startswith(FORMULA_START)


def inert(value) -> str:
    """The cell as a spreadsheet shows it as text: a formula gets a leading apostrophe."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if looks_like_formula(text) else text
