"""The fan-out job: an event's recipients, their choices and verified contacts, turned into
inbox messages and delivery rows in bulk — in transactions of RECIPIENTS_PER_TRANSACTION
people, so a 15,000-owner vote never holds the database for long. Running it twice adds
nothing (UNIQUE keys, ON CONFLICT DO NOTHING)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from app.accounts.models import User
from app.db import immediate_transactions, utcnow
from app.dialect import insert_ignoring_duplicates
from app.extensions import db
from app.i18n import community_tz
from app.jobs import enqueue, schedule
from app.uow import unit_of_work
from notifications.channels import available, store_many
from notifications.contacts import verified_addresses
from notifications.kinds import EXTERNAL, QUIET_CHANNELS, Kind, Recipient, get_kind
from notifications.models import ChannelName, Delivery, DeliveryState, NotificationEvent
from notifications.preferences import channels_for, preferences_of, quiet_until
from notifications.texts import Texts

RECIPIENTS_PER_TRANSACTION = 1000
DELIVER = "notifications.deliver"


def lang_of(locale: str | None) -> str:
    """A person's language for messages: their saved choice, else Chinese."""
    return "en" if (locale or "").startswith("en") else "zh"


def sms_sign() -> str:
    """The SMS signature registered with the provider (【议事】 by default)."""
    return str(current_app.config.get("YISHI_SMS_SIGN") or "议事")


def fan_out(event_id: int) -> int:
    """Fan an event out to its recipients; returns how many people it reached."""
    with unit_of_work():
        event = db.session.get(NotificationEvent, event_id)
        if event is None or event.fanned_out_at is not None:
            return 0
        kind = get_kind(event.kind)
        if not event.context:
            event.context = kind.load(event)
        context: dict[str, Any] = dict(event.context)
        only = {ChannelName(c) for c in event.payload.get("channels", [])} or None
    with immediate_transactions(False), unit_of_work():  # a read: no write lock meanwhile
        event = db.session.get(NotificationEvent, event_id)
        assert event is not None
        recipients = kind.recipients(event)
    here = available()
    for start in range(0, len(recipients), RECIPIENTS_PER_TRANSACTION):
        chunk = recipients[start:start + RECIPIENTS_PER_TRANSACTION]
        with unit_of_work():
            due = _store(event_id, kind, context, chunk, here, only)
        _queue(event_id, due)
    with unit_of_work():
        db.session.execute(update(NotificationEvent).where(
            NotificationEvent.id == event_id, NotificationEvent.fanned_out_at.is_(None))
            .values(fanned_out_at=utcnow(), recipients=len(recipients)))
    return len(recipients)


def _queue(event_id: int, due: dict[ChannelName, datetime | None]) -> None:
    """Queue the sends now, or at the end of quiet hours (the sweep is the safety net)."""
    for channel, eta in due.items():
        if eta is None:
            enqueue(DELIVER, event_id, channel.value)
        else:
            schedule(DELIVER, (event_id, channel.value), eta)


def _store(event_id: int, kind: Kind, context: dict[str, Any], chunk: Sequence[Recipient],
           here: set[ChannelName], only: set[ChannelName] | None
           ) -> dict[ChannelName, datetime | None]:
    """Inbox rows and delivery rows for one chunk of recipients; the channels to queue."""
    ids = [r.user_id for r in chunk]
    locales = dict(db.session.execute(select(User.id, User.locale).where(User.id.in_(ids))).all())
    preferences = preferences_of(ids)
    addresses = verified_addresses(ids)
    now, tz, sign = utcnow(), community_tz(), sms_sign()
    texts: dict[str, Texts] = {}
    inbox: list[dict[str, Any]] = []
    deliveries: list[dict[str, Any]] = []
    due: dict[ChannelName, datetime | None] = {}
    for recipient in chunk:
        if recipient.user_id not in locales:
            continue
        lang = lang_of(locales[recipient.user_id])
        if lang not in texts:
            texts[lang] = kind.texts(context, lang, sign)
        message = texts[lang]
        preference = preferences.get(recipient.user_id)
        chosen = set(channels_for(preference, kind)) & here
        if only is not None:
            chosen &= only
        base = {"event_id": event_id, "user_id": recipient.user_id,
                "owner_id": recipient.owner_id, "address": "", "reason": "", "attempts": 0,
                "answer": "", "created_at": now, "due_at": None, "sent_at": None}
        if ChannelName.INBOX in chosen:
            inbox.append({"event_id": event_id, "user_id": recipient.user_id, "kind": kind.name,
                          "title": message.title[:200], "body": message.body,
                          "url": message.url, "created_at": now})
            deliveries.append({**base, "channel": ChannelName.INBOX, "state": DeliveryState.SENT,
                               "sent_at": now, "answer": "stored in the inbox"})
        held = preference is not None and preference.digest == "daily" and not kind.urgent
        for channel in EXTERNAL:
            address = addresses.get(recipient.user_id, {}).get(channel)
            if channel not in chosen or not address:
                continue
            row = {**base, "channel": channel, "address": address,
                   "state": DeliveryState.PENDING, "due_at": now}
            if held:
                row.update(state=DeliveryState.SKIPPED, reason="digest", due_at=None)
            elif channel in QUIET_CHANNELS:
                start, end = ((preference.quiet_start, preference.quiet_end)
                              if preference is not None else ("22:00", "08:00"))
                until = quiet_until(now, start, end, tz)
                if until is not None:
                    row.update(due_at=until, reason="quiet_hours")
                    previous = due.get(channel, until)
                    due[channel] = None if previous is None else min(previous, until)
                    deliveries.append(row)
                    continue
            if row["state"] == DeliveryState.PENDING:
                due[channel] = None
            deliveries.append(row)
    store_many(inbox)
    insert_ignoring_duplicates(Delivery, deliveries)
    return due
