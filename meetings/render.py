"""Rendering helpers: Markdown to safe HTML, QR codes as inline SVG, PDFs with a CJK font."""

from __future__ import annotations

from flask import Response, request
from markupsafe import Markup

from app.markdown import render_markdown
from app.printing import pdf_bytes, qr_svg


def markdown_html(text: str) -> Markup:
    """Render minutes' Markdown to sanitised HTML (the core's one renderer, `app.markdown`)."""
    return render_markdown(text)


def pdf_response(html: str, filename: str) -> Response:
    """A PDF of a printable page, shown inline with a download name."""
    response = Response(pdf_bytes(html, request.url_root), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


__all__ = ["markdown_html", "pdf_bytes", "pdf_response", "qr_svg"]
