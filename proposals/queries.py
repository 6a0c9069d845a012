"""Read models of a proposal's page: threads, flat comment pages, stance and leaning counts.

Every function issues a fixed number of queries, whatever the size of the discussion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from proposals.comment_models import Comment, CommentReport
from proposals.models import Leaning, Proposal, ProposalAttachment, ProposalTransition

THREADS_PER_PAGE = 20
COMMENTS_PER_PAGE = 50


@dataclass
class ThreadNode:
    """A comment and its replies, official replies first."""

    comment: Comment
    replies: list[ThreadNode] = field(default_factory=list)


@dataclass
class Page:
    """One page of something paginated."""

    items: list
    page: int
    pages: int
    total: int


def _pages(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))


def _pinned_first():
    return case((Comment.pinned_at.is_(None), 1), else_=0)


def load_proposal(proposal_id: int, community_id: int) -> Proposal | None:
    """A proposal of the community with options, transitions and their actors loaded."""
    return db.session.execute(
        select(Proposal).where(Proposal.id == proposal_id, Proposal.community_id == community_id)
        .options(selectinload(Proposal.options),
                 selectinload(Proposal.transitions).joinedload(ProposalTransition.actor),
                 joinedload(Proposal.author))
    ).unique().scalar_one_or_none()


def attachments_of(proposal: Proposal) -> list[ProposalAttachment]:
    """The proposal's attachments, oldest first."""
    return list(db.session.execute(select(ProposalAttachment).where(
        ProposalAttachment.proposal_id == proposal.id).order_by(ProposalAttachment.id)).scalars())


def comment_threads(proposal: Proposal, page: int = 1,
                    per_page: int = THREADS_PER_PAGE) -> Page:
    """A page of top-level comments (official replies first) with all their replies as trees."""
    total = db.session.execute(select(func.count(Comment.id)).where(
        Comment.proposal_id == proposal.id, Comment.parent_id.is_(None))).scalar_one()
    pages = _pages(total, per_page)
    page = min(max(page, 1), pages)
    roots = list(db.session.execute(
        select(Comment).where(Comment.proposal_id == proposal.id, Comment.parent_id.is_(None))
        .options(joinedload(Comment.author))
        .order_by(_pinned_first(), Comment.pinned_at, Comment.id)
        .offset((page - 1) * per_page).limit(per_page)).scalars())
    nodes = {c.id: ThreadNode(c) for c in roots}
    if roots:
        replies = db.session.execute(
            select(Comment).where(Comment.root_id.in_(list(nodes)), Comment.parent_id.is_not(None))
            .options(joinedload(Comment.author))
            .order_by(Comment.depth, _pinned_first(), Comment.pinned_at, Comment.id)).scalars()
        for reply in replies:
            node = ThreadNode(reply)
            nodes[reply.id] = node
            parent = nodes.get(reply.parent_id)  # type: ignore[arg-type]
            if parent is not None:
                parent.replies.append(node)
    return Page(items=[nodes[c.id] for c in roots], page=page, pages=pages, total=total)


def comments_page(proposal: Proposal, page: int = 1, per_page: int = COMMENTS_PER_PAGE) -> Page:
    """A flat page of all comments in posting order (the API's view of the discussion)."""
    total = db.session.execute(select(func.count(Comment.id)).where(
        Comment.proposal_id == proposal.id)).scalar_one()
    pages = _pages(total, per_page)
    items = list(db.session.execute(
        select(Comment).where(Comment.proposal_id == proposal.id)
        .options(joinedload(Comment.author)).order_by(Comment.id)
        .offset((max(page, 1) - 1) * per_page).limit(per_page)).scalars())
    return Page(items=items, page=page, pages=pages, total=total)


def stance_summary(proposal: Proposal) -> dict[int | None, dict[str, int]]:
    """Counts of live comments per option (None = the proposal as a whole) and stance."""
    rows = db.session.execute(
        select(Comment.option_id, Comment.stance, func.count(Comment.id))
        .where(Comment.proposal_id == proposal.id, Comment.stance.is_not(None),
               Comment.deleted_at.is_(None), Comment.hidden_at.is_(None))
        .group_by(Comment.option_id, Comment.stance))
    out: dict[int | None, dict[str, int]] = {}
    for option_id, stance, count in rows:
        out.setdefault(option_id, {"support": 0, "oppose": 0, "question": 0})[stance.value] = count
    return out


def leaning_counts(proposal: Proposal) -> dict[int, int]:
    """How many owners lean to each option."""
    rows = db.session.execute(
        select(Leaning.option_id, func.count(Leaning.id))
        .where(Leaning.proposal_id == proposal.id).group_by(Leaning.option_id))
    return {option_id: count for option_id, count in rows}


def my_leaning(proposal: Proposal, owner_id: int | None) -> int | None:
    """The option the owner leans to, if any."""
    if owner_id is None:
        return None
    return db.session.execute(select(Leaning.option_id).where(
        Leaning.proposal_id == proposal.id, Leaning.owner_id == owner_id)).scalar_one_or_none()


def report_counts(comment_ids: list[int]) -> dict[int, int]:
    """How many open reports each of these comments has (for the committee)."""
    if not comment_ids:
        return {}
    rows = db.session.execute(
        select(CommentReport.comment_id, func.count(CommentReport.id))
        .where(CommentReport.comment_id.in_(comment_ids), CommentReport.resolved_at.is_(None))
        .group_by(CommentReport.comment_id))
    return {cid: count for cid, count in rows}


def thread_ids(nodes: list[ThreadNode]) -> list[int]:
    """Every comment id in these threads."""
    out: list[int] = []
    stack = list(nodes)
    while stack:
        node = stack.pop()
        out.append(node.comment.id)
        stack.extend(node.replies)
    return out
