"""The JSON API at /api/v1 (contract: API.md), documented by OpenAPI."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Initialise flask-smorest and register the core API blueprints."""
    from app.api import auth, communities, errors
    from app.extensions import api, csrf

    api.init_app(app)
    errors.init_app(app)
    for blueprint in (auth.blp, communities.blp):
        api.register_blueprint(blueprint, url_prefix="/api/v1")
        csrf.exempt(blueprint)
