"""Bearer-token authentication for the API, and `POST /auth/token`."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from functools import wraps
from typing import Any

from flask import current_app, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.accounts.models import User
from app.accounts.services import authenticate, issue_api_token, user_for_token
from app.api.errors import ApiError
from app.extensions import db, limiter

blp = Blueprint("api_auth", __name__, description="Authentication")

#: the name of the bearer scheme in the OpenAPI document's components
BEARER_SCHEME = "bearerAuth"
#: longest token we look up (issued tokens are 43 characters)
MAX_TOKEN_LENGTH = 200


class TokenRequest(Schema):
    """Credentials for a token."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(max=200))


class TokenResponse(Schema):
    """A bearer token."""

    token = fields.String(required=True)


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer ...` header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return token


def api_user() -> User | None:
    """The user of the request's bearer token, or None (looked up once per request).

    Cached on the request, not on `g`: an app context (and its `g`) may span several requests.
    """
    req = request._get_current_object()
    if not hasattr(req, "yishi_api_user"):
        token = bearer_token()
        req.yishi_api_user = user_for_token(token) if token else None  # type: ignore[attr-defined]
    return req.yishi_api_user  # type: ignore[attr-defined]


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse with 401 unless a valid bearer token is given; documented in the OpenAPI spec.

    Place it below `@blp.route` and above `@blp.arguments`/`@blp.response`.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if api_user() is None:
            raise ApiError(401, "unauthorized", "a valid bearer token is required")
        return view(*args, **kwargs)

    apidoc = deepcopy(getattr(view, "_apidoc", {}))
    manual = apidoc.setdefault("manual_doc", {})
    manual["security"] = [{BEARER_SCHEME: []}]
    responses = apidoc.setdefault("response", {}).setdefault("responses", {})
    responses.setdefault(401, []).append("UNAUTHORIZED")
    wrapper._apidoc = apidoc  # type: ignore[attr-defined]
    return wrapper


def _limit() -> str:
    """The sign-in rate limit, shared with the HTML login form's setting."""
    return current_app.config["LOGIN_RATE_LIMIT"]


@blp.route("/auth/token", methods=["POST"])
@limiter.shared_limit(_limit, scope="login")
@blp.arguments(TokenRequest)
@blp.response(200, TokenResponse)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def create_token(body: dict) -> tuple[dict, int, dict[str, str]]:
    """Exchange username and password for a bearer token."""
    user = authenticate(body["username"], body["password"])
    if user is None:
        db.session.commit()  # keep the failed-login audit entry
        raise ApiError(401, "invalid_credentials", "wrong username or password")
    token = issue_api_token(user, days=current_app.config["API_TOKEN_DAYS"])
    db.session.commit()
    return {"token": token}, 200, {"Cache-Control": "no-store", "Pragma": "no-cache"}
