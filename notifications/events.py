"""The outbox: an event row written in the transaction of the change; its fan-out is queued
once that transaction commits (the periodic sweep catches any enqueue lost in a crash)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from app.db import utcnow
from app.dialect import insert_one_ignoring_duplicate
from app.extensions import db
from app.jobs import enqueue_after_commit
from notifications.kinds import get_kind
from notifications.models import NotificationEvent

FAN_OUT = "notifications.fan_out"


def event_row(kind: str, *, community_id: int | None, subject: str, payload: dict[str, Any],
              key: str | None = None) -> dict[str, Any]:
    """The values of a new, not yet fanned-out event (an unknown kind is a bug: it raises)."""
    get_kind(kind)
    return {"kind": kind, "community_id": community_id, "subject": subject, "key": key,
            "payload": payload, "context": {}, "created_at": utcnow(), "recipients": 0}


def record_event(kind: str, *, community_id: int | None, subject: str,
                 payload: dict[str, Any], key: str | None = None) -> int | None:
    """Write an event for the fan-out; with a `key`, at most one event ever has it (None
    when it already existed). Returns the event id."""
    row = event_row(kind, community_id=community_id, subject=subject, payload=payload, key=key)
    if key is None:  # one INSERT ... RETURNING: no ORM flush
        event_id: int | None = db.session.execute(
            insert(NotificationEvent).values(**row).returning(NotificationEvent.id)).scalar_one()
    else:
        event_id = insert_one_ignoring_duplicate(NotificationEvent, row)
        if event_id is None:
            return None
    enqueue_after_commit(FAN_OUT, event_id)
    return event_id
