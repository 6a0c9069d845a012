"""Sending: claim a batch (pending -> sending, committed) before any gateway is called, send
outside any transaction, then record each gateway's answer. A worker that dies between the
claim and the send leaves its rows `sending`: they are never sent again (the sweep marks them
failed, "interrupted", for the committee to see). Failures are retried with exponential
back-off until the attempts run out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import or_, select, update

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.i18n import community_tz
from app.jobs import enqueue, schedule
from app.law.words import N_, text
from app.uow import unit_of_work
from notifications.channels import Attachment, Message, Result, available, open_channel
from notifications.fanout import DELIVER, lang_of, sms_sign
from notifications.kinds import QUIET_CHANNELS, Kind, get_kind
from notifications.links import absolute
from notifications.models import (
    ChannelName,
    Contact,
    Delivery,
    DeliveryState,
    NotificationEvent,
    Preference,
)
from notifications.preferences import quiet_until
from notifications.texts import Texts, fit_sms, wechat_fields
from notifications.tokens import unsubscribe_token

#: deliveries claimed (and sent over one connection) at a time
BATCH = 100
#: attempts before a delivery is failed for good
MAX_ATTEMPTS = 5
#: the first retry waits this long; each next one twice as long
BACKOFF_SECONDS = 60
#: a claim older than this was interrupted (its worker died): never sent again
STALE_MINUTES = 10
INTERRUPTED = ("the worker stopped between the claim and the gateway's answer; not retried, "
               "so that it is never sent twice")
SEND_CODE = "notifications.send_code"


@dataclass(frozen=True)
class Claimed:
    """A delivery this worker claimed: whom to send to, where, in which language."""

    id: int
    user_id: int
    address: str
    attempts: int
    lang: str
    link_version: int


def backoff(attempts: int) -> timedelta:
    """How long to wait before attempt `attempts + 1`."""
    return timedelta(seconds=BACKOFF_SECONDS * 2 ** max(attempts - 1, 0))


def max_attempts() -> int:
    """Attempts per delivery (`YISHI_DELIVERY_ATTEMPTS`)."""
    return int(current_app.config.get("YISHI_DELIVERY_ATTEMPTS") or MAX_ATTEMPTS)


def _due(now: datetime) -> Any:
    return or_(Delivery.due_at.is_(None), Delivery.due_at <= now)


def claim(event_id: int, channel: ChannelName, kind: Kind, event: NotificationEvent,
          limit: int = BATCH) -> list[Claimed]:
    """Claim up to `limit` due deliveries of the event on the channel (the caller commits).
    Rows no longer relevant are skipped; SMS and WeChat in quiet hours wait for their end."""
    now = utcnow()
    query = (select(Delivery.id).where(Delivery.event_id == event_id,
                                       Delivery.channel == channel,
                                       Delivery.state == DeliveryState.PENDING, _due(now))
             .order_by(Delivery.id).limit(limit))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.execute(query).scalars())
    if not ids:
        return []
    rows = db.session.execute(
        update(Delivery).where(Delivery.id.in_(ids), Delivery.state == DeliveryState.PENDING)
        .values(state=DeliveryState.SENDING, claimed_at=now, attempts=Delivery.attempts + 1,
                reason="")
        .returning(Delivery.id, Delivery.user_id, Delivery.address, Delivery.attempts)
        .execution_options(synchronize_session=False)).all()
    users = {r.user_id for r in rows}
    relevant = kind.still_relevant(event, users)
    people = {row.id: row for row in db.session.execute(
        select(User.id, User.locale, Preference.quiet_start, Preference.quiet_end,
               Preference.link_version)
        .outerjoin(Preference, Preference.user_id == User.id).where(User.id.in_(users)))}
    claimed, obsolete, quiet = [], [], []
    tz = community_tz()
    for delivery_id, user_id, address, attempts in rows:
        person = people.get(user_id)
        if user_id not in relevant or person is None:
            obsolete.append(delivery_id)
            continue
        if channel in QUIET_CHANNELS:
            until = quiet_until(now, person.quiet_start or "22:00", person.quiet_end or "08:00",
                                tz)
            if until is not None:
                quiet.append({"id": delivery_id, "state": DeliveryState.PENDING,
                              "due_at": until, "reason": "quiet_hours",
                              "attempts": attempts - 1})
                continue
        claimed.append(Claimed(delivery_id, user_id, address, attempts,
                               lang_of(person.locale), person.link_version or 1))
    if obsolete:
        db.session.execute(update(Delivery).where(Delivery.id.in_(obsolete)).values(
            state=DeliveryState.SKIPPED, reason="obsolete"))
    if quiet:
        db.session.execute(update(Delivery), quiet)
    return claimed


def message_for(claimed: Claimed, channel: ChannelName, kind: Kind, context: dict[str, Any],
                texts: Texts) -> Message:
    """The message of one claimed delivery."""
    unsubscribe = ""
    if channel == ChannelName.EMAIL and (kind.selectable or kind.name == "digest"):
        token = unsubscribe_token(claimed.user_id, kind.name, channel.value, claimed.link_version)
        unsubscribe = absolute(f"/notifications/unsubscribe/{token}")
    attachments: tuple[Attachment, ...] = ()
    if channel == ChannelName.EMAIL:
        ics = kind.calendar(context, claimed.lang)
        if ics:
            attachments = (Attachment(f"{kind.name}.ics", "text/calendar", ics),)
    return Message(channel=channel, address=claimed.address, kind=kind.name, lang=claimed.lang,
                   texts=texts, reference=f"delivery-{claimed.id}",
                   vote_id=kind.vote_id(context), unsubscribe_url=unsubscribe,
                   attachments=attachments)


def deliver(event_id: int, channel_name: str) -> int:
    """The send job: claim, send and record batches until none is due; returns how many sent."""
    channel = ChannelName(channel_name)
    if channel not in available():
        with unit_of_work():
            _fail_all(event_id, channel, "this channel is not configured on the server")
        return 0
    with unit_of_work():
        event = db.session.get(NotificationEvent, event_id)
        if event is None:
            return 0
        kind = get_kind(event.kind)
        context = dict(event.context)
    sent = 0
    texts: dict[str, Texts] = {}
    sign = sms_sign()
    with open_channel(channel) as gateway:
        while True:
            with unit_of_work():
                event = db.session.get(NotificationEvent, event_id)
                batch = claim(event_id, channel, kind, event) if event is not None else []
            if not batch:
                break
            outcomes: list[tuple[Claimed, Result]] = []
            for claimed in batch:
                if claimed.lang not in texts:
                    texts[claimed.lang] = kind.texts(context, claimed.lang, sign)
                message = message_for(claimed, channel, kind, context, texts[claimed.lang])
                outcomes.append((claimed, gateway.send(message)))
            with unit_of_work():
                retry_at = record(outcomes)
            sent += sum(1 for _, result in outcomes if result.ok)
            if retry_at is not None:
                schedule(DELIVER, (event_id, channel.value), retry_at)
    return sent


def record(outcomes: list[tuple[Claimed, Result]]) -> datetime | None:
    """Write each gateway's answer; returns when the earliest retry is due, if any."""
    now = utcnow()
    limit = max_attempts()
    rows: list[dict[str, Any]] = []
    retry_at: datetime | None = None
    for claimed, result in outcomes:
        row: dict[str, Any] = {"id": claimed.id, "answer": result.answer}
        if result.ok:
            row.update(state=DeliveryState.SENT, sent_at=now)
        elif result.permanent or claimed.attempts >= limit:
            row.update(state=DeliveryState.FAILED)
        else:
            due = now + backoff(claimed.attempts)
            row.update(state=DeliveryState.PENDING, due_at=due, reason="retry")
            retry_at = due if retry_at is None else min(retry_at, due)
        rows.append(row)
    if rows:
        db.session.execute(update(Delivery), rows)
    return retry_at


