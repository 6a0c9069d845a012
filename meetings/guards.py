"""Retention and immutability enforced at the ORM: whatever the route, published records stay.

- Minutes, their revisions and signatures, and result notices are never deleted.
- Published minutes never change (only the publishing flush itself sets their hash), and no
  revision or signature is added to them. A result notice never changes after it is written.
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from meetings.errors import MeetingError
from meetings.models import Minutes, MinutesRevision, MinutesSignature, MinutesState, ResultNotice

RETAINED = (Minutes, MinutesRevision, MinutesSignature, ResultNotice)
FROZEN_FIELDS = ("text", "title", "sha256", "published_at", "state", "meeting_id",
                 "proposal_id", "corrects_id", "community_id")


def _was_published(minutes: Minutes) -> bool:
    history = inspect(minutes).attrs.state.history
    before = history.deleted[0] if history.deleted else minutes.state
    return MinutesState(before) == MinutesState.PUBLISHED


def _check(session: Session) -> None:
    for obj in session.deleted:
        if isinstance(obj, RETAINED):
            raise MeetingError("retained", "minutes, signatures and notices are never deleted")
    for obj in session.dirty:
        if isinstance(obj, ResultNotice) and session.is_modified(obj):
            raise MeetingError("notice_frozen", "a published result notice never changes")
        if isinstance(obj, Minutes) and _was_published(obj):
            state = inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in FROZEN_FIELDS):
                raise MeetingError("minutes_published", "published minutes never change")
    for obj in session.new:
        if isinstance(obj, MinutesRevision | MinutesSignature):
            parent = obj.minutes
            if parent is not None and parent.id is not None and parent.is_published \
                    and not inspect(parent).attrs.state.history.has_changes():
                raise MeetingError("minutes_published", "published minutes never change")


def install() -> None:
    """Listen to every session's flushes (idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)


def _before_flush(session: Session, flush_context, instances) -> None:  # noqa: ANN001
    """Refuse the flush when it would change or delete a retained record."""
    _check(session)
