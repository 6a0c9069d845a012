"""What people chose: channels per kind, immediate or a daily digest, quiet hours for SMS and
WeChat (community time). Legal notices cannot be switched off: the inbox always keeps them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import NoReturn
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.accounts.models import User
from app.audit.services import record_event
from app.db import utcnow
from app.extensions import db
from app.law.words import N_
from notifications.errors import NotificationError
from notifications.kinds import ALL_CHANNELS, Kind, get_kind, selectable_kinds
from notifications.models import ChannelName, Preference

DIGESTS = ("immediate", "daily")
DEFAULT_QUIET = ("22:00", "08:00")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class Choices:
    """One person's choices with the defaults filled in (what `GET /me/preferences` shows)."""

    channels: dict[str, list[str]]
    digest: str
    quiet_hours: tuple[str, str]

    def as_json(self) -> dict[str, object]:
        """API.md's shape."""
        return {"channels": self.channels, "digest": self.digest,
                "quiet_hours": list(self.quiet_hours)}


def channels_for(preference: Preference | None, kind: Kind) -> tuple[ChannelName, ...]:
    """The channels a person gets this kind on (a legal notice always keeps the inbox)."""
    chosen = (preference.channels or {}).get(kind.name) if preference is not None else None
    names = [ChannelName(c) for c in chosen] if chosen is not None else list(
        kind.default_channels)
    if kind.legal and ChannelName.INBOX not in names:
        names.insert(0, ChannelName.INBOX)
    return tuple(c for c in ALL_CHANNELS if c in names)


def preference_of(user_id: int) -> Preference | None:
    """A person's stored preference row, if they ever changed anything."""
    return db.session.get(Preference, user_id)


def preferences_of(user_ids: Iterable[int]) -> dict[int, Preference]:
    """The stored preferences of many people (one query)."""
    ids = list(user_ids)
    if not ids:
        return {}
    return {p.user_id: p for p in db.session.execute(
        select(Preference).where(Preference.user_id.in_(ids))).scalars()}


def choices_of(user_id: int) -> Choices:
    """A person's choices, defaults filled in."""
    preference = preference_of(user_id)
    channels = {kind.name: [c.value for c in channels_for(preference, kind)]
                for kind in selectable_kinds()}
    if preference is None:
        return Choices(channels, "immediate", DEFAULT_QUIET)
    return Choices(channels, preference.digest, (preference.quiet_start, preference.quiet_end))


def _refuse(code: str, message: str, *, field: str | None = None, status: int | None = None,
            **params: object) -> NoReturn:
    raise NotificationError(code, message, field=field, status=status, **params)


def _checked_channels(channels: Mapping[str, object]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, chosen in channels.items():
        try:
            kind = get_kind(name)
        except KeyError:
            _refuse("unknown_kind", N_("没有这种通知：%(kind)s"), field="channels", kind=name)
        if not kind.selectable or not isinstance(chosen, list | tuple):
            _refuse("unknown_kind", N_("没有这种通知：%(kind)s"), field="channels", kind=name)
        values = []
        for channel in chosen:
            if channel not in {c.value for c in ALL_CHANNELS}:
                _refuse("unknown_channel", N_("没有这种渠道：%(channel)s"), field="channels",
                        channel=str(channel))
            if channel not in values:
                values.append(str(channel))
        if kind.legal and ChannelName.INBOX.value not in values:
            _refuse("legal_notice", N_("“%(kind)s”是法定通知，不能关闭：至少站内信箱会收到。"),
                    field="channels", kind=kind.name)
        out[kind.name] = values
    return out


def update_preferences(user: User, *, channels: Mapping[str, object] | None = None,
                       digest: str | None = None, quiet_hours: Iterable[str] | None = None,
                       actor: User) -> Choices:
    """Change what a person receives; only what is given changes."""
    if actor.id != user.id:
        _refuse("forbidden", N_("只能更改自己的通知设置"), status=403)
    checked = _checked_channels(channels) if channels is not None else None
    if digest is not None and digest not in DIGESTS:
        _refuse("invalid_digest", N_("摘要只能是“即时”或“每日”"), field="digest")
    hours: tuple[str, str] | None = None
    if quiet_hours is not None:
        values = [str(v) for v in quiet_hours]
        if len(values) != 2 or not all(TIME.match(v) for v in values):
            _refuse("invalid_quiet_hours", N_("免打扰时段须是两个“时:分”时间，例如 22:00 和 08:00"),
                    field="quiet_hours")
        hours = (values[0], values[1])
    preference = preference_of(user.id)
    if preference is None:
        preference = Preference(user_id=user.id, channels={}, digest="immediate",
                                quiet_start=DEFAULT_QUIET[0], quiet_end=DEFAULT_QUIET[1],
                                link_version=1)
        db.session.add(preference)
    if checked is not None:
        preference.channels = {**(preference.channels or {}), **checked}
    if digest is not None:
        preference.digest = digest
    if hours is not None:
        preference.quiet_start, preference.quiet_end = hours
    preference.updated_at = utcnow()
    db.session.flush()
    return choices_of(user.id)


def unsubscribe(user: User, kind_name: str, channel: str) -> Choices:
    """One-click unsubscribe (RFC 8058): stop this kind on this channel (never the inbox); from
    a digest, stop that channel for every kind (legal notices then reach the inbox only)."""
    preference = preference_of(user.id)
    kinds = selectable_kinds() if kind_name == "digest" else [get_kind(kind_name)]
    wanted: dict[str, object] = {}
    for kind in kinds:
        current = [c.value for c in channels_for(preference, kind)]
        keep_inbox = channel == ChannelName.INBOX.value and kind.legal
        wanted[kind.name] = current if keep_inbox else [c for c in current if c != channel]
    choices = update_preferences(user, channels=wanted, actor=user)
    record_event("notifications.unsubscribe", actor=user, community_id=None,
                 target=f"user:{user.id}", details={"kind": kind_name, "channel": channel})
    return choices


def renew_links(user: User) -> int:
    """Invalidate the person's signed links (calendar, unsubscribe); the new version."""
    preference = preference_of(user.id)
    if preference is None:
        update_preferences(user, actor=user)
        preference = preference_of(user.id)
    assert preference is not None
    preference.link_version = (preference.link_version or 1) + 1
    db.session.flush()
    return preference.link_version


def link_version(user_id: int) -> int:
    """The version signed links of this person carry (raised to invalidate older links)."""
    preference = preference_of(user_id)
    return preference.link_version if preference is not None else 1


def _at(day: datetime, hhmm: str, zone: ZoneInfo) -> datetime:
    hour, minute = (int(p) for p in hhmm.split(":"))
    return datetime.combine(day.date(), time(hour, minute), tzinfo=zone)


def quiet_until(moment: datetime, start: str, end: str, tz: str) -> datetime | None:
    """When the quiet hours around `moment` end (aware), or None outside quiet hours."""
    if start == end:
        return None
    zone = ZoneInfo(tz)
    local = moment.astimezone(zone)
    begins, ends = _at(local, start, zone), _at(local, end, zone)
    if begins < ends:  # e.g. 13:00-14:00
        return ends if begins <= local < ends else None
    if local >= begins:  # overnight, after the start: until tomorrow's end
        return _at(local + timedelta(days=1), end, zone)
    return ends if local < ends else None
