"""Permission matrix of notifications: a person's inbox and settings (any signed-in account;
someone else's message is 404), the committee's 送达 record, members' calendar downloads, and
the signed links that work without signing in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.db import utcnow
from app.extensions import db
from meetings.services import publish_meeting_notice, schedule_meeting
from notifications.models import Notification, NotificationEvent
from tests.matrix import MEMBERS, OWNER, SIGNED_IN, STAFF, Public, Route, World
from tests.matrix.voting import open_vote_on

ONLY_OWNER = frozenset({OWNER})


def with_message(world: World) -> dict[str, Any]:
    """A message in the owner's inbox (its event in the community)."""
    event = NotificationEvent(community_id=world.community_id, kind="vote_opened",
                              subject="vote:0", payload={"vote_id": 0}, context={})
    db.session.add(event)
    db.session.flush()
    message = Notification(event_id=event.id, user_id=world.user_ids[OWNER], kind="vote_opened",
                           title="表决开始", body="正文", url="/")
    db.session.add(message)
    db.session.flush()
    return {"notification_id": message.id, "event_id": event.id}


def noticed_meeting(world: World) -> dict[str, Any]:
    """A noticed deliberation meeting."""
    meeting = schedule_meeting(world.community(), kind="deliberation_meeting", title="逢四说事",
                               starts_at=utcnow() + timedelta(days=3), place="会所",
                               actor=world.user("committee"))
    publish_meeting_notice(meeting, actor=world.user("committee"))
    return {"meeting_id": meeting.id}


PREFERENCES = {"digest": "immediate", "quiet_start": "22:00", "quiet_end": "08:00",
               "vote_opened:inbox": "on"}

MATRIX = [
    Route("notifications.inbox_page", "GET", "/notifications", SIGNED_IN),
    Route("notifications.read", "POST", "/notifications/{notification_id}/read", ONLY_OWNER,
          setup=with_message, data={}, denied=404, outsider=404),
    Route("notifications.read_all", "POST", "/notifications/read-all", SIGNED_IN, data={}),
    Route("notifications.preferences_page", "GET", "/notifications/preferences", SIGNED_IN),
    Route("notifications.preferences_page", "POST", "/notifications/preferences", SIGNED_IN,
          data=PREFERENCES),
    Route("notifications.reset_links", "POST", "/notifications/calendar/reset", SIGNED_IN,
          data={}),
    Route("notifications.contacts_page", "GET", "/notifications/contacts", SIGNED_IN),
    Route("notifications.contacts_page", "POST", "/notifications/contacts", SIGNED_IN,
          data={"channel": "email", "address": "someone@example.org"}),
    Route("notifications.verify", "POST", "/notifications/contacts/verify", SIGNED_IN,
          data={"channel": "email", "code": "123456"}),
    Route("notifications.remove", "POST", "/notifications/contacts/email/remove", SIGNED_IN,
          data={}),
    Route("notifications_committee.events", "GET", "/c/{slug}/notifications", STAFF),
    Route("notifications_committee.event", "GET", "/c/{slug}/notifications/{event_id}", STAFF,
          setup=with_message),
    Route("notifications_committee.event_csv", "GET", "/c/{slug}/notifications/{event_id}.csv",
          STAFF, setup=with_message),
    Route("notifications_committee.unreached", "GET", "/c/{slug}/notifications/unreached",
          STAFF),
    Route("notifications_committee.unreached_csv", "GET",
          "/c/{slug}/notifications/unreached.csv", STAFF),
    Route("notifications_committee.vote_ics", "GET", "/c/{slug}/votes/{vote_id}/deadline.ics",
          MEMBERS, setup=open_vote_on),
    Route("notifications_committee.meeting_ics", "GET",
          "/c/{slug}/meetings/{meeting_id}/meeting.ics", MEMBERS, setup=noticed_meeting),
    Route("api_notifications.list_notifications", "GET", "/api/v1/me/notifications",
          SIGNED_IN),
    Route("api_notifications.read_notification", "POST",
          "/api/v1/me/notifications/{notification_id}/read", ONLY_OWNER, setup=with_message,
          denied=404, outsider=404),
    Route("api_notifications.get_preferences", "GET", "/api/v1/me/preferences", SIGNED_IN),
    Route("api_notifications.put_preferences", "PUT", "/api/v1/me/preferences", SIGNED_IN,
          data={"digest": "daily", "quiet_hours": ["23:00", "07:30"]}),
]

PUBLIC = [
    Public("notifications_public.unsubscribe", ("GET", "POST"),
           "one-click unsubscribe (RFC 8058) from an e-mail: a signed token names the person, "
           "the kind and the channel; a forged token is 404"),
    Public("notifications_public.calendar_feed", ("GET",),
           "a person's calendar subscription: a signed token names the person; a calendar "
           "application cannot sign in"),
]
