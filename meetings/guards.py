"""Retention and immutability enforced at the ORM: whatever the route, published records stay.

- Minutes, their revisions and signatures, and result notices are never deleted.
- Published minutes never change (only the publishing flush itself sets their hash), and no
  revision or signature is added to them. A result notice never changes after it is written.
- The one exception: the audit chain head of a published record is set once, from none, by
  the transaction that publishes it (`models` explains why it comes after the first flush).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.errors import N_
from meetings.errors import MeetingError
from meetings.models import Minutes, MinutesRevision, MinutesSignature, MinutesState, ResultNotice

RETAINED = (Minutes, MinutesRevision, MinutesSignature, ResultNotice)
FROZEN_FIELDS = ("text", "title", "sha256", "published_at", "state", "meeting_id",
                 "proposal_id", "corrects_id", "community_id")
ANCHOR = "audit_head"


def _was_published(minutes: Minutes) -> bool:
    history = inspect(minutes).attrs.state.history
    before = history.deleted[0] if history.deleted else minutes.state
    return MinutesState(before) == MinutesState.PUBLISHED


def _changed(obj: object) -> set[str]:
    """The attributes of a persistent object changed since it was loaded or flushed."""
    return {attr.key for attr in inspect(obj).attrs if attr.history.has_changes()}


def _anchor_rewritten(obj: object) -> bool:
    """Whether the audit head is being changed from a value it already had."""
    return any(inspect(obj).attrs[ANCHOR].history.deleted)


def _check(session: Session) -> None:
    for obj in session.deleted:
        if isinstance(obj, RETAINED):
            raise MeetingError("retained", N_("纪要、签名和结果公告永久保存，不能删除"))
    for obj in session.dirty:
        if isinstance(obj, ResultNotice) and session.is_modified(obj):
            changed = _changed(obj)
            if changed - {ANCHOR} or _anchor_rewritten(obj):
                raise MeetingError("notice_frozen", N_("已发布的结果公告不能更改"))
        if isinstance(obj, Minutes) and _was_published(obj):
            state = inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in FROZEN_FIELDS) \
                    or _anchor_rewritten(obj):
                raise MeetingError("minutes_published", N_("已发布的纪要不能更改"))
    for obj in session.new:
        if isinstance(obj, MinutesRevision | MinutesSignature):
            parent = obj.minutes
            if parent is not None and parent.id is not None and parent.is_published \
                    and not inspect(parent).attrs.state.history.has_changes():
                raise MeetingError("minutes_published", N_("已发布的纪要不能更改"))


def install() -> None:
    """Listen to every session's flushes (idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    """Refuse the flush when it would change or delete a retained record."""
    _check(session)
