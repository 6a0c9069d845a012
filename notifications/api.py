"""The notifications API (API.md): the inbox and a person's preferences."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.accounts.models import User
from app.api.auth import api_user, token_required
from app.ids import IdField, PageField
from app.uow import transactional
from notifications import inbox, preferences
from notifications.kinds import ALL_CHANNELS, selectable_kinds
from notifications.models import Notification

blp = Blueprint("api_notifications", __name__, description="Notifications")

CHANNEL_NAMES = [c.value for c in ALL_CHANNELS]
TIME = r"^([01]\d|2[0-3]):[0-5]\d$"


class InboxQuerySchema(Schema):
    """Which page of the inbox; `unread=1` for the unread only."""

    unread = fields.Boolean(load_default=False, metadata={"example": True})
    page = PageField()


class NotificationSchema(Schema):
    """A message in the inbox."""

    id = IdField(required=True)
    kind = fields.String(required=True, metadata={"example": "vote_opened"})
    title = fields.String(required=True)
    body = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "A path on this site"})
    created_at = fields.AwareDateTime(required=True)
    read_at = fields.AwareDateTime(required=True, allow_none=True)


class InboxSchema(Schema):
    """A page of the inbox and the unread count."""

    items = fields.List(fields.Nested(NotificationSchema), required=True)
    unread = fields.Integer(required=True)
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)


class ReadSchema(Schema):
    """A message marked read."""

    id = IdField(required=True)
    read_at = fields.AwareDateTime(required=True)


class PreferencesSchema(Schema):
    """Channels per kind, immediate or daily digest, quiet hours for SMS and WeChat."""

    channels = fields.Dict(
        keys=fields.String(validate=validate.OneOf([k.name for k in selectable_kinds()])),
        values=fields.List(fields.String(validate=validate.OneOf(CHANNEL_NAMES)),
                           validate=validate.Length(max=len(CHANNEL_NAMES))),
        metadata={"example": {"vote_opened": ["inbox", "email"], "comment_reply": ["inbox"]},
                  "description": "Legal notices (vote_opened, meeting_noticed, "
                                 "result_published) always keep the inbox"})
    digest = fields.String(validate=validate.OneOf(preferences.DIGESTS))
    quiet_hours = fields.List(fields.String(validate=validate.Regexp(TIME)),
                              validate=validate.Length(equal=2),
                              metadata={"example": ["22:00", "08:00"]})


def _me() -> User:
    user = api_user()
    assert user is not None  # token_required let the request in
    return user


def notification_json(message: Notification) -> dict[str, Any]:
    """A message in API.md's shape."""
    return {"id": message.id, "kind": message.kind, "title": message.title,
            "body": message.body, "url": message.url, "created_at": message.created_at,
            "read_at": message.read_at}


@blp.route("/me/notifications")
@token_required
@blp.arguments(InboxQuerySchema, location="query")
@blp.response(200, InboxSchema)
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def list_notifications(query: dict[str, Any]) -> dict[str, Any]:
    """The caller's inbox, newest first."""
    user = _me()
    page = inbox.inbox_page(user, query["page"], unread_only=query["unread"])
    return {"items": [notification_json(m) for m in page.items],
            "unread": inbox.unread_count(user.id), "page": page.page, "pages": page.pages}


@blp.route("/me/notifications/<id:notification_id>/read", methods=["POST"])
@token_required
@blp.response(200, ReadSchema)
@blp.alt_response(404, response="NOT_FOUND")
@transactional
def read_notification(notification_id: int) -> dict[str, Any]:
    """Mark one of the caller's messages read (anyone else's is 404)."""
    user = _me()
    message = inbox.mark_read(inbox.notification_of(user, notification_id), user)
    return {"id": message.id, "read_at": message.read_at}


@blp.route("/me/preferences")
@token_required
@blp.response(200, PreferencesSchema)
def get_preferences() -> dict[str, object]:
    """The caller's choices, defaults filled in."""
    return preferences.choices_of(_me().id).as_json()


@blp.route("/me/preferences", methods=["PUT"])
@token_required
@blp.arguments(PreferencesSchema)
@blp.response(200, PreferencesSchema)
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@transactional
def put_preferences(body: dict[str, Any]) -> dict[str, object]:
    """Change the caller's choices (only what is given); a legal notice without the inbox is
    refused (422 `legal_notice`)."""
    user = _me()
    return preferences.update_preferences(
        user, channels=body.get("channels"), digest=body.get("digest"),
        quiet_hours=body.get("quiet_hours"), actor=user).as_json()
