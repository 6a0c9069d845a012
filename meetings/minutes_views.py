"""Minutes and result-notice actions of the committee: draft, edit, sign, publish, correct."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.models import Membership
from app.context import current_member, get_community_or_404, get_in_community_or_404, require
from app.i18n import lang_code
from app.register.models import Community
from app.uow import perform
from meetings import minutes as svc
from meetings import result_notices, sources
from meetings.errors import MeetingError
from meetings.forms import ActionForm, ConfirmNoticeForm, ConfirmPublishForm, MinutesForm
from meetings.models import Minutes
from meetings.notice_words import notice_view
from meetings.permissions import (
    can_correct_minutes,
    can_draft_minutes,
    can_edit_minutes,
    can_publish_minutes,
    can_publish_notice,
)
from meetings.render import markdown_html
from meetings.rules import MAX_OBJECTION_DAYS
from meetings.views import bp, load_meeting
from proposals.models import Proposal
from proposals.queries import load_proposal


def load_minutes(community: Community, minutes_id: int) -> Minutes:
    """Minutes of this community, or 404."""
    return get_in_community_or_404(Minutes, minutes_id, community)


def minutes_allowed(slug: str, minutes_id: int, allowed: Callable[[Any, Minutes], bool]
                    ) -> tuple[Community, Membership | None, Minutes]:
    """The community, the member and minutes of the community, if `allowed(member, minutes)`."""
    community = get_community_or_404(slug)
    minutes = load_minutes(community, minutes_id)
    member = current_member(community)
    require(allowed(member, minutes))
    return community, member, minutes


def proposal_or_404(community: Community, proposal_id: int) -> Proposal:
    """A proposal of this community (`proposals.queries.load_proposal`), or 404."""
    proposal = load_proposal(proposal_id, community.id)
    if proposal is None:
        abort(404)
    return proposal


def _to_minutes(slug: str, minutes_id: int) -> Response:
    return redirect(url_for("meetings.minutes_view", slug=slug, minutes_id=minutes_id))


def _drafted(slug: str, draft: Callable[[], Minutes], refused_url: str) -> Response:
    """Draft minutes on a confirmed POST: to their editor, or back with the refusal."""
    if not ActionForm().validate_on_submit():
        abort(400)
    outcome = perform(draft)
    if outcome.value is None:
        return redirect(refused_url)
    return redirect(url_for("meetings.minutes_edit", slug=slug, minutes_id=outcome.value.id))


@bp.route("/c/<slug>/meetings/<id:meeting_id>/minutes", methods=["POST"])
def minutes_from_meeting(slug: str, meeting_id: int) -> Response:
    """Draft the minutes of a meeting automatically."""
    community = get_community_or_404(slug)
    require(can_draft_minutes(current_member(community)))
    meeting = load_meeting(community, meeting_id)
    return _drafted(slug, lambda: svc.draft_meeting_minutes(meeting, actor=current_user),
                    url_for("meetings.meeting_detail", slug=slug, meeting_id=meeting_id))


@bp.route("/c/<slug>/minutes/from-proposal/<id:proposal_id>", methods=["POST"])
def minutes_from_proposal(slug: str, proposal_id: int) -> Response:
    """Draft minutes of a vote held outside a meeting."""
    community = get_community_or_404(slug)
    require(can_draft_minutes(current_member(community)))
    proposal = proposal_or_404(community, proposal_id)
    return _drafted(slug, lambda: svc.draft_proposal_minutes(proposal, actor=current_user),
                    url_for("meetings.decisions", slug=slug))


@bp.route("/c/<slug>/minutes/<id:minutes_id>/edit", methods=["GET", "POST"])
def minutes_edit(slug: str, minutes_id: int) -> Response | tuple[str, int]:
    """Edit draft minutes; each save is a revision."""
    community, _member, minutes = minutes_allowed(slug, minutes_id, can_edit_minutes)
    form = MinutesForm(data={"text": minutes.text})
    refused = False
    if form.validate_on_submit():
        outcome = perform(lambda: svc.edit_minutes(minutes, form.text.data, actor=current_user,
                                                   note=form.note.data or ""),
                          form=form, done=_("已保存新版本"))
        if outcome.ok:
            return _to_minutes(slug, minutes.id)
        refused = True
    return render_template("meetings/minutes_edit.html", community=community, minutes=minutes,
                           form=form), (400 if refused or form.errors else 200)


@bp.route("/c/<slug>/minutes/<id:minutes_id>/sign", methods=["POST"])
def minutes_sign(slug: str, minutes_id: int) -> Response:
    """Sign the current text of draft minutes."""
    _community, member, minutes = minutes_allowed(slug, minutes_id, can_edit_minutes)
    if member is not None and ActionForm().validate_on_submit():
        perform(lambda: svc.sign_minutes(minutes, actor=current_user, role=member.role),
                done=_("已签名"))
    return _to_minutes(slug, minutes_id)


@bp.route("/c/<slug>/minutes/<id:minutes_id>/publish", methods=["GET", "POST"])
def minutes_publish(slug: str, minutes_id: int) -> Response | str:
    """Publish and freeze the minutes, confirmed on a page that shows what becomes public and
    that it cannot be changed afterwards (GET); a POST without that confirmation is sent to it.
    """
    community, _member, minutes = minutes_allowed(slug, minutes_id, can_publish_minutes)
    form = ConfirmPublishForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return redirect(url_for("meetings.minutes_publish", slug=slug,
                                    minutes_id=minutes_id))
        perform(lambda: svc.publish_minutes(minutes, actor=current_user), done=_("纪要已发布"))
        return _to_minutes(slug, minutes_id)
    signed, total = svc.signatures_needed(minutes)
    return render_template(
        "meetings/publish_minutes.html", community=community, minutes=minutes, form=form,
        html=markdown_html(minutes.text), valid=svc.valid_signatures(minutes),
        may_publish=svc.may_publish(minutes), signed=signed, total=total)


@bp.route("/c/<slug>/minutes/<id:minutes_id>/correct", methods=["POST"])
def minutes_correct(slug: str, minutes_id: int) -> Response:
    """Start a correction: a new draft linked to the published minutes."""
    _community, _member, minutes = minutes_allowed(slug, minutes_id, can_correct_minutes)
    if not ActionForm().validate_on_submit():
        abort(400)
    outcome = perform(lambda: svc.correct_minutes(minutes, actor=current_user))
    if outcome.value is None:
        return _to_minutes(slug, minutes_id)
    return redirect(url_for("meetings.minutes_edit", slug=slug, minutes_id=outcome.value.id))


@bp.route("/c/<slug>/notices/from-proposal/<id:proposal_id>", methods=["GET", "POST"])
def result_notice_from_proposal(slug: str, proposal_id: int) -> Response | str:
    """Publish the result notice of a proposal's closed vote, confirmed on a page that shows
    the notice as it will be frozen and made public (GET `?objection_days=N`); a POST without
    that confirmation is sent to it."""
    community = get_community_or_404(slug)
    require(can_publish_notice(current_member(community)))
    proposal = proposal_or_404(community, proposal_id)
    if request.method == "GET":
        return _confirm_notice(community, proposal)
    form = ConfirmNoticeForm()
    if form.objection_days.validate(form) and not form.validate_on_submit():
        return redirect(url_for("meetings.result_notice_from_proposal", slug=slug,
                                proposal_id=proposal_id,
                                objection_days=form.objection_days.data or 0))
    if form.errors:
        flash(_("询异期须在 0 至 %(n)s 天之间", n=MAX_OBJECTION_DAYS), "error")
        return redirect(url_for("meetings.decisions", slug=slug))
    outcome = perform(lambda: result_notices.publish_result_notice(
        proposal, actor=current_user, objection_days=form.objection_days.data or 0))
    if outcome.value is None:
        return redirect(url_for("meetings.decisions", slug=slug))
    return redirect(url_for("meetings.result_notice", slug=slug, notice_id=outcome.value.id))


def _confirm_notice(community: Community, proposal: Proposal) -> Response | str:
    """The notice that publishing would freeze, and the button that publishes it."""
    form = ConfirmNoticeForm(formdata=request.args, meta={"csrf": False})
    if not form.objection_days.validate(form):
        flash(_("询异期须在 0 至 %(n)s 天之间", n=MAX_OBJECTION_DAYS), "error")
        return redirect(url_for("meetings.decisions", slug=community.slug))
    days = form.objection_days.data or 0
    try:
        vote_id, content = result_notices.preview_result_notice(proposal, objection_days=days)
    except MeetingError as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("meetings.decisions", slug=community.slug))
    lang = lang_code()
    view = notice_view(content, lang,
                       lambda other: sources.reasons_for_notice(vote_id, content, other))
    confirm = ConfirmNoticeForm(formdata=None, objection_days=days)
    return render_template("meetings/publish_notice.html", community=community,
                           proposal=proposal, c=content, v=view, lang=lang, notice=None,
                           final=False, days=days, form=confirm)
