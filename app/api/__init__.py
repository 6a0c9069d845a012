"""The JSON API at /api/v1 (contract: API.md), documented by OpenAPI."""

from __future__ import annotations

from typing import Any

from flask import Flask
from marshmallow import fields, validate

#: the security scheme every `token_required` endpoint refers to
BEARER_SECURITY = {"type": "http", "scheme": "bearer",
                   "description": "A token from POST /api/v1/auth/token"}


def enum_keys2properties(converter: Any, field: fields.Field, ret: dict[str, Any],
                         **kwargs: Any) -> dict[str, Any]:
    """Document a `fields.Dict` whose keys are `OneOf` a few names as exactly those optional
    properties (OpenAPI 3.0 has no `propertyNames`): the document states the keys the API
    accepts, as an apispec attribute function."""
    del converter, kwargs
    keys = field.key_field if isinstance(field, fields.Dict) else None
    names = [v.choices for v in getattr(keys, "validators", []) if isinstance(v, validate.OneOf)]
    if not names:
        return {}
    value = ret.get("additionalProperties", {})
    return {"properties": {str(name): value for name in names[0]}, "additionalProperties": False}


def init_app(app: Flask) -> None:
    """Initialise flask-smorest, the error format, the body checks and the core blueprints."""
    from app.api import auth, communities, errors, guards
    from app.extensions import api, csrf

    api.ERROR_SCHEMA = errors.ErrorSchema
    api.init_app(app)
    api.ma_plugin.converter.add_attribute_function(enum_keys2properties)
    api.spec.components.security_scheme(auth.BEARER_SCHEME, BEARER_SECURITY)
    errors.init_app(app)
    guards.init_app(app)
    for blueprint in (auth.blp, communities.blp):
        api.register_blueprint(blueprint, url_prefix="/api/v1")
        csrf.exempt(blueprint)
