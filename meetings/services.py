"""Meeting services: schedule, agenda, notice, attendance with live quorum, vote gate.

Services take the acting user, never commit, audit-log every committee action and raise
`MeetingError` when refused. Minutes live in `meetings.minutes`, result notices in
`meetings.result_notices`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app import signals
from app.accounts.models import Membership, Role, User
from app.audit.services import record_event
from app.db import utcnow
from app.extensions import db
from app.register.models import Community, Owner
from app.register.services import community_electorate
from meetings import rules
from meetings.errors import MeetingError
from meetings.models import (
    Attendance,
    AttendanceMode,
    Meeting,
    MeetingAgendaItem,
    MeetingState,
)
from meetings.rules import MeetingKind
from proposals.models import Proposal

__all__ = ["MeetingError", "add_agenda_item", "cancel_meeting", "check_vote_may_open",
           "community_tz",
           "meeting_quorum", "publish_notice", "remove_agenda_item", "schedule_meeting",
           "tick_attendance", "untick_attendance"]


def community_tz() -> str:
    """The time zone in which the community's calendar days are counted."""
    return current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")


def _audit(action: str, meeting: Meeting, actor: User | None, **details: object) -> None:
    record_event(action, actor=actor, community_id=meeting.community_id,
                 target=f"meeting:{meeting.id}", details=details)


def schedule_meeting(community: Community, *, kind: str, title: str, starts_at: datetime,
                     place: str = "", online_url: str = "", temporary: bool = False,
                     chair_name: str = "", actor: User | None) -> Meeting:
    """Schedule a meeting (a draft until its notice is published)."""
    try:
        kind = MeetingKind(kind)
    except ValueError as exc:
        raise MeetingError("invalid_kind", _("未知的会议类型"), 400) from exc
    if not title.strip():
        raise MeetingError("invalid_title", _("请填写会议名称"), 400)
    if starts_at.tzinfo is None:
        raise MeetingError("invalid_time", _("会议时间无效"), 400)
    if not place.strip() and not online_url.strip():
        raise MeetingError("no_place", _("请填写会议地点或线上会议链接"), 400)
    if starts_at <= utcnow():
        raise MeetingError("meeting_in_past", _("会议时间必须在将来"), 400)
    meeting = Meeting(community_id=community.id, kind=kind, title=title.strip(),
                      starts_at=starts_at, place=place.strip(), online_url=online_url.strip(),
                      temporary=bool(temporary) and kind == MeetingKind.OWNERS_ASSEMBLY,
                      chair_name=chair_name.strip(), convenor=actor, state=MeetingState.DRAFT)
    db.session.add(meeting)
    db.session.flush()
    _audit("meeting.schedule", meeting, actor, kind=kind.value, title=meeting.title,
           starts_at=starts_at.isoformat(), temporary=meeting.temporary)
    return meeting


def _refuse_if_locked(meeting: Meeting) -> None:
    if rules.agenda_locked(meeting.notice_published_at):
        raise MeetingError("agenda_locked", _("会议通知已发布，议程不能再更改"))


def add_agenda_item(meeting: Meeting, proposal: Proposal, *, actor: User | None
                    ) -> MeetingAgendaItem:
    """Put a proposal of the same community on the agenda, before the notice."""
    _refuse_if_locked(meeting)
    if proposal.community_id != meeting.community_id:
        raise MeetingError("not_found", _("没有这个议题"), 404)
    if any(item.proposal_id == proposal.id for item in meeting.agenda):
        raise MeetingError("already_on_agenda", _("该议题已在议程中"))
    item = MeetingAgendaItem(meeting=meeting, proposal=proposal, position=len(meeting.agenda))
    db.session.add(item)
    db.session.flush()
    _audit("meeting.agenda_add", meeting, actor, proposal_id=proposal.id)
    return item


def remove_agenda_item(meeting: Meeting, proposal_id: int, *, actor: User | None) -> None:
    """Take a proposal off the agenda, before the notice."""
    _refuse_if_locked(meeting)
    for item in meeting.agenda:
        if item.proposal_id == proposal_id:
            meeting.agenda.remove(item)
            db.session.delete(item)
            db.session.flush()
            _audit("meeting.agenda_remove", meeting, actor, proposal_id=proposal_id)
            return
    raise MeetingError("not_on_agenda", _("该议题不在议程中"), 404)


