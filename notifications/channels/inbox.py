"""The inbox: always available. A message is a `Notification` row (one per event and person);
the fan-out stores them in bulk, `send` stores one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.db import utcnow
from app.dialect import insert_ignoring_duplicates
from notifications.channels.base import Message, Result
from notifications.models import ChannelName, Notification


@dataclass
class InboxChannel:
    """Stores messages in people's inboxes; a second store of the same message adds nothing."""

    event_id: int
    user_id: int
    name: ChannelName = ChannelName.INBOX

    def send(self, message: Message) -> Result:
        """Store one message in the person's inbox (inside the caller's transaction)."""
        added = store_many([{"event_id": self.event_id, "user_id": self.user_id,
                             "kind": message.kind, "title": message.texts.title[:200],
                             "body": message.texts.body, "url": message.texts.url,
                             "created_at": utcnow()}])
        return Result(True, "stored" if added else "already in the inbox")


def store_many(rows: Sequence[dict[str, Any]]) -> int:
    """Insert inbox rows, skipping any (event, person) already there; how many were new."""
    if not rows:
        return 0
    return insert_ignoring_duplicates(Notification, rows)


__all__ = ["InboxChannel", "store_many"]
