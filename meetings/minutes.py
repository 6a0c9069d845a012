"""Minutes services: draft from a meeting or proposal, edit with revisions, sign, publish, correct.

Published minutes are frozen: the services refuse to change them, and an ORM guard
(`meetings.guards`) refuses any flush that would. The published content is the Markdown text
exactly as served at `/c/<slug>/minutes/<id>.md`; its sha256 is `Minutes.sha256`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import select

from app import signals
from app.accounts.models import Role, User
from app.audit.services import audit_head, record_event
from app.db import utcnow
from app.errors import N_
from app.extensions import db
from app.i18n import community_tz
from app.law import MeetingKind, more_than_half
from app.signals import emit
from meetings import sources
from meetings.drafting import MinutesData, compose_minutes, quorum_line, zh_datetime
from meetings.errors import MeetingError
from meetings.models import (
    Meeting,
    Minutes,
    MinutesRevision,
    MinutesSignature,
    MinutesState,
)
from meetings.services import committee_members, meeting_quorum
from proposals.models import Proposal

MAX_TEXT = 200_000


def minutes_content(minutes: Minutes) -> bytes:
    """The bytes that are hashed: the Markdown text, UTF-8."""
    return minutes.text.encode("utf-8")


def content_sha256(text: str) -> str:
    """sha256 of a minutes text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verify_minutes(minutes: Minutes) -> bool:
    """Whether published minutes still match their published sha256."""
    return minutes.is_published and content_sha256(minutes.text) == minutes.sha256


def _audit(action: str, minutes: Minutes, actor: User | None, **details: object) -> None:
    record_event(action, actor=actor, community_id=minutes.community_id,
                 target=f"minutes:{minutes.id}", details=details)


def _refuse_if_published(minutes: Minutes) -> None:
    if minutes.is_published:
        raise MeetingError("minutes_published",
                           N_("纪要已发布，不能再修改；如需更正，请发布更正版本"))


def _new_minutes(*, community_id: int, title: str, text: str, actor: User | None,
                 meeting: Meeting | None = None, proposal: Proposal | None = None,
                 corrects: Minutes | None = None) -> Minutes:
    minutes = Minutes(community_id=community_id, title=title[:200], text=text,
                      meeting=meeting, proposal=proposal, recorder=actor,
                      corrects=corrects, state=MinutesState.DRAFT)
    db.session.add(minutes)
    db.session.flush()
    db.session.add(MinutesRevision(minutes=minutes, number=1, text=text, author=actor,
                                   note="自动起草" if corrects is None else "更正起草"))
    db.session.flush()
    return minutes


def _meeting_data(meeting: Meeting, recorder: User | None) -> MinutesData:
    """Gather what the minutes of a meeting state."""
    if meeting.kind == MeetingKind.COMMITTEE_MEETING:
        present = {a.user_id for a in meeting.attendance if a.user_id}
        members = committee_members(meeting.community_id)
        attendees = [m.user.name for m in members if m.user_id in present]
        absentees = [m.user.name for m in members if m.user_id not in present]
        summary = f"应到委员 {len(members)} 人，实到 {len(attendees)} 人"
    else:
        attendees = sorted(sources.owner_label(a.owner) for a in meeting.attendance if a.owner)
        quorum = meeting_quorum(meeting).status
        absentees = []
        summary = (f"出席业主 {quorum.present_headcount}/{quorum.total_headcount} 人，"
                   f"专有部分面积 {quorum.present_area}/{quorum.total_area} m²；"
                   f"{quorum_line(quorum.met)}")
    place = "、".join(p for p in (meeting.place, meeting.online_url) if p)
    return MinutesData(
        title=f"{meeting.title} 会议纪要", when=zh_datetime(meeting.starts_at, community_tz()),
        place=place, chair=meeting.chair_name or (meeting.convenor.name if meeting.convenor
                                                  else ""),
        recorder=recorder.name if recorder else "", attendees=attendees, absentees=absentees,
        attendance_summary=summary,
        sections=[sources.agenda_section(item.proposal) for item in meeting.agenda])


