"""The registry of notification kinds (like the voting-method registry): each kind owns its
recipients, its texts in zh and en, whether it is a legal notice and its default channels.
Nothing outside the registry decides who hears of what."""

from __future__ import annotations

from notifications.kinds.base import ALL_CHANNELS, EXTERNAL, QUIET_CHANNELS, Kind, Recipient
from notifications.kinds.community import (
    ClaimConfirmed,
    CommentReply,
    Digest,
    MeetingNoticed,
    OfficialReply,
)
from notifications.kinds.votes import (
    BallotRecorded,
    MandateGranted,
    MandateRevoked,
    ObjectionPeriodEnding,
    ResultPublished,
    TurnoutReminder,
    VoteClosing,
    VoteExtended,
    VoteOpened,
    ballot_channel,
)

#: every kind by its stable name, in the order the preferences page lists them
KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    VoteOpened(), VoteClosing(), TurnoutReminder(), BallotRecorded(), VoteExtended(),
    MeetingNoticed(),
    ResultPublished(), ObjectionPeriodEnding(), CommentReply(), OfficialReply(),
    MandateGranted(), MandateRevoked(), ClaimConfirmed(), Digest())}


def get_kind(name: str) -> Kind:
    """The kind of this name; a KeyError for an unknown one."""
    return KINDS[name]


def selectable_kinds() -> list[Kind]:
    """The kinds people choose channels for."""
    return [kind for kind in KINDS.values() if kind.selectable]


__all__ = ["ALL_CHANNELS", "EXTERNAL", "KINDS", "QUIET_CHANNELS", "Kind", "Recipient",
           "ballot_channel", "get_kind", "selectable_kinds"]
