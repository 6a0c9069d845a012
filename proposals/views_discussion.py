"""Discussion pages: comments, replies, edits, history, reports, moderation, leanings, files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.context import require
from app.extensions import db, limiter
from app.forms import as_choices
from proposals import attachments, discussion
from proposals import permissions as perm
from proposals.comment_models import Comment, CommentRevision
from proposals.errors import ProposalError
from proposals.forms import AttachmentForm, CommentEditForm, CommentForm, LeaningForm, ReasonForm
from proposals.models import Proposal, ProposalAttachment, ProposalOption
from proposals.ratelimit import comment_key, comment_limit
from proposals.views import attempt, bp, load

BASE = "/c/<slug>/proposals/<int:proposal_id>"


def _back(slug: str, proposal: Proposal, anchor: str = "discussion") -> Response:
    page = request.args.get("page", type=int)
    return redirect(url_for("proposals.show", slug=slug, proposal_id=proposal.id,
                            **({"page": page} if page else {}), _anchor=anchor))


def _comment_or_404(proposal: Proposal, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.proposal_id != proposal.id:
        abort(404)
    return comment


def load_comment(slug: str, proposal_id: int, comment_id: int,
                 allowed: Callable[[Any, Comment], bool]) -> tuple[Any, Any, Proposal, Comment]:
    """The community, member, proposal and one of its comments, if `allowed(member, comment)`."""
    community, member, proposal = load(slug, proposal_id)
    comment = _comment_or_404(proposal, comment_id)
    require(allowed(member, comment))
    return community, member, proposal, comment


def _option(proposal: Proposal, option_id: int | None) -> ProposalOption | None:
    if not option_id:
        return None
    for option in proposal.options:
        if option.id == option_id:
            return option
    raise ProposalError("unknown_option", "option_id: not an option of this proposal")


@bp.route(BASE + "/comments", methods=["POST"])
@limiter.shared_limit(comment_limit, scope="comment", key_func=comment_key)
def post_comment(slug: str, proposal_id: int) -> Response:
    """Post a comment, a comment on one option, or a reply."""
    community, member, proposal = load(slug, proposal_id)
    require(perm.can_comment(member, proposal, community))
    form = CommentForm()
    form.option_id.choices = as_choices([(0, "")] + [(o.id, o.title) for o in proposal.options])
    if not form.validate_on_submit():
        flash(_("请填写评论内容"), "error")
        return _back(slug, proposal)
    with attempt(_("评论已发布")) as outcome:
        parent = None
        if form.parent_id.data:
            if not form.parent_id.data.isdigit():
                abort(400)
            parent = _comment_or_404(proposal, int(form.parent_id.data))
        official = bool(form.official.data) and perm.can_post_official(member)
        comment = discussion.post_comment(
            proposal, member.user, role=member.role, body=form.body.data, parent=parent,
            option=_option(proposal, form.option_id.data), stance=form.stance.data or None,
            official=official)
    return _back(slug, proposal, f"comment-{comment.id}" if outcome.ok else "discussion")


@bp.route(BASE + "/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit_comment(slug: str, proposal_id: int, comment_id: int) -> str | Response:
    """Edit one's own comment; the earlier text is kept in its history."""
    community, member, proposal, comment = load_comment(slug, proposal_id, comment_id,
                                                        perm.can_edit_comment)
    form = CommentEditForm(obj=comment if request.method == "GET" else None)
    if request.method == "GET":
        form.stance.data = comment.stance.value if comment.stance else ""
    if form.validate_on_submit():
        with attempt(_("评论已修改")) as outcome:
            discussion.edit_comment(comment, member.user, body=form.body.data,
                                    stance=form.stance.data or None)
        return _back(slug, proposal, f"comment-{comment.id}" if outcome.ok else "discussion")
    return render_template("proposals/comment_edit.html", community=community,
                           proposal=proposal, comment=comment, form=form), \
        (400 if form.errors else 200)


@bp.route(BASE + "/comments/<int:comment_id>/history")
def comment_history(slug: str, proposal_id: int, comment_id: int) -> str:
    """The earlier texts of an edited comment."""
    community, _member, proposal, comment = load_comment(slug, proposal_id, comment_id,
                                                         perm.can_view_history)
    revisions = db.session.execute(select(CommentRevision).where(
        CommentRevision.comment_id == comment.id).order_by(CommentRevision.id.desc())).scalars()
    return render_template("proposals/comment_history.html", community=community,
                           proposal=proposal, comment=comment, revisions=list(revisions))


@bp.route(BASE + "/comments/<int:comment_id>/delete", methods=["POST"])
def delete_comment(slug: str, proposal_id: int, comment_id: int) -> Response:
    """Delete one's own comment, leaving a tombstone."""
    _community, member, proposal, comment = load_comment(slug, proposal_id, comment_id,
                                                         perm.can_delete_comment)
    with attempt(_("评论已删除")) as outcome:
        discussion.delete_comment(comment, member.user)
    return _back(slug, proposal, f"comment-{comment.id}" if outcome.ok else "discussion")