def draft_meeting_minutes(meeting: Meeting, *, actor: User | None) -> Minutes:
    """Draft minutes automatically from a meeting, its attendance, agenda, discussion and votes."""
    existing = current_minutes(meeting_id=meeting.id)
    if existing is not None:
        _refuse_if_published(existing)
        return existing
    data = _meeting_data(meeting, actor)
    minutes = _new_minutes(community_id=meeting.community_id, title=data.title,
                           text=compose_minutes(data), actor=actor, meeting=meeting)
    _audit("minutes.draft", minutes, actor, meeting_id=meeting.id)
    return minutes


def draft_proposal_minutes(proposal: Proposal, *, actor: User | None) -> Minutes:
    """Draft minutes for a vote held outside a meeting, from its proposal."""
    existing = current_minutes(proposal_id=proposal.id)
    if existing is not None:
        _refuse_if_published(existing)
        return existing
    section = sources.agenda_section(proposal)
    vote = section.vote
    data = MinutesData(
        title=f"{proposal.title} 表决纪要",
        when=(f"{vote.opened_at} 至 {vote.closed_at}" if vote else "—"),
        place="议事平台线上表决", chair="", recorder=actor.name if actor else "",
        attendees=[], absentees=[],
        attendance_summary=(f"参与表决 {vote.result['participation']['headcount']} 人"
                            if vote else ""),
        sections=[section])
    minutes = _new_minutes(community_id=proposal.community_id, title=data.title,
                           text=compose_minutes(data), actor=actor, proposal=proposal)
    _audit("minutes.draft", minutes, actor, proposal_id=proposal.id)
    return minutes


def current_minutes(*, meeting_id: int | None = None,
                     proposal_id: int | None = None) -> Minutes | None:
    """The newest minutes (draft or published) of a meeting or of a proposal without meeting."""
    query = select(Minutes).order_by(Minutes.id.desc()).limit(1)
    if meeting_id is not None:
        query = query.where(Minutes.meeting_id == meeting_id)
    else:
        query = query.where(Minutes.proposal_id == proposal_id, Minutes.meeting_id.is_(None))
    return db.session.execute(query).scalar_one_or_none()


def edit_minutes(minutes: Minutes, text: str, *, actor: User | None, note: str = "") -> Minutes:
    """Save a new text of draft minutes as a revision; earlier signatures no longer count."""
    _refuse_if_published(minutes)
    text = (text or "").replace("\r\n", "\n")
    if not text.strip():
        raise MeetingError("empty_text", N_("纪要内容不能为空"), status=400, field="text")
    if len(text) > MAX_TEXT:
        raise MeetingError("text_too_long", N_("纪要内容过长（最多 %(n)s 字）"), status=400,
                           field="text", n=MAX_TEXT)
    if text == minutes.text:
        return minutes
    number = (minutes.revisions[-1].number if minutes.revisions else 0) + 1
    db.session.add(MinutesRevision(minutes=minutes, number=number, text=text, author=actor,
                                   note=note.strip()[:200]))
    minutes.text = text
    minutes.updated_at = utcnow()
    db.session.flush()
    _audit("minutes.edit", minutes, actor, revision=number, sha256=content_sha256(text))
    return minutes


def valid_signatures(minutes: Minutes) -> list[MinutesSignature]:
    """Signatures of the current text (a signature of an older text does not count)."""
    current = content_sha256(minutes.text)
    return [s for s in minutes.signatures if s.text_sha256 == current]


