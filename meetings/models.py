"""Meetings, agendas, attendance, minutes (with revisions and signatures) and result notices.

Retention: nothing here has a delete path. Published minutes and notices are frozen: their
content is hashed (sha256) and a correction is a new `Minutes` row pointing at the old one.

Anchors: each published minutes record and result notice keeps the community's audit chain
head (`app.audit.services.audit_head`) taken right after its publish event was recorded, so
the head is the hash of that very event; `flask audit verify` checks the chain against them
(`meetings.anchors`). Records published before the column existed have none.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db import utcnow
from app.extensions import Model
from app.law import MeetingKind
from app.register.models import Community, Owner
from app.types import UTCDateTime, str_enum
from proposals.models import Proposal


class MeetingState(enum.StrEnum):
    """A meeting's life: drafted, noticed (agenda locked), held, or cancelled."""

    DRAFT = "draft"
    NOTICED = "noticed"
    HELD = "held"
    CANCELLED = "cancelled"


class AttendanceMode(enum.StrEnum):
    """How someone attended."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    PROXY = "proxy"


class MinutesState(enum.StrEnum):
    """Minutes are drafted, then published and frozen."""

    DRAFT = "draft"
    PUBLISHED = "published"


class Meeting(Model):
    """An owners' assembly, a committee meeting or a deliberation meeting."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    kind: Mapped[MeetingKind] = mapped_column(str_enum(MeetingKind, "meeting_kind", length=24))
    #: a temporary (临时) owners' assembly: 7 days' notice
    temporary: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(String(200))
    convenor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: chair of the meeting (主持人), as the minutes name them
    chair_name: Mapped[str] = mapped_column(String(120), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    notice_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    state: Mapped[MeetingState] = mapped_column(
        str_enum(MeetingState, "meeting_state", length=24), default=MeetingState.DRAFT, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when and why the committee cancelled the meeting (nothing is deleted)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")

    community: Mapped[Community] = relationship()
    convenor: Mapped[User | None] = relationship()
    agenda: Mapped[list[MeetingAgendaItem]] = relationship(
        back_populates="meeting", order_by="MeetingAgendaItem.position, MeetingAgendaItem.id")
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", order_by="Attendance.id")


class MeetingAgendaItem(Model):
    """A proposal on a meeting's agenda."""

    __tablename__ = "meeting_agenda_item"
    __table_args__ = (UniqueConstraint("meeting_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")
    proposal: Mapped[Proposal] = relationship()


class Attendance(Model):
    """One owner (assembly) or committee member (committee meeting) ticked as present."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "owner_id"),
                      UniqueConstraint("meeting_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("owner.id"), nullable=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    mode: Mapped[AttendanceMode] = mapped_column(
        str_enum(AttendanceMode, "attendance_mode", length=24))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    owner: Mapped[Owner | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])


class Minutes(Model):
    """Minutes (会议纪要) of a meeting, or of a vote held outside a meeting (its proposal)."""

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    state: Mapped[MinutesState] = mapped_column(
        str_enum(MinutesState, "minutes_state", length=24), default=MinutesState.DRAFT, index=True)
    #: Markdown
    text: Mapped[str] = mapped_column(Text, default="")
    recorder_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: sha256 of the published content (see services.minutes_content)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    #: the published minutes this one corrects
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("minutes.id"), nullable=True)
    #: the community's audit chain head when published (the hash of the publish event)
    audit_head: Mapped[str | None] = mapped_column(String(64), nullable=True,
                                                   active_history=True)

    community: Mapped[Community] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    proposal: Mapped[Proposal | None] = relationship()
    recorder: Mapped[User | None] = relationship()
    corrects: Mapped[Minutes | None] = relationship(remote_side="Minutes.id")
    revisions: Mapped[list[MinutesRevision]] = relationship(
        back_populates="minutes", order_by="MinutesRevision.number")
    signatures: Mapped[list[MinutesSignature]] = relationship(
        back_populates="minutes", order_by="MinutesSignature.id")

    @property
    def is_published(self) -> bool:
        """Published minutes are frozen."""
        return self.state == MinutesState.PUBLISHED


class MinutesRevision(Model):
    """One saved version of a draft's text: who wrote it, when."""

    __tablename__ = "minutes_revision"
    __table_args__ = (UniqueConstraint("minutes_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    minutes: Mapped[Minutes] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship()


class MinutesSignature(Model):
    """A signature: who signed which text (its sha256), in what role, when."""

    __tablename__ = "minutes_signature"
    __table_args__ = (UniqueConstraint("minutes_id", "user_id", "text_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: chair | committee | recorder
    role: Mapped[str] = mapped_column(String(20))
    #: the text signed; a signature of an older text no longer counts
    text_sha256: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    minutes: Mapped[Minutes] = relationship(back_populates="signatures")
    user: Mapped[User] = relationship()


class ResultNotice(Model):
    """A result notice (表决结果公告) of a closed vote: a frozen, hashed snapshot."""

    __tablename__ = "result_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    #: the closed vote (voting feature), unique: one notice per vote
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    passed: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: end of the objection period (询异期); None = final at once
    objection_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: canonical JSON of DESIGN.md's fields, and its sha256
    content: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    #: the community's audit chain head when published (the hash of the publish event)
    audit_head: Mapped[str | None] = mapped_column(String(64), nullable=True,
                                                   active_history=True)

    community: Mapped[Community] = relationship()
    proposal: Mapped[Proposal] = relationship()

    def is_final(self, now: datetime) -> bool:
        """Final once its objection period (if any) has ended."""
        return self.objection_ends_at is None or now >= self.objection_ends_at
