"""Read models of a proposal's page: the proposal, threads, flat comment pages, stance and
leaning counts.

Every function issues a fixed number of queries, whatever the size of the discussion; lists
are paged with `app.pagination.paginate` (page numbers clamped to the pages there are).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Generic, TypeVar

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.pagination import paginate
from app.register.models import Community, Owner
from app.register.services import community_electorate
from proposals.comment_models import Comment, CommentReport
from proposals.models import (
    Leaning,
    Proposal,
    ProposalAttachment,
    ProposalOption,
    ProposalTransition,
)
from proposals.shares import Share, ShareBasis, compute_share, option_split

THREADS_PER_PAGE = 20
COMMENTS_PER_PAGE = 50

T = TypeVar("T")


@dataclass
class ThreadNode:
    """A comment and its replies, official replies first."""

    comment: Comment
    replies: list[ThreadNode] = field(default_factory=list)


@dataclass
class Page(Generic[T]):
    """One page of something paginated (what the `pager` macro renders)."""

    items: list[T]
    page: int
    #: at least 1, also for an empty list
    pages: int
    total: int

    @classmethod
    def of(cls, result: Pagination, items: Sequence[T]) -> Page[T]:
        """The page `paginate` found, with its rows turned into `items`."""
        return cls(items=list(items), page=result.page, pages=max(1, result.pages or 0),
                   total=result.total or 0)


def _pinned_first() -> ColumnElement[int]:
    return case((Comment.pinned_at.is_(None), 1), else_=0)


def load_proposal(proposal_id: int, community_id: int | None) -> Proposal | None:
    """The one loader of a proposal: with its community, options, transitions and author.

    `community_id` is the community in the URL: a proposal of another community is None.
    Only the API, whose URLs name no community, passes None and then checks the caller's
    membership of the proposal's own community.
    """
    query = (select(Proposal).where(Proposal.id == proposal_id)
             .options(joinedload(Proposal.community), selectinload(Proposal.options),
                      selectinload(Proposal.transitions).joinedload(ProposalTransition.actor),
                      joinedload(Proposal.author)))
    if community_id is not None:
        query = query.where(Proposal.community_id == community_id)
    proposal: Proposal | None = db.session.execute(query).unique().scalar_one_or_none()
    return proposal


def option_of(proposal: Proposal, option_id: int | None) -> ProposalOption | None:
    """One of the proposal's options by id (None when it has no such option)."""
    return next((o for o in proposal.options if o.id == option_id), None)


def comment_of(proposal: Proposal, comment_id: int) -> Comment | None:
    """One of the proposal's comments by id (None for another proposal's)."""
    comment = db.session.get(Comment, comment_id)
    return comment if comment is not None and comment.proposal_id == proposal.id else None


def attachment_of(proposal: Proposal, attachment_id: int) -> ProposalAttachment | None:
    """One of the proposal's attachments by id (None for another proposal's)."""
    attachment = db.session.get(ProposalAttachment, attachment_id)
    if attachment is None or attachment.proposal_id != proposal.id:
        return None
    return attachment


def attachments_of(proposal: Proposal) -> list[ProposalAttachment]:
    """The proposal's attachments, oldest first."""
    return list(db.session.execute(select(ProposalAttachment).where(
        ProposalAttachment.proposal_id == proposal.id).order_by(ProposalAttachment.id)).scalars())


def comment_threads(proposal: Proposal, page: object = 1,
                    per_page: int = THREADS_PER_PAGE) -> Page[ThreadNode]:
    """A page of top-level comments (official replies first) with all their replies as trees.

    Three queries: the roots, their count, and every reply of those roots.
    """
    result = paginate(
        select(Comment).where(Comment.proposal_id == proposal.id, Comment.parent_id.is_(None))
        .options(joinedload(Comment.author))
        .order_by(_pinned_first(), Comment.pinned_at, Comment.id), page, per_page)
    roots: list[Comment] = list(result.items)
    nodes = {c.id: ThreadNode(c) for c in roots}
    if roots:
        replies = db.session.execute(
            select(Comment).where(Comment.root_id.in_(list(nodes)), Comment.parent_id.is_not(None))
            .options(joinedload(Comment.author))
            .order_by(Comment.depth, _pinned_first(), Comment.pinned_at, Comment.id)).scalars()
        for reply in replies:
            node = ThreadNode(reply)
            nodes[reply.id] = node
            parent = nodes.get(reply.parent_id) if reply.parent_id is not None else None
            if parent is not None:
                parent.replies.append(node)
    return Page.of(result, [nodes[c.id] for c in roots])


def comments_page(proposal: Proposal, page: object = 1,
                  per_page: int = COMMENTS_PER_PAGE) -> Page[Comment]:
    """A flat page of all comments in posting order (the API's view of the discussion)."""
    result = paginate(
        select(Comment).where(Comment.proposal_id == proposal.id)
        .options(joinedload(Comment.author)).order_by(Comment.id), page, per_page)
    return Page.of(result, list(result.items))


def stance_summary(proposal: Proposal) -> dict[int | None, dict[str, int]]:
    """Counts of live comments per option (None = the proposal as a whole) and stance."""
    rows = db.session.execute(
        select(Comment.option_id, Comment.stance, func.count(Comment.id))
        .where(Comment.proposal_id == proposal.id, Comment.stance.is_not(None),
               Comment.deleted_at.is_(None), Comment.hidden_at.is_(None))
        .group_by(Comment.option_id, Comment.stance))
    out: dict[int | None, dict[str, int]] = {}
    for option_id, stance, count in rows:
        if stance is not None:
            out.setdefault(option_id, {"support": 0, "oppose": 0, "question": 0})[stance.value] \
                = count
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
    option_id: int | None = db.session.execute(select(Leaning.option_id).where(
        Leaning.proposal_id == proposal.id, Leaning.owner_id == owner_id)).scalar_one_or_none()
    return option_id


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


def share_basis(community: Community, proposal: Proposal, owner: Owner) -> ShareBasis:
    """The owner's area and the total area in the proposal's scope, from the register."""
    electorate = community_electorate(community, proposal.scope_buildings)
    elector = electorate.by_ref().get(owner.owner_ref)
    if elector is None:
        return ShareBasis(False, Decimal(0), electorate.area_m2)
    return ShareBasis(True, elector.area_m2, electorate.area_m2)


def shares_for(community: Community, proposal: Proposal,
               owner: Owner | None) -> tuple[ShareBasis | None, dict[int, Share]]:
    """The basis and each option's share for this owner; (None, {}) for a non-owner."""
    if owner is None:
        return None, {}
    basis = share_basis(community, proposal, owner)
    return basis, {o.id: compute_share(o.id, o.cost_cny, o.funding_source, basis,
                                       option_split(o))
                   for o in proposal.options}