def sign_minutes(minutes: Minutes, *, actor: User, role: Role | str) -> MinutesSignature:
    """Sign the current text of draft minutes, as chair, recorder or committee member."""
    _refuse_if_published(minutes)
    if any(s.user_id == actor.id for s in valid_signatures(minutes)):
        raise MeetingError("already_signed", N_("您已签署当前版本"))
    if minutes.recorder_id == actor.id:
        label = "recorder"
    elif minutes.meeting and minutes.meeting.convenor_id == actor.id:
        label = "chair"
    else:
        label = "committee" if Role(role) == Role.COMMITTEE else "admin"
    signature = MinutesSignature(minutes=minutes, user=actor, role=label,
                                 text_sha256=content_sha256(minutes.text), signed_at=utcnow())
    db.session.add(signature)
    db.session.flush()
    _audit("minutes.sign", minutes, actor, role=label, sha256=signature.text_sha256)
    return signature


def needs_committee_signatures(kind: MeetingKind | None) -> bool:
    """Only committee-meeting minutes wait for the committee's signatures to be published."""
    return kind == MeetingKind.COMMITTEE_MEETING


def committee_signed(signatures: Iterable[tuple[int, str]], text: str,
                     committee: set[int]) -> int:
    """How many committee members signed this very text, from (user id, text sha256) pairs."""
    current = content_sha256(text)
    return len({user for user, sha in signatures if sha == current and user in committee})


def signatures_needed(minutes: Minutes) -> tuple[int, int]:
    """(committee signatures of the current text, committee size) for committee minutes."""
    members = {m.user_id for m in committee_members(minutes.community_id)}
    signed = committee_signed(((s.user_id, s.text_sha256) for s in minutes.signatures),
                              minutes.text, members)
    return signed, len(members)


def may_publish(minutes: Minutes) -> bool:
    """Committee-meeting minutes need more than half of the committee's signatures."""
    if not needs_committee_signatures(minutes.meeting.kind if minutes.meeting else None):
        return True
    signed, total = signatures_needed(minutes)
    return more_than_half(signed, total)


def publish_minutes(minutes: Minutes, *, actor: User | None) -> Minutes:
    """Publish and freeze minutes: their sha256 and the community's audit head recorded.

    The publish event is recorded first; the head stored with the minutes is then the hash of
    that very event, so the published minutes anchor the audit chain up to their publication.
    """
    _refuse_if_published(minutes)
    if not may_publish(minutes):
        signed, total = signatures_needed(minutes)
        raise MeetingError("signatures_missing", N_(
            "业委会会议纪要须经过半数委员签名后才能发布（已签 %(signed)s / %(total)s）"),
            signed=signed, total=total)
    sha256 = content_sha256(minutes.text)
    _audit("minutes.publish", minutes, actor, sha256=sha256, corrects=minutes.corrects_id)
    minutes.state = MinutesState.PUBLISHED
    minutes.published_at = utcnow()
    minutes.sha256 = sha256
    minutes.audit_head = audit_head(minutes.community_id)
    db.session.flush()
    emit(signals.minutes_published, minutes=minutes, actor=actor)
    return minutes


def correct_minutes(minutes: Minutes, *, actor: User | None) -> Minutes:
    """Start a correction of published minutes: a new draft linked to them (they stay)."""
    if not minutes.is_published:
        raise MeetingError("not_published", N_("只有已发布的纪要才需要更正；草稿可直接修改"))
    pending = db.session.execute(select(Minutes).where(
        Minutes.corrects_id == minutes.id, Minutes.state == MinutesState.DRAFT)).scalars().first()
    if pending is not None:
        return pending
    correction = _new_minutes(community_id=minutes.community_id,
                              title=f"{minutes.title}（更正）"[:200], text=minutes.text,
                              actor=actor, meeting=minutes.meeting, proposal=minutes.proposal,
                              corrects=minutes)
    _audit("minutes.correct", correction, actor, corrects=minutes.id)
    return correction


def corrections_of(minutes: Minutes) -> list[Minutes]:
    """Later minutes that correct these ones."""
    return list(db.session.execute(select(Minutes).where(Minutes.corrects_id == minutes.id)
                                   .order_by(Minutes.id)).scalars())
