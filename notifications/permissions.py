"""Who may see what of notifications: pure predicates over the caller's membership."""

from __future__ import annotations

from app.permissions import MemberLike, is_member, is_staff


def can_view_delivery_record(member: MemberLike | None) -> bool:
    """The committee sees the 送达 record of its community's notices."""
    return is_staff(member)


def can_list_unreached(member: MemberLike | None) -> bool:
    """The committee sees which owners no channel reaches (they need paper)."""
    return is_staff(member)


def can_download_calendar(member: MemberLike | None) -> bool:
    """Members take a vote's deadline or a meeting into their calendar."""
    return is_member(member)


def can_see_meeting_in_calendar(member: MemberLike | None, committee_only: bool) -> bool:
    """A committee meeting is the committee's; the others are every member's."""
    return is_staff(member) if committee_only else is_member(member)
