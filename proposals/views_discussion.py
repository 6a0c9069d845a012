"""Discussion pages: comments, replies, edits, history, reports, moderation, leanings, files."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from app import storage
from app.accounts.models import Membership
from app.context import require
from app.extensions import db, limiter
from app.forms import as_choices
from app.pagination import clamp_page
from app.register.models import Community
from app.uow import perform
from proposals import attachments, discussion
from proposals import permissions as perm
from proposals.comment_models import Comment, CommentRevision
from proposals.discussion import unknown_option
from proposals.forms import AttachmentForm, CommentEditForm, CommentForm, LeaningForm, ReasonForm
from proposals.models import Proposal, ProposalAttachment, ProposalOption
from proposals.queries import attachment_of, comment_of, option_of
from proposals.ratelimit import comment_key, comment_limit
from proposals.views import BASE, Answer, acting, bp, form_page, load

#: a permission predicate over the member and one comment
CommentCheck = Callable[[Membership | None, Comment], bool]


def _back(slug: str, proposal: Proposal, anchor: str = "discussion") -> Response:
    """Back to the proposal page (the discussion page the request came from), at `anchor`."""
    page = request.args.get("page")
    return redirect(url_for("proposals.show", slug=slug, proposal_id=proposal.id,
                            page=clamp_page(page) if page else None, _anchor=anchor))


def _comment_or_404(proposal: Proposal, comment_id: int) -> Comment:
    comment = comment_of(proposal, comment_id)
    if comment is None:
        abort(404)
    return comment


def load_comment(slug: str, proposal_id: int, comment_id: int, allowed: CommentCheck
                 ) -> tuple[Community, Membership, Proposal, Comment]:
    """The community, member, proposal and one of its comments, if `allowed(member, comment)`."""
    community, member, proposal = load(slug, proposal_id)
    comment = _comment_or_404(proposal, comment_id)
    require(allowed(member, comment))
    return community, acting(member), proposal, comment


def _option(proposal: Proposal, option_id: int | None) -> ProposalOption | None:
    """The chosen option (none for 0 / nothing); a refusal for another proposal's."""
    if not option_id:
        return None
    option = option_of(proposal, option_id)
    if option is None:
        raise unknown_option()
    return option


@bp.route(BASE + "/comments", methods=["POST"])
@limiter.shared_limit(comment_limit, scope="comment", key_func=comment_key)
def post_comment(slug: str, proposal_id: int) -> Response:
    """Post a comment, a comment on one option, or a reply."""
    community, member, proposal = load(slug, proposal_id)
    require(perm.can_comment(member, proposal, community))
    poster = acting(member)
    form = CommentForm()
    form.option_id.choices = as_choices([(0, "")] + [(o.id, o.title) for o in proposal.options])
    if not form.validate_on_submit():
        flash(_("请填写评论内容"), "error")
        return _back(slug, proposal)
    parent = _comment_or_404(proposal, form.parent_id.data) if form.parent_id.data else None
    official = bool(form.official.data) and perm.can_post_official(poster)
    outcome = perform(lambda: discussion.post_comment(
        proposal, poster.user, role=poster.role, body=form.body.data, parent=parent,
        option=_option(proposal, form.option_id.data), stance=form.stance.data or None,
        official=official), done=_("评论已发布"))
    return _back(slug, proposal,
                 f"comment-{outcome.value.id}" if outcome.value is not None else "discussion")


@bp.route(BASE + "/comments/<id:comment_id>/edit", methods=["GET", "POST"])
def edit_comment(slug: str, proposal_id: int, comment_id: int) -> Answer:
    """Edit one's own comment; the earlier text is kept in its history."""
    community, member, proposal, comment = load_comment(slug, proposal_id, comment_id,
                                                        perm.can_edit_comment)
    form = CommentEditForm(obj=comment if request.method == "GET" else None)
    if request.method == "GET":
        form.stance.data = comment.stance.value if comment.stance else ""
    outcome = None
    if form.validate_on_submit():
        outcome = perform(lambda: discussion.edit_comment(
            comment, member.user, body=form.body.data, stance=form.stance.data or None),
            form=form, done=_("评论已修改"))
        if outcome.ok:
            return _back(slug, proposal, f"comment-{comment.id}")
    return form_page("proposals/comment_edit.html", form, outcome, community=community,
                     proposal=proposal, comment=comment)


@bp.route(BASE + "/comments/<id:comment_id>/history")
def comment_history(slug: str, proposal_id: int, comment_id: int) -> str:
    """The earlier texts of an edited comment."""
    community, _member, proposal, comment = load_comment(slug, proposal_id, comment_id,
                                                         perm.can_view_history)
    revisions = db.session.execute(select(CommentRevision).where(
        CommentRevision.comment_id == comment.id).order_by(CommentRevision.id.desc())).scalars()
    return render_template("proposals/comment_history.html", community=community,
                           proposal=proposal, comment=comment, revisions=list(revisions))


@bp.route(BASE + "/comments/<id:comment_id>/delete", methods=["POST"])
def delete_comment(slug: str, proposal_id: int, comment_id: int) -> Response:
    """Delete one's own comment, leaving a tombstone."""
    _community, member, proposal, comment = load_comment(slug, proposal_id, comment_id,
                                                         perm.can_delete_comment)
    outcome = perform(lambda: discussion.delete_comment(comment, member.user),
                      done=_("评论已删除"))
    return _back(slug, proposal, f"comment-{comment.id}" if outcome.ok else "discussion")


