"""The text of a PDF the app produced, read by poppler's `pdftotext` (as a reader would)."""

from __future__ import annotations

import subprocess


def pdf_text(data: bytes) -> str:
    """The text of a PDF given as bytes, in reading order."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, check=True,
                          capture_output=True).stdout.decode("utf-8")
