"""Security hardening of every request: refused NUL bytes in, security headers out."""

from __future__ import annotations

from flask import Flask, Response, abort, request

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)


def has_nul(values: object) -> bool:
    """Whether a string, or any value of a (multi)dict of strings, contains a NUL byte."""
    if isinstance(values, str):
        return "\x00" in values
    getlist = getattr(values, "lists", None)
    if getlist is not None:
        return any("\x00" in key or any(isinstance(v, str) and "\x00" in v for v in vals)
                   for key, vals in getlist())
    return False


def refuse_nul_bytes() -> None:
    """Answer 400 when the path, query or form carries a NUL byte (databases refuse them)."""
    if "\x00" in request.path or has_nul(request.args):
        abort(400, description="the request contains a NUL byte")
    if request.path.startswith("/api/"):
        return  # JSON bodies are checked by app.api.guards
    if request.method in {"POST", "PUT", "PATCH"} and request.mimetype in {
        "application/x-www-form-urlencoded", "multipart/form-data"
    } and has_nul(request.form):
        abort(400, description="the request contains a NUL byte")


def add_security_headers(response: Response) -> Response:
    """Set the security headers (CSP, nosniff, no framing, referrer policy, HSTS on https)."""
    from flask import current_app

    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    """Refuse NUL bytes before each request; add the security headers after it."""
    app.before_request(refuse_nul_bytes)
    app.after_request(add_security_headers)
