"""The comment posting rate limit, shared by the HTML form and the API, counted per user."""

from __future__ import annotations

from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app.api.auth import api_user, bearer_token


def comment_limit() -> str:
    """The configured limit, e.g. "20 per minute"."""
    return current_app.config["COMMENT_RATE_LIMIT"]


def comment_key() -> str:
    """Who is counted: the bearer token's user, else the signed-in user, else the address."""
    user = api_user() if bearer_token() else None
    if user is None and current_user.is_authenticated:
        user = current_user
    return f"user:{user.id}" if user is not None else f"ip:{get_remote_address()}"
