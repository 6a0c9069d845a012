"""Rendering helpers: Markdown to safe HTML, QR codes as inline SVG, PDFs with a CJK font."""

from __future__ import annotations

import segno
from flask import Response, request
from markupsafe import Markup

from app.markdown import render_markdown


def markdown_html(text: str) -> Markup:
    """Render minutes' Markdown to sanitised HTML (the core's one renderer, `app.markdown`)."""
    return render_markdown(text)


def qr_svg(url: str) -> Markup:
    """A QR code of an absolute URL as inline SVG (prints sharp on an A4 notice)."""
    return Markup(segno.make(url, error="m").svg_inline(scale=4, title=url))


def pdf_bytes(html: str, base_url: str) -> bytes:
    """Render a printable page to PDF with WeasyPrint (fonts: Noto CJK, see the PDF CSS)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()


def pdf_response(html: str, filename: str) -> Response:
    """A PDF of a printable page, shown inline with a download name."""
    response = Response(pdf_bytes(html, request.url_root), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
