"""Bearer-token authentication for the API, and `POST /auth/token`."""

from __future__ import annotations

from functools import wraps

from flask import current_app, g, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.accounts.models import User
from app.accounts.services import authenticate, issue_api_token, user_for_token
from app.api.errors import ApiError
from app.extensions import db, limiter

blp = Blueprint("api_auth", __name__, description="Authentication")


class TokenRequest(Schema):
    """Credentials for a token."""

    username = fields.String(required=True)
    password = fields.String(required=True, load_only=True)


class TokenResponse(Schema):
    """A bearer token."""

    token = fields.String(required=True)


def api_user() -> User | None:
    """The user of the request's bearer token, or None."""
    if "api_user" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        g.api_user = user_for_token(token.strip()) if scheme.lower() == "bearer" and token \
            else None
    return g.api_user


def token_required(view):  # noqa: ANN001, ANN201
    """Refuse with 401 unless a valid bearer token is given."""

    @wraps(view)
    def wrapper(*args, **kwargs):  # noqa: ANN202
        if api_user() is None:
            raise ApiError(401, "unauthorized", "a valid bearer token is required")
        return view(*args, **kwargs)

    return wrapper


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@blp.route("/auth/token", methods=["POST"])
@limiter.limit(_limit)
@blp.arguments(TokenRequest)
@blp.response(200, TokenResponse)
@blp.alt_response(401, description="Wrong username or password")
def create_token(body: dict) -> dict:
    """Exchange username and password for a bearer token."""
    user = authenticate(body["username"], body["password"])
    if user is None:
        db.session.commit()  # keep the failed-login audit entry
        raise ApiError(401, "invalid_credentials", "wrong username or password")
    token = issue_api_token(user, days=current_app.config["API_TOKEN_DAYS"])
    db.session.commit()
    return {"token": token}
