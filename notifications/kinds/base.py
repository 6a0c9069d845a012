"""What a kind of notification is: one object per kind owns its recipients, what its texts
need (loaded once per event), its texts in zh and en, whether it is a legal notice, and the
channels it goes to unless a person chose otherwise."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from notifications.models import ChannelName, NotificationEvent
from notifications.texts import Texts

#: every channel, in the order pages show them
ALL_CHANNELS: tuple[ChannelName, ...] = (ChannelName.INBOX, ChannelName.EMAIL, ChannelName.SMS,
                                         ChannelName.WECHAT)
#: the channels that leave the platform (need a verified contact, may wait for a digest)
EXTERNAL: tuple[ChannelName, ...] = ALL_CHANNELS[1:]
#: SMS and WeChat keep quiet hours
QUIET_CHANNELS = frozenset({ChannelName.SMS, ChannelName.WECHAT})


@dataclass(frozen=True)
class Recipient:
    """A person an event reaches, and the register owner they are reached as (or None)."""

    user_id: int
    owner_id: int | None = None


class Kind:
    """A kind of notification (subclass per kind; registered in `notifications.kinds`)."""

    #: the stable name (API.md)
    name: ClassVar[str]
    #: its label on the preferences page (a source text marked N_)
    label: ClassVar[str]
    #: a notice the law requires: at least the inbox always keeps it
    legal: ClassVar[bool] = False
    #: never waits for the daily digest (a ballot in one's name, a reminder)
    urgent: ClassVar[bool] = False
    #: shown on the preferences page (the digest itself is not)
    selectable: ClassVar[bool] = True
    default_channels: ClassVar[tuple[ChannelName, ...]] = ALL_CHANNELS
    #: the register owners in scope, who need paper when no channel reaches them
    owner_audience: ClassVar[bool] = False

    def recipients(self, event: NotificationEvent) -> list[Recipient]:
        """Who the event reaches, read from the database at fan-out time."""
        raise NotImplementedError

    def load(self, event: NotificationEvent) -> dict[str, Any]:
        """What the texts need (titles, times, paths), read once per event."""
        raise NotImplementedError

    def texts(self, context: dict[str, Any], lang: str, sign: str) -> Texts:
        """The message in a language; pure."""
        raise NotImplementedError

    def vote_id(self, context: dict[str, Any]) -> int | None:
        """The vote it concerns (the X-Yishi-Vote header), if any."""
        value = context.get("vote_id")
        return int(value) if value else None

    def calendar(self, context: dict[str, Any], lang: str) -> bytes | None:
        """An .ics attachment for the e-mail, if the kind has a date to keep."""
        return None

    def still_relevant(self, event: NotificationEvent, user_ids: Iterable[int]) -> set[int]:
        """Of these recipients, those to whom the message still makes sense when it is sent."""
        return set(user_ids)

    def audience_owners(self, event: NotificationEvent) -> list[int]:
        """The register owners the event concerns (owner_audience kinds), for the record."""
        return []


__all__ = ["ALL_CHANNELS", "EXTERNAL", "QUIET_CHANNELS", "Kind", "Recipient"]
