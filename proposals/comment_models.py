"""Discussion: comments on a proposal or one of its options, their revisions and reports."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db import utcnow
from app.extensions import Model
from app.types import UTCDateTime, str_enum
from proposals.models import Proposal


class Stance(enum.StrEnum):
    """A comment's stance tag."""

    SUPPORT = "support"
    OPPOSE = "oppose"
    QUESTION = "question"


class Comment(Model):
    """A comment in a proposal's discussion; replies hang off a parent, threads off a root."""

    __tablename__ = "proposal_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    option_id: Mapped[int | None] = mapped_column(ForeignKey("proposal_option.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("proposal_comment.id"))
    #: the top-level comment of the thread (itself for a top-level comment)
    root_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: 0 for a top-level comment, 1 for a reply, 2 for a reply to a reply ...
    depth: Mapped[int] = mapped_column(Integer, default=0)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: the author's role in the community when posting (shows the 业委会 badge)
    author_role: Mapped[str] = mapped_column(String(20), default="")
    stance: Mapped[Stance | None] = mapped_column(str_enum(Stance, "comment_stance"), nullable=True)
    #: Markdown source and its sanitised HTML
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: a tombstone: the text is gone, the place in the thread stays
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: pinned as an official reply (官方回复) of the committee
    pinned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    proposal: Mapped[Proposal] = relationship()

    @property
    def is_deleted(self) -> bool:
        """Deleted by its author."""
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        """Hidden by the committee."""
        return self.hidden_at is not None

    @property
    def is_official(self) -> bool:
        """Pinned as an official reply."""
        return self.pinned_at is not None


class CommentRevision(Model):
    """An earlier text of an edited comment."""

    __tablename__ = "proposal_comment_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("proposal_comment.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    #: when this text was replaced
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class CommentReport(Model):
    """A member's report of a comment to the committee."""

    __tablename__ = "proposal_comment_report"
    __table_args__ = (UniqueConstraint("comment_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("proposal_comment.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when the committee dealt with it (dismissed, or hid the comment); None while open
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
