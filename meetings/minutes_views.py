"""Minutes and result-notice actions of the committee: draft, edit, sign, publish, correct."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.models import Membership
from app.context import current_member, get_community_or_404, get_in_community_or_404, require
from app.extensions import db
from app.register.models import Community
from meetings import minutes as svc
from meetings import result_notices
from meetings.errors import MeetingError
from meetings.forms import ActionForm, MinutesForm, NoticeForm
from meetings.models import Minutes
from meetings.permissions import (
    can_correct_minutes,
    can_draft_minutes,
    can_edit_minutes,
    can_publish_minutes,
    can_publish_notice,
)
from meetings.views import attempt, bp, load_meeting
from proposals.models import Proposal


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


def load_proposal(community: Community, proposal_id: int) -> Proposal:
    """A proposal of this community, or 404."""
    return get_in_community_or_404(Proposal, proposal_id, community)


def _to_minutes(slug: str, minutes_id: int) -> Response:
    return redirect(url_for("meetings.minutes_view", slug=slug, minutes_id=minutes_id))


def _drafted(slug: str, draft: Callable[[], Minutes], refused_url: str) -> Response:
    """Draft minutes on a confirmed POST: to their editor, or back with the refusal."""
    if not ActionForm().validate_on_submit():
        abort(400)
    with attempt() as outcome:
        minutes = draft()
    if not outcome.ok:
        return redirect(refused_url)
    return redirect(url_for("meetings.minutes_edit", slug=slug, minutes_id=minutes.id))


@bp.route("/c/<slug>/meetings/<int:meeting_id>/minutes", methods=["POST"])
def minutes_from_meeting(slug: str, meeting_id: int) -> Response:
    """Draft the minutes of a meeting automatically."""
    community = get_community_or_404(slug)
    require(can_draft_minutes(current_member(community)))
    meeting = load_meeting(community, meeting_id)
    return _drafted(slug, lambda: svc.draft_meeting_minutes(meeting, actor=current_user),
                    url_for("meetings.meeting_detail", slug=slug, meeting_id=meeting_id))


@bp.route("/c/<slug>/minutes/from-proposal/<int:proposal_id>", methods=["POST"])
def minutes_from_proposal(slug: str, proposal_id: int) -> Response:
    """Draft minutes of a vote held outside a meeting."""
    community = get_community_or_404(slug)
    require(can_draft_minutes(current_member(community)))
    proposal = load_proposal(community, proposal_id)
    return _drafted(slug, lambda: svc.draft_proposal_minutes(proposal, actor=current_user),
                    url_for("meetings.decisions", slug=slug))


@bp.route("/c/<slug>/minutes/<int:minutes_id>/edit", methods=["GET", "POST"])
def minutes_edit(slug: str, minutes_id: int) -> str | Response:
    """Edit draft minutes; each save is a revision."""
    community, _member, minutes = minutes_allowed(slug, minutes_id, can_edit_minutes)
    form = MinutesForm(data={"text": minutes.text})
    if form.validate_on_submit():
        try:
            svc.edit_minutes(minutes, form.text.data, actor=current_user, note=form.note.data)
            db.session.commit()
            flash(_("已保存新版本"), "success")
            return _to_minutes(slug, minutes.id)
        except MeetingError as error:
            form.text.errors.append(error.message)
    return render_template("meetings/minutes_edit.html", community=community, minutes=minutes,
                           form=form), (400 if form.errors else 200)


@bp.route("/c/<slug>/minutes/<int:minutes_id>/sign", methods=["POST"])
def minutes_sign(slug: str, minutes_id: int) -> Response:
    """Sign the current text of draft minutes."""
    _community, member, minutes = minutes_allowed(slug, minutes_id, can_edit_minutes)
    if ActionForm().validate_on_submit():
        with attempt(_("已签名")):
            svc.sign_minutes(minutes, actor=current_user, role=member.role)
    return _to_minutes(slug, minutes_id)


@bp.route("/c/<slug>/minutes/<int:minutes_id>/publish", methods=["POST"])
def minutes_publish(slug: str, minutes_id: int) -> Response:
    """Publish and freeze the minutes."""
    _community, _member, minutes = minutes_allowed(slug, minutes_id, can_publish_minutes)
    if ActionForm().validate_on_submit():
        with attempt(_("纪要已发布")):
            svc.publish_minutes(minutes, actor=current_user)
    return _to_minutes(slug, minutes_id)


@bp.route("/c/<slug>/minutes/<int:minutes_id>/correct", methods=["POST"])
def minutes_correct(slug: str, minutes_id: int) -> Response:
    """Start a correction: a new draft linked to the published minutes."""
    _community, _member, minutes = minutes_allowed(slug, minutes_id, can_correct_minutes)
    if not ActionForm().validate_on_submit():
        abort(400)
    correction = svc.correct_minutes(minutes, actor=current_user)
    db.session.commit()
    return redirect(url_for("meetings.minutes_edit", slug=slug, minutes_id=correction.id))


@bp.route("/c/<slug>/notices/from-proposal/<int:proposal_id>", methods=["POST"])
def notice_from_proposal(slug: str, proposal_id: int) -> Response:
    """Publish the result notice of a proposal's closed vote."""
    community = get_community_or_404(slug)
    require(can_publish_notice(current_member(community)))
    proposal = load_proposal(community, proposal_id)
    form = NoticeForm()
    if not form.validate_on_submit():
        flash(_("询异期须在 0 至 30 天之间"), "error")
        return redirect(url_for("meetings.decisions", slug=slug))
    with attempt() as outcome:
        notice = result_notices.publish_result_notice(proposal, actor=current_user,
                                               objection_days=form.objection_days.data or 0)
    if not outcome.ok:
        return redirect(url_for("meetings.decisions", slug=slug))
    return redirect(url_for("meetings.notice_view", slug=slug, notice_id=notice.id))