@bp.route(BASE + "/comments/<int:comment_id>/report", methods=["POST"])
def report_comment(slug: str, proposal_id: int, comment_id: int) -> Response:
    """Report a comment to the committee."""
    _community, member, proposal, comment = load_comment(slug, proposal_id, comment_id,
                                                         perm.can_report_comment)
    with attempt(_("已举报，业委会将处理")):
        discussion.report_comment(comment, member.user, reason=ReasonForm().reason.data or "")
    return _back(slug, proposal, f"comment-{comment.id}")


@bp.route(BASE + "/comments/<int:comment_id>/hide", methods=["POST"])
def hide_comment(slug: str, proposal_id: int, comment_id: int) -> Response:
    """Hide a comment with a reason (the committee)."""
    community, member, proposal, comment = load_comment(slug, proposal_id, comment_id,
                                                        perm.can_moderate_comment)
    with attempt(_("评论已隐藏")):
        discussion.hide_comment(comment, member.user, reason=ReasonForm().reason.data or "",
                                community_id=community.id)
    return _back(slug, proposal, f"comment-{comment.id}")


@bp.route(BASE + "/comments/<int:comment_id>/restore", methods=["POST"])
def restore_comment(slug: str, proposal_id: int, comment_id: int) -> Response:
    """Show a hidden comment again (the committee)."""
    community, member, proposal, comment = load_comment(slug, proposal_id, comment_id,
                                                        perm.can_moderate_comment)
    with attempt(_("评论已恢复显示")):
        discussion.restore_comment(comment, member.user, community_id=community.id)
    return _back(slug, proposal, f"comment-{comment.id}")


@bp.route(BASE + "/comments/<int:comment_id>/pin", methods=["POST"])
def pin_comment(slug: str, proposal_id: int, comment_id: int) -> Response:
    """Pin a committee answer as an official reply, or unpin it (?unpin=1)."""
    community, member, proposal, comment = load_comment(slug, proposal_id, comment_id,
                                                        perm.can_pin_comment)
    pinned = request.form.get("pinned", "1") != "0"
    with attempt(_("已置顶为官方回复") if pinned else _("已取消置顶")):
        discussion.pin_comment(comment, member.user, pinned=pinned, community_id=community.id)
    return _back(slug, proposal, f"comment-{comment.id}")


@bp.route(BASE + "/leaning", methods=["POST"])
def set_leaning(slug: str, proposal_id: int) -> Response:
    """Mark or withdraw the owner's non-binding leaning (意向)."""
    _community, member, proposal = load(slug, proposal_id)
    require(perm.can_lean(member, proposal))
    form = LeaningForm()
    form.option_id.choices = as_choices((o.id, o.title) for o in proposal.options)
    withdraw = request.form.get("withdraw") == "1"
    if not withdraw and not form.validate_on_submit():
        flash(_("请选择一个方案"), "error")
        return _back(slug, proposal, "leanings")
    with attempt(_("意向已撤回") if withdraw else _("意向已记录（仅供参考，不具约束力）")):
        discussion.set_leaning(proposal, member.user, owner_id=member.owner_id,
                               option=None if withdraw else _option(proposal, form.option_id.data))
    return _back(slug, proposal, "leanings")


@bp.route(BASE + "/attachments", methods=["POST"])
def upload_attachment(slug: str, proposal_id: int) -> Response:
    """Attach a quote or site plan (the committee)."""
    _community, member, proposal = load(slug, proposal_id)
    require(perm.can_manage_attachments(member, proposal))
    form = AttachmentForm()
    if not form.validate_on_submit():
        flash(_("请选择文件"), "error")
        return _back(slug, proposal, "attachments")
    upload = form.file.data
    with attempt(_("附件已上传")):
        attachments.add_attachment(proposal, member.user, filename=upload.filename or "",
                                   data=upload.read(attachments.MAX_ATTACHMENT_BYTES + 1))
    return _back(slug, proposal, "attachments")


def _attachment_or_404(proposal: Proposal, attachment_id: int) -> ProposalAttachment:
    attachment = db.session.get(ProposalAttachment, attachment_id)
    if attachment is None or attachment.proposal_id != proposal.id:
        abort(404)
    return attachment


@bp.route(BASE + "/attachments/<int:attachment_id>")
def get_attachment(slug: str, proposal_id: int, attachment_id: int) -> Response:
    """Serve an attachment to those who may see the proposal."""
    _community, _member, proposal = load(slug, proposal_id)
    attachment = _attachment_or_404(proposal, attachment_id)
    path = attachments.attachment_path(proposal.community_id, attachment)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=attachment.content_type,
                         as_attachment=attachment.content_type == "application/pdf",
                         download_name=attachment.filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route(BASE + "/attachments/<int:attachment_id>/remove", methods=["POST"])
def remove_attachment(slug: str, proposal_id: int, attachment_id: int) -> Response:
    """Remove an attachment (the committee)."""
    _community, member, proposal = load(slug, proposal_id)
    require(perm.can_manage_attachments(member, proposal))
    attachment = _attachment_or_404(proposal, attachment_id)
    with attempt(_("附件已删除")):
        attachments.remove_attachment(attachment, member.user)
    return _back(slug, proposal, "attachments")

