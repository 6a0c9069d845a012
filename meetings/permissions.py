"""Pure permission predicates of the meetings feature (membership in, bool out)."""

from __future__ import annotations

from app.permissions import MemberLike, is_member, is_staff
from meetings.models import Meeting, Minutes


def can_manage_meetings(member: MemberLike | None) -> bool:
    """The committee schedules meetings, sets agendas, publishes notices, ticks attendance."""
    return is_staff(member)


def can_view_meetings(member: MemberLike | None) -> bool:
    """Members see their community's meetings and notices."""
    return is_member(member)


def can_view_minutes(member: MemberLike | None, minutes: Minutes) -> bool:
    """Published minutes are public; drafts are for the committee."""
    return minutes.is_published or is_staff(member)


def can_edit_minutes(member: MemberLike | None, minutes: Minutes) -> bool:
    """The committee edits and signs drafts; published minutes are never edited."""
    return is_staff(member) and not minutes.is_published


def can_publish_minutes(member: MemberLike | None, minutes: Minutes) -> bool:
    """The committee publishes drafts."""
    return is_staff(member) and not minutes.is_published


def can_correct_minutes(member: MemberLike | None, minutes: Minutes) -> bool:
    """The committee starts a correction of published minutes."""
    return is_staff(member) and minutes.is_published


def can_draft_minutes(member: MemberLike | None) -> bool:
    """The committee drafts minutes."""
    return is_staff(member)


def can_publish_notice(member: MemberLike | None) -> bool:
    """The committee publishes result notices."""
    return is_staff(member)


def can_view_meeting_notice(member: MemberLike | None, meeting: Meeting) -> bool:
    """A published meeting notice is public (the lobby board); a draft is the committee's."""
    return meeting.notice_published_at is not None or is_staff(member)
