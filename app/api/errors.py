"""API errors as `{"error": {"code", "message"}}`; HTML error pages elsewhere."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from app.errors import DomainError

API_PREFIX = "/api/"


class ErrorDetailSchema(Schema):
    """What went wrong: a stable machine code and a human message."""

    code = fields.String(required=True, metadata={"example": "forbidden"})
    message = fields.String(required=True)
    field_messages = fields.Dict(
        data_key="fields", metadata={"description": "Per-field messages of a validation error"}
    )


class ErrorSchema(Schema):
    """Every API error: `{"error": {"code", "message"}}`."""

    error = fields.Nested(ErrorDetailSchema, required=True)


def is_api_request() -> bool:
    """Whether the current request is addressed to the JSON API."""
    return request.path.startswith(API_PREFIX)


def json_error(status: int, code: str, message: str,
               headers: list[tuple[str, str]] | None = None,
               **extra: object) -> tuple[Response, int, list[tuple[str, str]]]:
    """A JSON error response."""
    body: dict[str, object] = {"code": code, "message": message}
    body.update(extra)
    return jsonify(error=body), status, headers or []


def _passed_headers(error: HTTPException) -> list[tuple[str, str]]:
    """Headers of the exception worth keeping (Allow, Retry-After, ...), not its content type."""
    return [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]


def handle_http_exception(error: HTTPException) -> ResponseReturnValue:
    """Answer JSON under /api/, an HTML page elsewhere."""
    from app.web.errors import render_error_page

    if not is_api_request():
        return render_error_page(error)
    headers = _passed_headers(error)
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    if messages:
        flat = _flatten(messages)
        return json_error(status, "validation_error", "; ".join(flat) or "invalid request",
                          headers, fields=messages)
    code = (error.name or "error").lower().replace(" ", "_").replace("'", "")
    return json_error(status, code, error.description or error.name, headers)


def error_response(error: DomainError) -> tuple[Response, int, list[tuple[str, str]]]:
    """A refusal as the API answers it: its status and `{"error": {"code", "message"}}`, the
    message in the request's language (`Accept-Language`, Chinese by default)."""
    return json_error(error.status, error.code, error.message,
                      **getattr(error, "extra", {}))


def handle_domain_error(error: DomainError) -> ResponseReturnValue:
    """A refusal that escaped its unit of work: JSON under /api/, else an error page."""
    from app.extensions import db

    db.session.rollback()
    if is_api_request():
        return error_response(error)
    from app.web.errors import render_refusal_page

    return render_refusal_page(error)


def handle_unexpected_exception(error: Exception) -> ResponseReturnValue:
    """A bug inside an API view: log it, roll back, answer JSON 500 (pages re-raise)."""
    if not is_api_request():
        raise error
    from app.extensions import db

    current_app.logger.exception("unhandled error in %s %s", request.method, request.path)
    db.session.rollback()
    return json_error(500, "internal_error", "the server failed to answer this request")


def _flatten(messages: object, prefix: str = "") -> list[str]:
    """Turn webargs' nested messages into 'field: message' strings."""
    out: list[str] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = str(key) if key not in ("json", "query", "form") else ""
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
    """Route every HTTP error through `handle_http_exception`, API bugs to a JSON 500."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(Exception, handle_unexpected_exception)
