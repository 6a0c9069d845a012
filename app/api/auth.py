"""Bearer-token authentication for the API, and `POST /auth/token`."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from functools import wraps
from typing import Any

from flask import current_app, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.accounts import throttle
from app.accounts.models import User
from app.accounts.services import authenticate, issue_api_token, user_for_token
from app.api.errors import error_response
from app.errors import N_, Unauthorized
from app.extensions import limiter
from app.uow import transactional

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
    req = request._get_current_object()  # type: ignore[attr-defined]
    if not hasattr(req, "yishi_api_user"):
        token = bearer_token()
        req.yishi_api_user = user_for_token(token) if token else None
    user: User | None = req.yishi_api_user
    return user


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse with 401 unless a valid bearer token is given; documented in the OpenAPI spec.

    Place it below `@blp.route` and above `@blp.arguments`/`@blp.response`.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if api_user() is None:
            raise Unauthorized("unauthorized", N_("需要有效的访问令牌（Bearer token）"))
        return view(*args, **kwargs)

    apidoc = deepcopy(getattr(view, "_apidoc", {}))
    manual = apidoc.setdefault("manual_doc", {})
    manual["security"] = [{BEARER_SCHEME: []}]
    responses = apidoc.setdefault("response", {}).setdefault("responses", {})
    responses.setdefault(401, []).append("UNAUTHORIZED")
    wrapper._apidoc = apidoc  # type: ignore[attr-defined]
    return wrapper


@blp.route("/auth/token", methods=["POST"])
@limiter.shared_limit(throttle.address_limit, scope="login")
@limiter.shared_limit(throttle.account_limit, scope="login-account",
                      key_func=throttle.account_key, exempt_when=throttle.no_account,
                      deduct_when=throttle.failed)
@blp.arguments(TokenRequest)
@blp.response(200, TokenResponse)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
@transactional
def create_token(body: dict[str, str]) -> Any:
    """Exchange username and password for a bearer token.

    A wrong password is answered (not raised), so the failed attempt's audit entry commits.
    """
    user = authenticate(body["username"], body["password"])
    if user is None:
        return error_response(Unauthorized("invalid_credentials", N_("用户名或密码不正确")))
    token = issue_api_token(user, days=current_app.config["API_TOKEN_DAYS"])
    return {"token": token}, 200, {"Cache-Control": "no-store", "Pragma": "no-cache"}