@bp.route(BASE + "/comments/<id:comment_id>/report", methods=["POST"])
def report_comment(slug: str, proposal_id: int, comment_id: int) -> Response:
    """Report a comment to the committee."""
    _community, member, proposal, comment = load_comment(slug, proposal_id, comment_id,
                                                         perm.can_report_comment)
    reason = ReasonForm().reason.data or ""
    perform(lambda: discussion.report_comment(comment, member.user, reason=reason),
            done=_("已举报，业委会将处理"))
    return _back(slug, proposal, f"comment-{comment.id}")


@bp.route(BASE + "/comments/<id:comment_id>/hide", methods=["POST"])
def hide_comment(slug: str, proposal_id: int, comment_id: int) -> Response:
    """Hide a comment with a reason (the committee)."""
    community, member, proposal, comment = load_comment(slug, proposal_id, comment_id,
                                                        perm.can_moderate_comment)
    reason = ReasonForm().reason.data or ""
    perform(lambda: discussion.hide_comment(comment, member.user, reason=reason,
                                            community_id=community.id),
            done=_("评论已隐藏"))
    return _back(slug, proposal, f"comment-{comment.id}")


@bp.route(BASE + "/comments/<id:comment_id>/restore", methods=["POST"])
def restore_comment(slug: str, proposal_id: int, comment_id: int) -> Response:
    """Show a hidden comment again (the committee)."""
    community, member, proposal, comment = load_comment(slug, proposal_id, comment_id,
                                                        perm.can_moderate_comment)
    perform(lambda: discussion.restore_comment(comment, member.user, community_id=community.id),
            done=_("评论已恢复显示"))
    return _back(slug, proposal, f"comment-{comment.id}")


@bp.route(BASE + "/comments/<id:comment_id>/pin", methods=["POST"])
def pin_comment(slug: str, proposal_id: int, comment_id: int) -> Response:
    """Pin a committee answer as an official reply, or unpin it (pinned=0)."""
    community, member, proposal, comment = load_comment(slug, proposal_id, comment_id,
                                                        perm.can_pin_comment)
    pinned = request.form.get("pinned", "1") != "0"
    perform(lambda: discussion.pin_comment(comment, member.user, pinned=pinned,
                                           community_id=community.id),
            done=_("已置顶为官方回复") if pinned else _("已取消置顶"))
    return _back(slug, proposal, f"comment-{comment.id}")


@bp.route(BASE + "/leaning", methods=["POST"])
def set_leaning(slug: str, proposal_id: int) -> Response:
    """Mark or withdraw the owner's non-binding leaning (意向)."""
    _community, member, proposal = load(slug, proposal_id)
    require(perm.can_lean(member, proposal))
    owner = acting(member)
    form = LeaningForm()
    form.option_id.choices = as_choices((o.id, o.title) for o in proposal.options)
    withdraw = request.form.get("withdraw") == "1"
    if not withdraw and not form.validate_on_submit():
        flash(_("请选择一个方案"), "error")
        return _back(slug, proposal, "leanings")
    owner_id = owner.owner_id
    if owner_id is None:  # can_lean lets only owners linked to the register through
        abort(403)
    perform(lambda: discussion.set_leaning(
        proposal, owner.user, owner_id=owner_id,
        option=None if withdraw else _option(proposal, form.option_id.data)),
        done=_("意向已撤回") if withdraw else _("意向已记录（仅供参考，不具约束力）"))
    return _back(slug, proposal, "leanings")


@bp.route(BASE + "/attachments", methods=["POST"])
def upload_attachment(slug: str, proposal_id: int) -> Response:
    """Attach a quote or site plan (the committee)."""
    _community, member, proposal = load(slug, proposal_id)
    require(perm.can_manage_attachments(member, proposal))
    actor = acting(member).user
    form = AttachmentForm()
    if not form.validate_on_submit():
        flash(_("请选择文件"), "error")
        return _back(slug, proposal, "attachments")
    upload = form.file.data
    data = upload.read(attachments.MAX_ATTACHMENT_BYTES + 1)
    perform(lambda: attachments.add_attachment(proposal, actor, filename=upload.filename or "",
                                               data=data),
            done=_("附件已上传"))
    return _back(slug, proposal, "attachments")


def _attachment_or_404(proposal: Proposal, attachment_id: int) -> ProposalAttachment:
    attachment = attachment_of(proposal, attachment_id)
    if attachment is None:
        abort(404)
    return attachment


@bp.route(BASE + "/attachments/<id:attachment_id>")
def get_attachment(slug: str, proposal_id: int, attachment_id: int) -> Response:
    """Serve an attachment to those who may see the proposal, named by its detected type."""
    _community, _member, proposal = load(slug, proposal_id)
    attachment = _attachment_or_404(proposal, attachment_id)
    path = storage.path_of(attachments.attachment_file(attachment))
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=attachment.content_type,
                         as_attachment=attachment.content_type == "application/pdf",
                         download_name=attachment.download_name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route(BASE + "/attachments/<id:attachment_id>/remove", methods=["POST"])
def remove_attachment(slug: str, proposal_id: int, attachment_id: int) -> Response:
    """Remove an attachment (the committee)."""
    _community, member, proposal = load(slug, proposal_id)
    require(perm.can_manage_attachments(member, proposal))
    actor = acting(member).user
    attachment = _attachment_or_404(proposal, attachment_id)
    perform(lambda: attachments.remove_attachment(attachment, actor), done=_("附件已删除"))
    return _back(slug, proposal, "attachments")
