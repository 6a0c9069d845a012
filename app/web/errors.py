"""Error pages in the user's language."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.errors import DomainError


def render_error_page(error: HTTPException) -> HTTPException | tuple[str, int]:
    """Render an HTTP error as a page."""
    if error.code is None:
        return error
    return render_template("errors/error.html", code=error.code, error=error,
                           csrf=isinstance(error, CSRFError)), error.code


def render_refusal_page(error: DomainError) -> tuple[str, int]:
    """A refused operation outside a form (`app.uow.perform` handles those): its message."""
    return render_template("errors/error.html", code=error.status, error=None,
                           message=error.message, csrf=False), error.status


def init_app(app: Flask) -> None:
    """Nothing to register: `app.api.errors` routes all HTTP errors (JSON or page)."""
    del app
