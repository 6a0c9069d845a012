"""One writer for every export a spreadsheet may open: CSV (UTF-8 with BOM) and XLSX.

Every cell that a spreadsheet would read as a formula — starting with `=`, `+`, `-`, `@`, a
tab or a carriage return (OWASP "CSV injection") — is neutralised with a leading apostrophe,
whatever column it is in; numbers written as numbers are left alone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

#: first characters that make a spreadsheet evaluate a cell
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | Decimal | None


def safe_cell(value: Cell) -> str | int | Decimal:
    """A value as a spreadsheet should show it: text starting like a formula gets a `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]], *, bom: bool = True) -> str:
    """The rows as CSV text (a BOM first, so Excel and WPS read UTF-8), every cell made safe."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
