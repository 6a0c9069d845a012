"""Rendering helpers: Markdown to safe HTML, QR codes as inline SVG, PDFs with a CJK font."""

from __future__ import annotations

import nh3
import segno
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def markdown_html(text: str) -> Markup:
    """Render minutes' Markdown to sanitised HTML (raw HTML in the source is not passed)."""
    return Markup(nh3.clean(_md.render(text or "")))


def qr_svg(url: str) -> Markup:
    """A QR code of an absolute URL as inline SVG (prints sharp on an A4 notice)."""
    return Markup(segno.make(url, error="m").svg_inline(scale=4, title=url))


def pdf_bytes(html: str, base_url: str) -> bytes:
    """Render a printable page to PDF with WeasyPrint (fonts: Noto CJK, see the PDF CSS)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()