def _fail_all(event_id: int, channel: ChannelName, answer: str) -> None:
    db.session.execute(update(Delivery).where(
        Delivery.event_id == event_id, Delivery.channel == channel,
        Delivery.state == DeliveryState.PENDING).values(state=DeliveryState.FAILED,
                                                        answer=answer))


def deliver_due(limit: int = 1000) -> int:
    """Queue the send job of every (event, channel) with deliveries due now (retries whose
    back-off passed, SMS held through quiet hours, a lost enqueue)."""
    with unit_of_work():
        pairs = db.session.execute(
            select(Delivery.event_id, Delivery.channel).distinct()
            .where(Delivery.state == DeliveryState.PENDING, _due(utcnow())).limit(limit)).all()
    for event_id, channel in pairs:
        enqueue(DELIVER, event_id, ChannelName(channel).value)
    return len(pairs)


def recover_interrupted() -> int:
    """Claims whose worker died: failed ("interrupted"), never sent a second time."""
    with unit_of_work():
        result = db.session.execute(
            update(Delivery).where(Delivery.state == DeliveryState.SENDING,
                                   Delivery.claimed_at < utcnow() - timedelta(
                                       minutes=STALE_MINUTES))
            .values(state=DeliveryState.FAILED, reason="interrupted", answer=INTERRUPTED)
            .execution_options(synchronize_session=False))
    return max(result.rowcount or 0, 0)  # type: ignore[attr-defined]


#: the verification code's message
CODE_TEXTS = {
    "title": N_("议事验证码"),
    "body": N_("您的议事验证码是 %(code)s，%(minutes)s 分钟内有效。如非本人操作，请忽略。"),
    "sms": N_("验证码%(code)s，%(minutes)s分钟内有效，如非本人操作请忽略。"),
    "note": N_("验证联系方式"),
}


def code_texts(code: str, lang: str, sign: str, minutes: int) -> Texts:
    """The message that carries a verification code."""
    params = {"code": code, "minutes": minutes}
    return Texts(title=text(CODE_TEXTS["title"], lang),
                 body=text(CODE_TEXTS["body"], lang, **params),
                 url="/notifications/contacts",
                 sms=fit_sms(CODE_TEXTS["sms"], lang, sign, code=code, minutes=minutes),
                 wechat=wechat_fields(text(CODE_TEXTS["note"], lang), code,
                                      text(CODE_TEXTS["note"], lang)))


def send_code(contact_id: int) -> bool:
    """The job that makes a verification code and sends it to the pending address (once: a
    second run finds the code already made and sends nothing)."""
    from notifications.contacts import CODE_MINUTES, hash_code, new_code

    code = new_code()
    with unit_of_work():
        contact = db.session.get(Contact, contact_id)
        if contact is None or not contact.pending_address or contact.code_hash:
            return False
        contact.code_hash = hash_code(code)
        channel = ChannelName(contact.channel)
        address = contact.pending_address
        user = db.session.get(User, contact.user_id)
        lang = lang_of(user.locale if user is not None else "")
    if channel not in available():
        result = Result(False, "this channel is not configured on the server")
    else:
        message = Message(channel=channel, address=address, kind="verify", lang=lang,
                          texts=code_texts(code, lang, sms_sign(), CODE_MINUTES),
                          reference=f"contact-{contact_id}")
        with open_channel(channel) as gateway:
            result = gateway.send(message)
    with unit_of_work():
        db.session.execute(update(Contact).where(Contact.id == contact_id).values(
            code_answer=("sent: " if result.ok else "failed: ") + result.answer))
    return result.ok