_NOTICE_MESSAGES = {
    rules.NoticeRefusal.ALREADY_PUBLISHED: lambda d: _("会议通知已经发布"),
    rules.NoticeRefusal.IN_THE_PAST: lambda d: _("会议时间已过，不能发布通知"),
    rules.NoticeRefusal.EMPTY_AGENDA: lambda d: _("业主大会的通知必须列明议程"),
    rules.NoticeRefusal.TOO_LATE: lambda d: _(
        "通知期不足：业主大会须在会议召开前至少 %(days)s 个整日发布通知（自发布次日起算）", days=d),
}


def publish_notice(meeting: Meeting, *, actor: User | None,
                   now: datetime | None = None) -> Meeting:
    """Publish the meeting notice with its agenda; refused when the notice period is too short."""
    now = now or utcnow()
    community = meeting.community
    refusal = rules.check_notice(
        kind=meeting.kind, temporary=meeting.temporary, community_days=community.notice_days,
        published_at=meeting.notice_published_at, now=now, starts_at=meeting.starts_at,
        agenda_size=len(meeting.agenda), tz=community_tz())
    if refusal is not None:
        days = rules.required_notice_days(meeting.kind, meeting.temporary, community.notice_days)
        raise MeetingError(refusal.value, _NOTICE_MESSAGES[refusal](days))
    meeting.notice_published_at = now
    meeting.state = MeetingState.NOTICED
    db.session.flush()
    _audit("meeting.notice", meeting, actor, published_at=now.isoformat(),
           agenda=[item.proposal_id for item in meeting.agenda])
    signals.emit(signals.meeting_noticed, meeting=meeting, actor=actor)
    return meeting


def mark_held(meeting: Meeting, *, actor: User | None) -> Meeting:
    """Record that a noticed meeting took place (attendance closes)."""
    if meeting.state != MeetingState.NOTICED:
        raise MeetingError("not_noticed", _("只有已发布通知的会议才能标记为已召开"))
    meeting.state = MeetingState.HELD
    db.session.flush()
    _audit("meeting.held", meeting, actor)
    return meeting


#: longest cancellation reason kept
MAX_REASON = 500


def cancel_meeting(meeting: Meeting, actor: User | None, reason: str,
                   now: datetime | None = None) -> Meeting:
    """Cancel a meeting not yet held, with a reason (it stays on record; nothing is deleted)."""
    if meeting.state == MeetingState.HELD:
        raise MeetingError("already_held", _("会议已召开，不能取消"))
    if meeting.state == MeetingState.CANCELLED:
        raise MeetingError("already_cancelled", _("会议已经取消"))
    reason = (reason or "").strip()
    if not reason:
        raise MeetingError("reason_required", _("请填写取消原因"), 400)
    if len(reason) > MAX_REASON:
        raise MeetingError("reason_too_long", _("取消原因过长"), 400)
    now = now or utcnow()
    previous = meeting.state
    meeting.state = MeetingState.CANCELLED
    meeting.cancelled_at = now
    meeting.cancel_reason = reason
    db.session.flush()
    _audit("meeting.cancel", meeting, actor, reason=reason, previous_state=previous.value,
           cancelled_at=now.isoformat())
    return meeting


def _check_attendance_open(meeting: Meeting) -> None:
    if meeting.state in (MeetingState.HELD, MeetingState.CANCELLED):
        raise MeetingError("attendance_closed", _("会议已结束，签到表不能再更改"))


def tick_attendance(meeting: Meeting, *, mode: str, owner: Owner | None = None,
                    user: User | None = None, actor: User | None) -> Attendance:
    """Tick an owner (assembly, deliberation) or a committee member (committee) as present."""
    _check_attendance_open(meeting)
    try:
        mode = AttendanceMode(mode)
    except ValueError as exc:
        raise MeetingError("invalid_mode", _("未知的出席方式"), 400) from exc
    if (owner is None) == (user is None):
        raise MeetingError("invalid_attendee", _("请选择一位出席者"), 400)
    if owner is not None and owner.community_id != meeting.community_id:
        raise MeetingError("not_found", _("没有这位业主"), 404)
    if user is not None and committee_membership(meeting.community_id, user) is None:
        raise MeetingError("not_committee", _("只有业委会成员可登记为业委会会议出席者"), 400)
    existing = next((a for a in meeting.attendance
                     if (owner and a.owner_id == owner.id) or (user and a.user_id == user.id)),
                    None)
    if existing is None:
        existing = Attendance(meeting=meeting, owner=owner, user=user, mode=mode)
        db.session.add(existing)
    existing.mode = mode
    existing.recorded_by_id = getattr(actor, "id", None)
    existing.recorded_at = utcnow()
    db.session.flush()
    _audit("meeting.attendance", meeting, actor, mode=mode.value,
           owner_ref=owner.owner_ref if owner else None, user_id=user.id if user else None)
    return existing


