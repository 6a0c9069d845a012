"""The inbox: a person's messages, unread first in the bell; reading one is its delivery
(state `delivered`: the person opened it on the platform)."""

from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select, update

from app.accounts.models import User
from app.db import utcnow
from app.errors import NotFound
from app.extensions import db
from app.law.words import N_
from app.pagination import paginate
from notifications.models import ChannelName, Delivery, DeliveryState, Notification

PER_PAGE = 20


def inbox_page(user: User, page: object, *, unread_only: bool = False) -> Pagination:
    """A page of the person's messages, newest first."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return paginate(query.order_by(Notification.id.desc()), page, PER_PAGE)


def unread_count(user_id: int) -> int:
    """How many of the person's messages are unread (the bell)."""
    count: int = db.session.execute(select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))).scalar_one()
    return count


def notification_of(user: User, notification_id: int) -> Notification:
    """One of the person's messages; anyone else's is not found."""
    found = db.session.get(Notification, notification_id)
    if found is None or found.user_id != user.id:
        raise NotFound("not_found", N_("没有这条通知"))
    return found


def _delivered(user_id: int, event_ids: list[int]) -> None:
    if event_ids:
        db.session.execute(update(Delivery).where(
            Delivery.user_id == user_id, Delivery.event_id.in_(event_ids),
            Delivery.channel == ChannelName.INBOX, Delivery.state == DeliveryState.SENT)
            .values(state=DeliveryState.DELIVERED, delivered_at=utcnow())
            .execution_options(synchronize_session=False))


def mark_read(notification: Notification, actor: User) -> Notification:
    """Mark a message read (again: nothing changes)."""
    if notification.user_id != actor.id:
        raise NotFound("not_found", N_("没有这条通知"))
    if notification.read_at is None:
        notification.read_at = utcnow()
        _delivered(actor.id, [notification.event_id])
        db.session.flush()
    return notification


def mark_all_read(actor: User) -> int:
    """Mark every unread message of the person read; how many there were."""
    unread = db.session.execute(select(Notification.id, Notification.event_id).where(
        Notification.user_id == actor.id, Notification.read_at.is_(None))).all()
    if not unread:
        return 0
    db.session.execute(update(Notification).where(
        Notification.id.in_([row.id for row in unread])).values(read_at=utcnow())
        .execution_options(synchronize_session=False))
    _delivered(actor.id, [row.event_id for row in unread])
    return len(unread)
