"""The committee's moderation queue: comments with open reports, dismissing and resolving them.

The read functions issue a fixed number of queries, whatever the size of the queue; the
services never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import contains_eager, joinedload

from app.accounts.models import User
from app.audit.services import record_event
from app.extensions import db
from app.law import N_
from app.pagination import paginate
from proposals.comment_models import Comment, CommentReport
from proposals.discussion import comment_gone, resolve_reports
from proposals.errors import ProposalError
from proposals.models import Proposal
from proposals.queries import Page

REPORTS_PER_PAGE = 20


@dataclass
class ReportedComment:
    """A comment in the queue with its open reports, the latest first."""

    comment: Comment
    reports: list[tuple[CommentReport, User | None]]

    @property
    def proposal_id(self) -> int:
        """The proposal the comment belongs to."""
        return self.comment.proposal_id

    @property
    def proposal_title(self) -> str:
        """Its title."""
        return self.comment.proposal.title

    @property
    def count(self) -> int:
        """How many open reports the comment has."""
        return len(self.reports)

    @property
    def latest(self) -> datetime:
        """When it was last reported."""
        return self.reports[0][0].created_at


def _open() -> ColumnElement[bool]:
    return CommentReport.resolved_at.is_(None)


def _queue_filter(community_id: int) -> list[ColumnElement[bool]]:
    """Live comments on the community's proposals."""
    return [Proposal.community_id == community_id, Comment.deleted_at.is_(None),
            Comment.hidden_at.is_(None)]


def open_report_count(community_id: int) -> int:
    """How many live comments of the community have open reports (one query)."""
    count: int = db.session.execute(
        select(func.count(func.distinct(CommentReport.comment_id)))
        .join(Comment, Comment.id == CommentReport.comment_id)
        .join(Proposal, Proposal.id == Comment.proposal_id)
        .where(_open(), *_queue_filter(community_id))).scalar_one()
    return count


def reported_comments(community_id: int, page: object = 1,
                      per_page: int = REPORTS_PER_PAGE) -> Page[ReportedComment]:
    """A page of reported comments, the most recently reported first (three queries).

    The page number is clamped to the pages there are (`app.pagination.paginate`).
    """
    latest = (select(CommentReport.comment_id.label("comment_id"),
                     func.max(CommentReport.created_at).label("latest"))
              .where(_open()).group_by(CommentReport.comment_id).subquery())
    result = paginate(
        select(Comment)
        .join(latest, latest.c.comment_id == Comment.id)
        .join(Comment.proposal)
        .where(*_queue_filter(community_id))
        .options(contains_eager(Comment.proposal), joinedload(Comment.author))
        .order_by(latest.c.latest.desc(), Comment.id.desc()),
        page, per_page)
    comments: list[Comment] = list(result.items)
    by_comment: dict[int, list[tuple[CommentReport, User | None]]] = {
        c.id: [] for c in comments}
    if comments:
        reports = db.session.execute(
            select(CommentReport, User)
            .outerjoin(User, User.id == CommentReport.reporter_id)
            .where(CommentReport.comment_id.in_(list(by_comment)), _open())
            .order_by(CommentReport.created_at.desc(), CommentReport.id.desc()))
        for report, reporter in reports:
            by_comment[report.comment_id].append((report, reporter))
    return Page.of(result, [ReportedComment(c, by_comment[c.id]) for c in comments])


def dismiss_reports(comment: Comment, actor: User) -> int:
    """Dismiss the open reports of a comment the committee leaves shown; how many."""
    if comment.is_deleted or comment.is_hidden:
        raise comment_gone()
    resolved = resolve_reports(comment, actor)
    if not resolved:
        raise ProposalError("no_open_reports", N_("这条评论没有待处理的举报"))
    record_event("comment.reports_dismiss", actor=actor,
                 community_id=comment.proposal.community_id,
                 target=f"comment:{comment.id}", details={"reports": resolved})
    return resolved
