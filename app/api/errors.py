"""API errors as `{"error": {"code", "message"}}`; HTML error pages elsewhere."""

from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException


class ApiError(HTTPException):
    """An API refusal with a status, a machine code and a message."""

    def __init__(self, status: int, code: str, message: str, **extra: object) -> None:
        super().__init__(description=message)
        self.code = status
        self.error_code = code
        self.extra = extra


def json_error(status: int, code: str, message: str, **extra: object):  # noqa: ANN201
    """A JSON error response."""
    body: dict[str, object] = {"code": code, "message": message}
    body.update(extra)
    return jsonify(error=body), status


def handle_http_exception(error: HTTPException):  # noqa: ANN201
    """Answer JSON under /api/, an HTML page elsewhere."""
    from app.web.errors import render_error_page

    if not request.path.startswith("/api/"):
        return render_error_page(error)
    if isinstance(error, ApiError):
        return json_error(error.code, error.error_code, error.description, **error.extra)
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    if messages:
        flat = _flatten(messages)
        return json_error(status if status != 422 else 422, "validation_error",
                          "; ".join(flat) or "invalid request", fields=messages)
    code = (error.name or "error").lower().replace(" ", "_")
    return json_error(status, code, error.description or error.name)


def _flatten(messages: object, prefix: str = "") -> list[str]:
    """Turn webargs' nested messages into 'field: message' strings."""
    out: list[str] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = key if key not in ("json", "query", "form") else ""
            out += _flatten(value, f"{prefix}.{name}" if prefix and name else (name or prefix))
    elif isinstance(messages, list):
        for value in messages:
            if isinstance(value, str):
                out.append(f"{prefix}: {value}" if prefix else value)
            else:
                out += _flatten(value, prefix)
    else:
        out.append(f"{prefix}: {messages}")
    return out


def init_app(app: Flask) -> None:
    """Route every HTTP error through `handle_http_exception`."""
    app.register_error_handler(HTTPException, handle_http_exception)
