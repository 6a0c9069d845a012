"""Notifications: the outbox of events, the inbox, one delivery row per (event, recipient,
channel), people's preferences and their verified contact details.

Exactly once: `Delivery` carries UNIQUE(event_id, user_id, channel) and is inserted with ON
CONFLICT DO NOTHING, so a fan-out that runs twice adds nothing; a send is claimed (pending ->
sending, committed) before the gateway is called, so a worker that dies after the claim never
leads to a second send.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import utcnow
from app.extensions import Model
from app.types import UTCDateTime, str_enum


class ChannelName(enum.StrEnum):
    """Where a message goes."""

    INBOX = "inbox"
    EMAIL = "email"
    SMS = "sms"
    WECHAT = "wechat"


class DeliveryState(enum.StrEnum):
    """Where one message to one person on one channel stands."""

    #: waiting to be sent (at `due_at`: now, after quiet hours, or a retry's back-off)
    PENDING = "pending"
    #: claimed by a worker; the gateway is being called (never claimed twice)
    SENDING = "sending"
    #: the gateway accepted it (the inbox: it is in the inbox)
    SENT = "sent"
    #: it reached the person (the inbox: they opened it)
    DELIVERED = "delivered"
    #: the gateway refused it, or the attempts ran out (`answer` says why)
    FAILED = "failed"
    #: not sent on its own: carried by a digest, or no longer relevant (`reason`)
    SKIPPED = "skipped"


class NotificationEvent(Model):
    """Something people must hear of (the outbox): written in the transaction of the change,
    fanned out by a job after the commit."""

    __tablename__ = "notification_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    #: a name of the kinds registry (`notifications.kinds`)
    kind: Mapped[str] = mapped_column(String(40))
    #: what it is about, e.g. "vote:12" (the committee's record and obsolete reminders use it)
    subject: Mapped[str] = mapped_column(String(64), default="", index=True)
    #: makes a scheduled event unique (a reminder per vote, offset and deadline); else None
    key: Mapped[str | None] = mapped_column(String(160), unique=True)
    #: ids and values from the moment of the change
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    #: what the texts need, loaded once by the fan-out
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when the fan-out finished; None while it is due (the sweep looks for these)
    fanned_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    recipients: Mapped[int] = mapped_column(Integer, default=0)


class Notification(Model):
    """A message in a person's inbox."""

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),
                      Index("ix_notification_user_read", "user_id", "read_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("notification_event.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    #: where it leads, a path on this site
    url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Delivery(Model):
    """One message of one event to one person on one channel: the 送达 record's line."""

    __tablename__ = "notification_delivery"
    __table_args__ = (UniqueConstraint("event_id", "user_id", "channel"),
                      Index("ix_notification_delivery_due", "state", "due_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("notification_event.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: the register owner the person is reached as (None for a proxy or a committee member)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("owner.id"))
    channel: Mapped[ChannelName] = mapped_column(str_enum(ChannelName, "notification_channel",
                                                          length=10))
    #: the verified address used (e-mail, phone, openid); empty for the inbox
    address: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[DeliveryState] = mapped_column(
        str_enum(DeliveryState, "delivery_state", length=10), default=DeliveryState.PENDING)
    #: why it waits or was skipped: quiet_hours, digest, obsolete, interrupted
    reason: Mapped[str] = mapped_column(String(20), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: not before this moment (quiet hours, back-off)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the gateway's answer: SMTP reply, or HTTP status and the start of the body
    answer: Mapped[str] = mapped_column(Text, default="")
    #: the daily digest that carried it
    digest_event_id: Mapped[int | None] = mapped_column(ForeignKey("notification_event.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Preference(Model):
    """What one person chose: channels per kind, immediate or a daily digest, quiet hours."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    #: immediate | daily
    digest: Mapped[str] = mapped_column(String(10), default="immediate")
    #: SMS and WeChat wait from start to end (community time, "HH:MM")
    quiet_start: Mapped[str] = mapped_column(String(5), default="22:00")
    quiet_end: Mapped[str] = mapped_column(String(5), default="08:00")
    #: {kind: [channel, ...]} where the person's choice differs from the kind's defaults
    channels: Mapped[dict] = mapped_column(JSON, default=dict)
    #: raised to invalidate every signed link (unsubscribe, calendar) handed out before
    link_version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Contact(Model):
    """A person's address on one channel: used only once verified with a code sent to it."""

    __tablename__ = "notification_contact"
    __table_args__ = (UniqueConstraint("user_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    channel: Mapped[ChannelName] = mapped_column(str_enum(ChannelName, "notification_channel",
                                                          length=10))
    #: the verified address in use ("" until one is verified)
    address: Mapped[str] = mapped_column(String(200), default="")
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: a new address waiting for its code (the verified one stays in use meanwhile)
    pending_address: Mapped[str] = mapped_column(String(200), default="")
    #: SHA-256 of the code sent to the pending address
    code_hash: Mapped[str] = mapped_column(String(64), default="")
    code_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    code_attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: the gateway's answer when the code was sent
    code_answer: Mapped[str] = mapped_column(Text, default="")
