"""The JSON API at /api/v1 (contract: API.md), documented by OpenAPI."""

from __future__ import annotations

from flask import Flask

#: the security scheme every `token_required` endpoint refers to
BEARER_SECURITY = {"type": "http", "scheme": "bearer",
                   "description": "A token from POST /api/v1/auth/token"}


def init_app(app: Flask) -> None:
    """Initialise flask-smorest, the error format, the body checks and the core blueprints."""
    from app.api import auth, communities, errors, guards
    from app.extensions import api, csrf

    api.ERROR_SCHEMA = errors.ErrorSchema
    api.init_app(app)
    api.spec.components.security_scheme(auth.BEARER_SCHEME, BEARER_SECURITY)
    errors.init_app(app)
    guards.init_app(app)
    for blueprint in (auth.blp, communities.blp):
        api.register_blueprint(blueprint, url_prefix="/api/v1")
        csrf.exempt(blueprint)
