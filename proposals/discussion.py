"""Discussion services: comments, replies, edits, tombstones, official replies, moderation,
and owners' non-binding leanings (意向). They never commit."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from app import signals
from app.accounts.models import Role, User
from app.audit.services import record_event
from app.db import utcnow
from app.extensions import db
from app.markdown import render_markdown
from proposals.comment_models import Comment, CommentReport, CommentRevision, Stance
from proposals.errors import ProposalError
from proposals.models import Leaning, Proposal, ProposalOption, ProposalState
from proposals.states import DISCUSSABLE

#: replies nest at most this deep (0 = top level): a reply to a reply to a reply
MAX_DEPTH = 3
MAX_BODY = 10000


def _body(body: object) -> str:
    if not isinstance(body, str) or not body.strip():
        raise ProposalError("empty_comment", "body: write something")
    body = body.strip()
    if len(body) > MAX_BODY:
        raise ProposalError("comment_too_long", f"body: at most {MAX_BODY} characters")
    return body


def _stance(stance: object) -> Stance | None:
    if stance in (None, ""):
        return None
    try:
        return Stance(stance)
    except ValueError:
        raise ProposalError("invalid_stance", "stance: support, oppose or question") from None


def post_comment(proposal: Proposal, actor: User, *, role: Role | str, body: object,
                 parent: Comment | None = None, option: ProposalOption | None = None,
                 stance: object = None, official: bool = False) -> Comment:
    """Post a comment on the proposal, on one option, or as a reply to a comment."""
    if proposal.state not in DISCUSSABLE:
        raise ProposalError("discussion_closed", "the discussion of this proposal is closed")
    if option is not None and option.proposal_id != proposal.id:
        raise ProposalError("unknown_option", "option_id: not an option of this proposal")
    depth = 0
    root_id = None
    if parent is not None:
        if parent.proposal_id != proposal.id:
            raise ProposalError("unknown_parent", "parent_id: not a comment of this proposal")
        if parent.depth >= MAX_DEPTH:
            raise ProposalError("reply_too_deep", "replies nest at most three levels")
        depth = parent.depth + 1
        root_id = parent.root_id or parent.id
        if option is None and parent.option_id is not None:
            option = db.session.get(ProposalOption, parent.option_id)
    role_value = Role(role).value
    if official and role_value not in (Role.COMMITTEE.value, Role.ADMIN.value):
        raise ProposalError("not_committee", "only the committee posts official replies")
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
    if official:
        record_event("comment.official", actor=actor, community_id=proposal.community_id,
                     target=f"comment:{comment.id}", details={"proposal_id": proposal.id})
    signals.emit(signals.comment_posted, comment=comment, actor=actor)
    return comment


def edit_comment(comment: Comment, actor: User, *, body: object,
                 stance: object = ...) -> Comment:  # type: ignore[assignment]
    """Change a comment's text, keeping the previous text as a revision."""
    if comment.is_deleted or comment.is_hidden:
        raise ProposalError("comment_gone", "this comment can no longer be edited")
    text = _body(body)
    if stance is not ...:
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
        raise ProposalError("comment_gone", "this comment is already deleted")
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
        raise ProposalError("comment_gone", "this comment is no longer shown")
    reason_text = reason.strip()[:2000] if isinstance(reason, str) else ""
    existing = db.session.execute(select(CommentReport).where(
        CommentReport.comment_id == comment.id,
        CommentReport.reporter_id == actor.id)).scalar_one_or_none()
    if existing is not None:
        raise ProposalError("already_reported", "you have already reported this comment")
    report = CommentReport(comment_id=comment.id, reporter_id=actor.id, reason=reason_text)
    db.session.add(report)
    db.session.flush()
    return report


def hide_comment(comment: Comment, actor: User, *, reason: object,
                 community_id: int) -> Comment:
    """Hide a comment with a reason shown in its place (the committee)."""
    if not isinstance(reason, str) or not reason.strip():
        raise ProposalError("reason_required", "reason: say why the comment is hidden")
    if comment.is_deleted:
        raise ProposalError("comment_gone", "this comment is deleted")
    comment.hidden_at = utcnow()
    comment.hidden_reason = reason.strip()[:500]
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
    result = db.session.execute(
        update(CommentReport)
        .where(CommentReport.comment_id == comment.id, CommentReport.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=actor.id)
        .execution_options(synchronize_session=False))
    return result.rowcount or 0


def restore_comment(comment: Comment, actor: User, *, community_id: int) -> Comment:
    """Show a hidden comment again (the committee)."""
    if not comment.is_hidden:
        raise ProposalError("not_hidden", "this comment is not hidden")
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
        raise ProposalError("comment_gone", "this comment is not shown")
    if comment.author_role not in (Role.COMMITTEE.value, Role.ADMIN.value):
        raise ProposalError("not_committee", "only committee answers are official replies")
    comment.pinned_at = utcnow() if pinned else None
    db.session.flush()
    record_event("comment.pin" if pinned else "comment.unpin", actor=actor,
                 community_id=community_id, target=f"comment:{comment.id}")
    if pinned:
        signals.emit(signals.official_reply, comment=comment, actor=actor)
    return comment


def set_leaning(proposal: Proposal, actor: User, *, owner_id: int,
                option: ProposalOption | None) -> Leaning | None:
    """Mark (or, with no option, withdraw) the owner's non-binding leaning on a proposal."""
    if proposal.state != ProposalState.DELIBERATION:
        raise ProposalError("leaning_closed", "leanings are taken only during deliberation")
    if option is not None and option.proposal_id != proposal.id:
        raise ProposalError("unknown_option", "option: not an option of this proposal")
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
