"""Printing: QR codes as inline SVG and PDFs with a CJK font (WeasyPrint), for every feature."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(url: str, scale: int = 4) -> Markup:
    """A QR code of an absolute URL as inline SVG (prints sharp on an A4 page)."""
    return Markup(segno.make(url, error="m").svg_inline(scale=scale, title=url))


def pdf_bytes(html: str, base_url: str) -> bytes:
    """Render a printable page to PDF with WeasyPrint (fonts: Noto CJK, see the PDF CSS)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()