def untick_attendance(meeting: Meeting, attendance_id: int, *, actor: User | None) -> None:
    """Remove a mistaken tick while the meeting is open (audited)."""
    _check_attendance_open(meeting)
    row = next((a for a in meeting.attendance if a.id == attendance_id), None)
    if row is None:
        raise MeetingError("not_found", _("没有这条签到记录"), 404)
    meeting.attendance.remove(row)
    db.session.delete(row)
    db.session.flush()
    _audit("meeting.attendance_remove", meeting, actor, attendance_id=attendance_id)


def committee_membership(community_id: int, user: User) -> Membership | None:
    """The user's committee membership in the community, if any."""
    return db.session.execute(select(Membership).where(
        Membership.community_id == community_id, Membership.user_id == user.id,
        Membership.role == Role.COMMITTEE)).scalar_one_or_none()


def committee_members(community_id: int) -> list[Membership]:
    """The community's committee members (业委会委员)."""
    return list(db.session.execute(
        select(Membership).where(Membership.community_id == community_id,
                                 Membership.role == Role.COMMITTEE)
        .order_by(Membership.id)).scalars())


@dataclass(frozen=True)
class MeetingQuorum:
    """Live attendance quorum of a meeting."""

    status: rules.QuorumStatus
    #: committee meetings: members present / members
    members_present: int = 0
    members_total: int = 0


def meeting_quorum(meeting: Meeting) -> MeetingQuorum:
    """Attendance by area and headcount against the community's electorate (each owner once)."""
    electorate = community_electorate(meeting.community)
    areas = {e.owner_ref: e.area_m2 for e in electorate.electors}
    present = [(a.owner.owner_ref, areas.get(a.owner.owner_ref, 0)) for a in meeting.attendance
               if a.owner is not None and a.owner.owner_ref in areas]
    status = rules.attendance_quorum(present, electorate.headcount, electorate.area_m2)
    members = committee_members(meeting.community_id)
    member_ids = {m.user_id for m in members}
    here = sum(1 for a in meeting.attendance if a.user_id in member_ids)
    return MeetingQuorum(status, here, len(members))


def assembly_meetings_of(proposal: Proposal) -> list[Meeting]:
    """The owners' assemblies (not cancelled) whose agenda holds the proposal."""
    return list(db.session.execute(
        select(Meeting).join(MeetingAgendaItem).where(
            MeetingAgendaItem.proposal_id == proposal.id,
            Meeting.kind == MeetingKind.OWNERS_ASSEMBLY,
            Meeting.state != MeetingState.CANCELLED)).scalars())


def check_vote_may_open(proposal: Proposal, closes_at: datetime,
                        now: datetime | None = None) -> None:
    """Refuse (MeetingError) a vote on a proposal of an owners' assembly before its notice period.

    For the voting feature's `open_vote`: when the proposal is on an owners' assembly's agenda,
    the notice must be published and its full notice period elapsed (the vote opens no earlier
    than the earliest lawful meeting day), and the vote must close after it opens. A proposal
    on no assembly's agenda is not restricted here.
    """
    now = now or utcnow()
    tz = community_tz()
    for meeting in assembly_meetings_of(proposal):
        if meeting.notice_published_at is None:
            raise MeetingError("notice_not_published", _(
                "该议题在业主大会“%(title)s”的议程上，会议通知尚未发布，不能开始表决",
                title=meeting.title))
        days = rules.required_notice_days(meeting.kind, meeting.temporary,
                                          meeting.community.notice_days)
        opens = rules.vote_may_open_at(meeting.notice_published_at, days, tz)
        if opens is not None and now < opens:
            raise MeetingError("notice_period", _(
                "业主大会通知期未满：最早可于 %(day)s 开始表决", day=opens.date().isoformat()))
    if closes_at <= now:
        raise MeetingError("invalid_closes_at", _("表决截止时间必须在将来"), 400)
