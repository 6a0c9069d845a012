"""Discussion services: comments, replies, edits, tombstones, official replies, moderation,
and owners' non-binding leanings (意向). They never commit."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update

from app.accounts.models import Role, User
from app.audit.services import record_event
from app.db import utcnow
from app.extensions import db
from app.law import N_
from app.markdown import render_markdown
from app.signals import comment_posted, emit, official_reply
from proposals.comment_models import Comment, CommentReport, CommentRevision, Stance
from proposals.errors import ProposalError
from proposals.models import Leaning, Proposal, ProposalOption, ProposalState
from proposals.states import DISCUSSABLE

#: replies nest at most this deep (0 = top level): a reply to a reply to a reply
MAX_DEPTH = 3
MAX_BODY = 10000
#: longest reason of a report and of a hide
REPORT_REASON_MAX, HIDE_REASON_MAX = 2000, 500
#: `edit_comment` leaves the stance as it is unless one is given
KEEP = object()


def _body(body: object) -> str:
    if not isinstance(body, str) or not body.strip():
        raise ProposalError("empty_comment", N_("请填写评论内容"), field="body")
    body = body.strip()
    if len(body) > MAX_BODY:
        raise ProposalError("comment_too_long", N_("评论最多 %(limit)s 个字符"), field="body",
                            limit=MAX_BODY)
    return body


def comment_gone() -> ProposalError:
    """The refusal for a comment that is deleted or hidden."""
    return ProposalError("comment_gone", N_("这条评论已删除或被隐藏"))


def unknown_option() -> ProposalError:
    """The refusal for an option that is not the proposal's."""
    return ProposalError("unknown_option", N_("所选方案不属于本议题"), field="option_id")


def unknown_parent() -> ProposalError:
    """The refusal for a reply to a comment that is not the proposal's."""
    return ProposalError("unknown_parent", N_("所回复的评论不属于本议题"), field="parent_id")


def _stance(stance: object) -> Stance | None:
    if stance is None or stance == "":
        return None
    if isinstance(stance, str) and stance in set(Stance):
        return Stance(stance)
    raise ProposalError("invalid_stance", N_("立场只能是支持、反对或提问"), field="stance")


def post_comment(proposal: Proposal, actor: User, *, role: Role | str, body: object,
                 parent: Comment | None = None, option: ProposalOption | None = None,
                 stance: object = None, official: bool = False) -> Comment:
    """Post a comment on the proposal, on one option, or as a reply to a comment."""
    if proposal.state not in DISCUSSABLE:
        raise ProposalError("discussion_closed", N_("本议题的讨论已关闭"), status=409)
    if option is not None and option.proposal_id != proposal.id:
        raise unknown_option()
    depth = 0
    root_id = None
    if parent is not None:
        if parent.proposal_id != proposal.id:
            raise unknown_parent()
        if parent.depth >= MAX_DEPTH:
            raise ProposalError("reply_too_deep", N_("回复层级已达上限，请回复上一层评论"))
        depth = parent.depth + 1
        root_id = parent.root_id or parent.id
        if option is None and parent.option_id is not None:
            option = db.session.get(ProposalOption, parent.option_id)
    role_value = Role(role).value
    if official and role_value not in (Role.COMMITTEE.value, Role.ADMIN.value):
        raise ProposalError("not_committee", N_("只有业委会可以发布官方回复"),
                            field="official")
    text = _body(body)
    comment = Comment(proposal_id=proposal.id, option_id=option.id if option else None,
                      parent_id=parent.id if parent else None, root_id=root_id, depth=depth,
                      author_id=actor.id, author_role=role_value, stance=_stance(stance),
                      body=text, body_html=str(render_markdown(text)),
                      pinned_at=utcnow() if official else None)
    db.session.add(comment)
    db.session.flush()
    if comment.root_id is None:
        comment.root_id = comment.id
        db.session.flush()
    emit(comment_posted, comment=comment, actor=actor)
    if official:
        record_event("comment.official", actor=actor, community_id=proposal.community_id,
                     target=f"comment:{comment.id}", details={"proposal_id": proposal.id})
        emit(official_reply, comment=comment, actor=actor)
    return comment


def edit_comment(comment: Comment, actor: User, *, body: object,
                 stance: object = KEEP) -> Comment:
    """Change a comment's text (and stance, when given), keeping the old text as a revision."""
    if comment.is_deleted or comment.is_hidden:
        raise comment_gone()
    text = _body(body)
    if stance is not KEEP:
        comment.stance = _stance(stance)
    if text != comment.body:
        db.session.add(CommentRevision(comment_id=comment.id, body=comment.body,
                                       editor_id=actor.id))
        comment.body = text
        comment.body_html = str(render_markdown(text))
        comment.edited_at = utcnow()
    db.session.flush()
    return comment


