"""The committee's moderation queue: comments with open reports, dismissing and resolving them.

The read functions issue a fixed number of queries, whatever the size of the queue; the
services never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.audit.services import record_event
from app.extensions import db
from proposals.comment_models import Comment, CommentReport
from proposals.discussion import resolve_reports
from proposals.errors import ProposalError
from proposals.models import Proposal
from proposals.queries import Page, _pages

REPORTS_PER_PAGE = 20


@dataclass
class ReportedComment:
    """A comment in the queue with its open reports."""

    comment: Comment
    proposal_id: int
    proposal_title: str
    count: int
    latest: datetime
    reports: list[tuple[CommentReport, User | None]]


def _open() -> object:
    return CommentReport.resolved_at.is_(None)


def _queue_filter(community_id: int) -> list[object]:
    """Live comments on the community's proposals."""
    return [Proposal.community_id == community_id, Comment.deleted_at.is_(None),
            Comment.hidden_at.is_(None)]


def open_report_count(community_id: int) -> int:
    """How many live comments of the community have open reports (one query)."""
    return db.session.execute(
        select(func.count(func.distinct(CommentReport.comment_id)))
        .join(Comment, Comment.id == CommentReport.comment_id)
        .join(Proposal, Proposal.id == Comment.proposal_id)
        .where(_open(), *_queue_filter(community_id))).scalar_one()


def reported_comments(community_id: int, page: int = 1,
                      per_page: int = REPORTS_PER_PAGE) -> Page:
    """A page of reported comments, the most recently reported first (three queries)."""
    total = open_report_count(community_id)
    pages = _pages(total, per_page)
    page = min(max(page, 1), pages)
    agg = (select(CommentReport.comment_id.label("comment_id"),
                  func.count(CommentReport.id).label("n"),
                  func.max(CommentReport.created_at).label("latest"))
           .where(_open()).group_by(CommentReport.comment_id).subquery())
    rows = db.session.execute(
        select(Comment, Proposal.id, Proposal.title, agg.c.n, agg.c.latest)
        .join(agg, agg.c.comment_id == Comment.id)
        .join(Proposal, Proposal.id == Comment.proposal_id)
        .where(*_queue_filter(community_id))
        .options(joinedload(Comment.author))
        .order_by(agg.c.latest.desc(), Comment.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    ids = [row[0].id for row in rows]
    by_comment: dict[int, list[tuple[CommentReport, User | None]]] = {i: [] for i in ids}
    if ids:
        reports = db.session.execute(
            select(CommentReport, User)
            .outerjoin(User, User.id == CommentReport.reporter_id)
            .where(CommentReport.comment_id.in_(ids), _open())
            .order_by(CommentReport.created_at.desc(), CommentReport.id.desc()))
        for report, reporter in reports:
            by_comment[report.comment_id].append((report, reporter))
    items = [ReportedComment(comment=c, proposal_id=pid, proposal_title=title, count=n,
                             latest=latest, reports=by_comment[c.id])
             for c, pid, title, n, latest in rows]
    return Page(items=items, page=page, pages=pages, total=total)


def dismiss_reports(comment: Comment, actor: User) -> int:
    """Dismiss the open reports of a comment the committee leaves shown; how many."""
    if comment.is_deleted or comment.is_hidden:
        raise ProposalError("comment_gone", "this comment is no longer shown")
    resolved = resolve_reports(comment, actor)
    if not resolved:
        raise ProposalError("no_open_reports", "this comment has no open reports")
    proposal = db.session.get(Proposal, comment.proposal_id)
    record_event("comment.reports_dismiss", actor=actor,
                 community_id=proposal.community_id if proposal else None,
                 target=f"comment:{comment.id}", details={"reports": resolved})
    return resolved
