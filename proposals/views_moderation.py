"""The committee's moderation queue: reported comments, hidden or their reports dismissed."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.accounts.models import Membership
from app.context import current_member, get_community_or_404, require
from app.extensions import db
from app.pagination import clamp_page
from app.register.models import Community
from app.uow import perform
from proposals import discussion, moderation
from proposals import permissions as perm
from proposals.comment_models import Comment
from proposals.forms import ReasonForm
from proposals.views import acting, bp

QUEUE = "/c/<slug>/proposals/reports"


def _queue(community: Community) -> Response:
    page = request.args.get("page")
    return redirect(url_for("proposals.reports", slug=community.slug,
                            page=clamp_page(page) if page else None))


def _load(slug: str, comment_id: int) -> tuple[Community, Membership, Comment]:
    """The community, the moderating member and a comment on one of its proposals."""
    community = get_community_or_404(slug)
    member = current_member(community)
    require(perm.can_moderate_comment(member))
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.proposal.community_id != community.id:
        abort(404)
    require(perm.can_moderate_comment(member, comment))
    return community, acting(member), comment


@bp.route(QUEUE)
def reports(slug: str) -> str:
    """Comments with open reports across the community's proposals (the committee)."""
    community = get_community_or_404(slug)
    member = current_member(community)
    require(perm.can_moderate_comment(member))
    page = moderation.reported_comments(community.id, request.args.get("page"))
    return render_template("proposals/reports.html", community=community, queue=page)


@bp.route(QUEUE + "/<id:comment_id>/dismiss", methods=["POST"])
def dismiss_reports(slug: str, comment_id: int) -> Response:
    """Dismiss a comment's reports and leave it shown (the committee)."""
    community, member, comment = _load(slug, comment_id)
    perform(lambda: moderation.dismiss_reports(comment, member.user),
            done=_("已驳回举报，评论保持显示"))
    return _queue(community)


@bp.route(QUEUE + "/<id:comment_id>/hide", methods=["POST"])
def hide_reported(slug: str, comment_id: int) -> Response:
    """Hide a reported comment with a reason, resolving its reports (the committee)."""
    community, member, comment = _load(slug, comment_id)
    reason = ReasonForm().reason.data or ""
    perform(lambda: discussion.hide_comment(comment, member.user, reason=reason,
                                            community_id=community.id),
            done=_("评论已隐藏，相关举报已处理"))
    return _queue(community)
