"""Signed links that work without signing in: one-click unsubscribe (RFC 8058) and a
person's calendar feed. Raising the person's `link_version` invalidates all they were given."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from notifications.preferences import link_version

UNSUBSCRIBE_SALT = "yishi.notifications.unsubscribe"
CALENDAR_SALT = "yishi.notifications.calendar"
#: longest token accepted in a URL
MAX_TOKEN = 300


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(str(current_app.config["SECRET_KEY"]), salt=salt)


@dataclass(frozen=True)
class Unsubscribe:
    """What a one-click unsubscribe link stops: one kind on one channel for one person."""

    user_id: int
    kind: str
    channel: str


def unsubscribe_token(user_id: int, kind: str, channel: str, version: int) -> str:
    """The token of an unsubscribe link."""
    return str(_serializer(UNSUBSCRIBE_SALT).dumps([user_id, kind, channel, version]))


def read_unsubscribe(token: str) -> Unsubscribe | None:
    """The unsubscribe a token stands for, or None (forged, malformed or invalidated)."""
    if not token or len(token) > MAX_TOKEN:
        return None
    try:
        user_id, kind, channel, version = _serializer(UNSUBSCRIBE_SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or version != link_version(user_id):
        return None
    return Unsubscribe(user_id, str(kind), str(channel))


def calendar_token(user_id: int, version: int) -> str:
    """The token of a person's calendar feed."""
    return str(_serializer(CALENDAR_SALT).dumps([user_id, version]))


def read_calendar(token: str) -> int | None:
    """The person a calendar token belongs to, or None."""
    if not token or len(token) > MAX_TOKEN:
        return None
    try:
        user_id, version = _serializer(CALENDAR_SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or version != link_version(user_id):
        return None
    return user_id