def delete_comment(comment: Comment, actor: User) -> Comment:
    """Delete a comment: its text goes, a tombstone keeps its place in the thread."""
    if comment.is_deleted:
        raise comment_gone()
    comment.deleted_at = utcnow()
    comment.body = ""
    comment.body_html = ""
    comment.pinned_at = None
    db.session.execute(delete(CommentRevision).where(CommentRevision.comment_id == comment.id))
    db.session.flush()
    return comment


def report_comment(comment: Comment, actor: User, *, reason: object = "") -> CommentReport:
    """Report a comment to the committee (once per member and comment)."""
    if comment.is_deleted or comment.is_hidden:
        raise comment_gone()
    reason_text = reason.strip()[:REPORT_REASON_MAX] if isinstance(reason, str) else ""
    existing = db.session.execute(select(CommentReport).where(
        CommentReport.comment_id == comment.id,
        CommentReport.reporter_id == actor.id)).scalar_one_or_none()
    if existing is not None:
        raise ProposalError("already_reported", N_("您已经举报过这条评论"))
    report = CommentReport(comment_id=comment.id, reporter_id=actor.id, reason=reason_text)
    db.session.add(report)
    db.session.flush()
    return report


def hide_comment(comment: Comment, actor: User, *, reason: object,
                 community_id: int) -> Comment:
    """Hide a comment with a reason shown in its place (the committee)."""
    if not isinstance(reason, str) or not reason.strip():
        raise ProposalError("reason_required", N_("请填写隐藏原因"), field="reason")
    if comment.is_deleted:
        raise comment_gone()
    comment.hidden_at = utcnow()
    comment.hidden_reason = reason.strip()[:HIDE_REASON_MAX]
    comment.hidden_by_id = actor.id
    comment.pinned_at = None
    resolved = resolve_reports(comment, actor)
    db.session.flush()
    record_event("comment.hide", actor=actor, community_id=community_id,
                 target=f"comment:{comment.id}",
                 details={"reason": comment.hidden_reason, "reports_resolved": resolved})
    return comment


def resolve_reports(comment: Comment, actor: User) -> int:
    """Mark the comment's open reports resolved by the actor; how many there were."""
    result = cast(CursorResult[Any], db.session.execute(
        update(CommentReport)
        .where(CommentReport.comment_id == comment.id, CommentReport.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=actor.id)
        .execution_options(synchronize_session=False)))
    return result.rowcount or 0


def restore_comment(comment: Comment, actor: User, *, community_id: int) -> Comment:
    """Show a hidden comment again (the committee)."""
    if not comment.is_hidden:
        raise ProposalError("not_hidden", N_("这条评论没有被隐藏"))
    reason = comment.hidden_reason
    comment.hidden_at = None
    comment.hidden_reason = ""
    comment.hidden_by_id = None
    db.session.flush()
    record_event("comment.restore", actor=actor, community_id=community_id,
                 target=f"comment:{comment.id}", details={"was_hidden_for": reason})
    return comment


def pin_comment(comment: Comment, actor: User, *, pinned: bool, community_id: int) -> Comment:
    """Pin a committee answer as an official reply (官方回复), or unpin it."""
    if comment.is_deleted or comment.is_hidden:
        raise comment_gone()
    if comment.author_role not in (Role.COMMITTEE.value, Role.ADMIN.value):
        raise ProposalError("not_committee", N_("只有业委会成员的回复可以置顶为官方回复"))
    comment.pinned_at = utcnow() if pinned else None
    db.session.flush()
    record_event("comment.pin" if pinned else "comment.unpin", actor=actor,
                 community_id=community_id, target=f"comment:{comment.id}")
    if pinned:
        emit(official_reply, comment=comment, actor=actor)
    return comment


def set_leaning(proposal: Proposal, actor: User, *, owner_id: int,
                option: ProposalOption | None) -> Leaning | None:
    """Mark (or, with no option, withdraw) the owner's non-binding leaning on a proposal."""
    if proposal.state != ProposalState.DELIBERATION:
        raise ProposalError("leaning_closed", N_("只有讨论阶段可以表达意向"), status=409)
    if option is not None and option.proposal_id != proposal.id:
        raise unknown_option()
    leaning = db.session.execute(select(Leaning).where(
        Leaning.proposal_id == proposal.id, Leaning.owner_id == owner_id)).scalar_one_or_none()
    if option is None:
        if leaning is not None:
            db.session.delete(leaning)
            db.session.flush()
        return None
    if leaning is None:
        leaning = Leaning(proposal_id=proposal.id, owner_id=owner_id)
        db.session.add(leaning)
    leaning.option_id = option.id
    leaning.user_id = actor.id
    db.session.flush()
    return leaning
