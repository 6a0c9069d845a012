"""Proposals' item on the committee desk: reported comments waiting (one query)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import Membership
from app.extensions import db
from app.hooks import DeskItem
from app.register.models import Community
from proposals.comment_models import Comment, CommentReport
from proposals.models import Proposal


def desk_items(community: Community, member: Membership | None) -> list[DeskItem]:
    """How many comments have open reports."""
    count = db.session.execute(
        select(func.count(func.distinct(CommentReport.comment_id)))
        .join(Comment, Comment.id == CommentReport.comment_id)
        .join(Proposal, Proposal.id == Comment.proposal_id)
        .where(Proposal.community_id == community.id, CommentReport.resolved_at.is_(None))
    ).scalar_one()
    if not count:
        return []
    return [DeskItem("reports", _("被举报的评论"),
                     url_for("proposals.reports", slug=community.slug),
                     _("%(n)s 条待处理", n=count))]
