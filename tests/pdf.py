"""The text of a PDF the app produced, read by poppler's `pdftotext` (as a reader would), and
its pages and fonts (`pdfinfo`, `pdffonts`)."""

from __future__ import annotations

import subprocess
import tempfile


def pdf_text(data: bytes) -> str:
    """The text of a PDF given as bytes, in reading order."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, check=True,
                          capture_output=True).stdout.decode("utf-8")


def _poppler(tool: list[str], data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        return subprocess.run([*tool, file.name], check=True, capture_output=True,
                              text=True).stdout


def pdf_page_sizes(data: bytes) -> list[str]:
    """Each page's size as pdfinfo names it ("595.276 x 841.89 pts (A4)"), in order."""
    info = _poppler(["pdfinfo", "-f", "1", "-l", "100000"], data)
    return [line.split("size:", 1)[1].strip() for line in info.splitlines()
            if line.startswith("Page") and " size:" in line]


def pdf_fonts(data: bytes) -> set[str]:
    """The names of the fonts embedded in a PDF (without the subset prefix)."""
    rows = _poppler(["pdffonts"], data).splitlines()[2:]
    return {row.split()[0].split("+", 1)[-1] for row in rows if row.strip()}
