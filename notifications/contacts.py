"""Contact details: an e-mail address, a phone number, a WeChat openid — each used only once
verified with a code sent to it through the same channel (the code is made and sent by a job,
never inside the request; only its SHA-256 is stored)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.audit.services import record_event
from app.db import utcnow
from app.extensions import db
from app.jobs import enqueue_after_commit
from app.law.words import N_
from notifications.errors import NotificationError
from notifications.models import ChannelName, Contact

#: channels with an address (the inbox needs none)
CONTACT_CHANNELS = (ChannelName.EMAIL, ChannelName.SMS, ChannelName.WECHAT)
CODE_DIGITS = 6
CODE_MINUTES = 30
#: a new code may be asked for after this many seconds
RESEND_SECONDS = 60
MAX_ATTEMPTS = 5
SEND_CODE = "notifications.send_code"

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,}$")
#: mainland mobile numbers (11 digits from 1), or international E.164
PHONE = re.compile(r"^(\+?86)?1\d{10}$|^\+[1-9]\d{6,14}$")
OPENID = re.compile(r"^[A-Za-z0-9_-]{6,64}$")
PATTERNS = {ChannelName.EMAIL: EMAIL, ChannelName.SMS: PHONE, ChannelName.WECHAT: OPENID}


def hash_code(code: str) -> str:
    """The stored SHA-256 of a code."""
    return hashlib.sha256(code.strip().encode()).hexdigest()


def new_code() -> str:
    """A random numeric code."""
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def normalize(channel: ChannelName, address: str) -> str:
    """The address as stored: trimmed, e-mail in lower case, phones without spaces."""
    value = (address or "").strip()
    if channel == ChannelName.EMAIL:
        return value.lower()
    if channel == ChannelName.SMS:
        return re.sub(r"[\s-]", "", value)
    return value


def _channel(value: str) -> ChannelName:
    try:
        channel = ChannelName(value)
    except ValueError:
        channel = ChannelName.INBOX
    if channel not in CONTACT_CHANNELS:
        raise NotificationError("unknown_channel", N_("没有这种渠道：%(channel)s"),
                                field="channel", channel=value)
    return channel


def _checked(channel: ChannelName, address: str) -> str:
    value = normalize(channel, address)
    if not PATTERNS[channel].match(value):
        raise NotificationError("invalid_address", N_("这个地址或号码的格式不对"),
                                field="address")
    return value


def contact_of(user_id: int, channel: ChannelName) -> Contact | None:
    """A person's contact row on a channel."""
    return db.session.execute(select(Contact).where(
        Contact.user_id == user_id, Contact.channel == channel)).scalar_one_or_none()


def contacts_of(user_id: int) -> dict[ChannelName, Contact]:
    """A person's contact rows by channel."""
    return {c.channel: c for c in db.session.execute(
        select(Contact).where(Contact.user_id == user_id)).scalars()}


def verified_addresses(user_ids: Iterable[int]) -> dict[int, dict[ChannelName, str]]:
    """The verified addresses of many people (one query): {user: {channel: address}}."""
    ids = list(user_ids)
    found: dict[int, dict[ChannelName, str]] = {}
    if not ids:
        return found
    for user_id, channel, address in db.session.execute(
            select(Contact.user_id, Contact.channel, Contact.address).where(
                Contact.user_id.in_(ids), Contact.verified_at.is_not(None),
                Contact.address != "")):
        found.setdefault(user_id, {})[ChannelName(channel)] = address
    return found


def set_contact(user: User, channel_name: str, address: str, *, verified: bool) -> Contact:
    """Record an address given by an administrator; `verified` takes it as verified."""
    channel = _channel(channel_name)
    value = _checked(channel, address)
    contact = contact_of(user.id, channel) or Contact(user_id=user.id, channel=channel)
    db.session.add(contact)
    if verified:
        contact.address, contact.verified_at, contact.pending_address = value, utcnow(), ""
        contact.code_hash = ""
    else:
        contact.pending_address = value
    db.session.flush()
    return contact


def request_code(user: User, channel_name: str, address: str, *, actor: User) -> Contact:
    """Ask for a code to verify a new address; a job makes the code and sends it there."""
    if actor.id != user.id:
        raise NotificationError("forbidden", N_("只能更改自己的联系方式"), status=403)
    channel = _channel(channel_name)
    value = _checked(channel, address)
    contact = contact_of(user.id, channel)
    now = utcnow()
    if contact is None:
        contact = Contact(user_id=user.id, channel=channel, address="", pending_address="",
                          code_hash="", code_attempts=0, code_answer="")
        db.session.add(contact)
    elif contact.code_sent_at and now - contact.code_sent_at < timedelta(seconds=RESEND_SECONDS):
        raise NotificationError("code_too_soon", N_("验证码刚刚发出，请 %(seconds)s 秒后再试"),
                                status=429, field="address", seconds=RESEND_SECONDS)
    contact.pending_address = value
    contact.code_hash = ""
    contact.code_attempts = 0
    contact.code_sent_at = now
    contact.code_expires_at = now + timedelta(minutes=CODE_MINUTES)
    contact.code_answer = ""
    db.session.flush()
    record_event("notifications.contact_code", actor=actor, community_id=None,
                 target=f"user:{user.id}", details={"channel": channel.value})
    enqueue_after_commit(SEND_CODE, contact.id)
    return contact


def confirm_code(user: User, channel_name: str, code: str, *, actor: User) -> bool:
    """Check the code sent to the pending address: True when it matched (the address is then in
    use); False for a wrong code, whose attempt is counted (so the caller commits it)."""
    if actor.id != user.id:
        raise NotificationError("forbidden", N_("只能更改自己的联系方式"), status=403)
    channel = _channel(channel_name)
    contact = contact_of(user.id, channel)
    now = utcnow()
    if contact is None or not contact.pending_address or not contact.code_hash:
        raise NotificationError("no_code", N_("请先获取验证码"), field="code")
    if contact.code_expires_at is None or contact.code_expires_at <= now:
        raise NotificationError("code_expired", N_("验证码已过期，请重新获取"), field="code")
    if contact.code_attempts >= MAX_ATTEMPTS:
        raise NotificationError("too_many_attempts", N_("验证码错误次数太多，请重新获取"),
                                status=429, field="code")
    if not hmac.compare_digest(contact.code_hash, hash_code(code)):
        contact.code_attempts += 1
        db.session.flush()
        return False
    contact.address, contact.verified_at = contact.pending_address, now
    contact.pending_address, contact.code_hash, contact.code_attempts = "", "", 0
    db.session.flush()
    record_event("notifications.contact_verified", actor=actor, community_id=None,
                 target=f"user:{user.id}", details={"channel": channel.value})
    return True


#: what a page shows for a wrong code
WRONG_CODE = N_("验证码不正确")


def remove_contact(user: User, channel_name: str, *, actor: User) -> None:
    """Stop using an address (the channel then reaches this person no more)."""
    if actor.id != user.id:
        raise NotificationError("forbidden", N_("只能更改自己的联系方式"), status=403)
    contact = contact_of(user.id, _channel(channel_name))
    if contact is not None:
        db.session.delete(contact)
        db.session.flush()
