"""Meeting pages for the committee: list, schedule, agenda, notice, attendance with quorum."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from app.accounts.models import User
from app.context import current_member, get_community_or_404, get_in_community_or_404, require
from app.extensions import db
from app.forms import as_choices
from app.i18n import lang_code, local_to_utc
from app.law import MeetingKind, describe_quorum
from app.register.models import Community, Owner
from app.uow import perform
from meetings import services
from meetings.forms import ActionForm, AgendaForm, AttendanceForm, CancelForm, MeetingForm
from meetings.minutes import current_minutes
from meetings.models import Meeting
from meetings.permissions import can_manage_meetings, can_view_meetings
from proposals.models import Proposal, ProposalState
from proposals.queries import load_proposal

bp = Blueprint("meetings", __name__)


def load_meeting(community: Community, meeting_id: int) -> Meeting:
    """A meeting of this community, or 404 (never another community's)."""
    return get_in_community_or_404(Meeting, meeting_id, community)


def managed_meeting(slug: str, meeting_id: int) -> tuple[Community, Meeting]:
    """The community and one of its meetings, for those who manage meetings (403 / 404)."""
    community = get_community_or_404(slug)
    require(can_manage_meetings(current_member(community)))
    return community, load_meeting(community, meeting_id)


def _to_meeting(slug: str, meeting_id: int) -> Response:
    return redirect(url_for("meetings.meeting_detail", slug=slug, meeting_id=meeting_id))


@bp.route("/c/<slug>/meetings")
def meeting_list(slug: str) -> str:
    """The community's meetings, newest first."""
    community = get_community_or_404(slug)
    member = current_member(community)
    require(can_view_meetings(member))
    meetings = db.session.execute(select(Meeting).where(Meeting.community_id == community.id)
                                  .order_by(Meeting.starts_at.desc())).scalars().all()
    return render_template("meetings/list.html", community=community, meetings=meetings,
                           can_manage=can_manage_meetings(member))


@bp.route("/c/<slug>/meetings/new", methods=["GET", "POST"])
def meeting_new(slug: str) -> Response | tuple[str, int]:
    """Schedule a meeting."""
    community = get_community_or_404(slug)
    require(can_manage_meetings(current_member(community)))
    form = MeetingForm()
    refused = False
    if form.validate_on_submit():
        outcome = perform(lambda: services.schedule_meeting(
            community, kind=form.kind.data, title=form.title.data,
            starts_at=local_to_utc(form.starts_at.data), place=form.place.data or "",
            online_url=form.online_url.data or "", temporary=form.temporary.data,
            chair_name=form.chair_name.data or "", actor=current_user), form=form)
        if outcome.value is not None:
            return _to_meeting(slug, outcome.value.id)
        refused = True
    return render_template("meetings/new.html", community=community, form=form), \
        (400 if refused or form.errors else 200)


def _agenda_choices(community: Community, meeting: Meeting) -> list[SelectChoice]:
    on = {item.proposal_id for item in meeting.agenda}
    rows = db.session.execute(select(Proposal).where(
        Proposal.community_id == community.id,
        Proposal.state.in_([ProposalState.DRAFT, ProposalState.DELIBERATION]))
        .order_by(Proposal.id.desc())).scalars()
    return as_choices((p.id, p.title) for p in rows if p.id not in on)


@bp.route("/c/<slug>/meetings/<id:meeting_id>")
def meeting_detail(slug: str, meeting_id: int) -> str:
    """A meeting: time, place, agenda, notice, and the committee's actions."""
    community = get_community_or_404(slug)
    member = current_member(community)
    require(can_view_meetings(member))
    meeting = load_meeting(community, meeting_id)
    agenda_form = AgendaForm()
    agenda_form.proposal_id.choices = _agenda_choices(community, meeting)
    return render_template("meetings/detail.html", community=community, meeting=meeting,
                           can_manage=can_manage_meetings(member), agenda_form=agenda_form,
                           action=ActionForm(), cancel_form=CancelForm(),
                           quorum=services.meeting_quorum(meeting),
                           quorum_words=describe_quorum(lang_code()),
                           minutes=current_minutes(meeting_id=meeting.id))


@bp.route("/c/<slug>/meetings/<id:meeting_id>/agenda", methods=["POST"])
def agenda_add(slug: str, meeting_id: int) -> Response:
    """Put a proposal on the agenda (refused after the notice)."""
    community, meeting = managed_meeting(slug, meeting_id)
    form = AgendaForm()
    form.proposal_id.choices = _agenda_choices(community, meeting)
    if form.validate_on_submit():
        proposal = load_proposal(form.proposal_id.data, community.id)
        if proposal is None:
            abort(404)
        perform(lambda: services.add_agenda_item(meeting, proposal, actor=current_user))
    elif meeting.notice_published_at is not None:
        flash(_("会议通知已发布，议程不能再更改"), "error")
    return _to_meeting(slug, meeting_id)


@bp.route("/c/<slug>/meetings/<id:meeting_id>/agenda/<id:proposal_id>/remove",
          methods=["POST"])
def agenda_remove(slug: str, meeting_id: int, proposal_id: int) -> Response:
    """Take a proposal off the agenda (refused after the notice)."""
    _community, meeting = managed_meeting(slug, meeting_id)
    if ActionForm().validate_on_submit():
        perform(lambda: services.remove_agenda_item(meeting, proposal_id, actor=current_user))
    return _to_meeting(slug, meeting_id)


@bp.route("/c/<slug>/meetings/<id:meeting_id>/held", methods=["POST"])
def meeting_held(slug: str, meeting_id: int) -> Response:
    """Record that the meeting took place."""
    _community, meeting = managed_meeting(slug, meeting_id)
    if ActionForm().validate_on_submit():
        perform(lambda: services.mark_held(meeting, actor=current_user))
    return _to_meeting(slug, meeting_id)


@bp.route("/c/<slug>/meetings/<id:meeting_id>/cancel", methods=["POST"])
def meeting_cancel(slug: str, meeting_id: int) -> Response:
    """Cancel a meeting not yet held, with a reason (refused without one)."""
    _community, meeting = managed_meeting(slug, meeting_id)
    form = CancelForm()
    if form.validate_on_submit():
        perform(lambda: services.cancel_meeting(meeting, current_user, form.reason.data),
                done=_("会议已取消"))
    else:
        flash(_("请填写取消原因"), "error")
    return _to_meeting(slug, meeting_id)


@bp.route("/c/<slug>/meetings/<id:meeting_id>/attendance", methods=["GET", "POST"])
def attendance(slug: str, meeting_id: int) -> ResponseReturnValue:
    """The attendance register with the live quorum indicator (committee)."""
    community, meeting = managed_meeting(slug, meeting_id)
    form = AttendanceForm()
    if form.validate_on_submit():
        owner = user = None
        if form.owner_ref.data:
            owner = db.session.execute(select(Owner).where(
                Owner.community_id == community.id,
                Owner.owner_ref == form.owner_ref.data.strip())).scalar_one_or_none()
            if owner is None:
                abort(404)
        elif form.user_id.data:
            user = db.session.get(User, form.user_id.data)
            if user is None:
                abort(404)
        perform(lambda: services.tick_attendance(meeting, mode=form.mode.data, owner=owner,
                                                 user=user, actor=current_user))
        return redirect(url_for("meetings.attendance", slug=slug, meeting_id=meeting_id))
    owners = db.session.execute(select(Owner).where(Owner.community_id == community.id)
                                .order_by(Owner.owner_ref)).scalars().all()
    ticked_owner = {a.owner_id: a for a in meeting.attendance if a.owner_id}
    ticked_user = {a.user_id: a for a in meeting.attendance if a.user_id}
    return render_template(
        "meetings/attendance.html", community=community, meeting=meeting, owners=owners,
        ticked_owner=ticked_owner, ticked_user=ticked_user,
        members=services.committee_members(community.id), quorum=services.meeting_quorum(meeting),
        quorum_words=describe_quorum(lang_code()),
        committee=meeting.kind == MeetingKind.COMMITTEE_MEETING, action=ActionForm(),
        form=form), 400 if request.method == "POST" else 200


@bp.route("/c/<slug>/meetings/<id:meeting_id>/attendance/<id:attendance_id>/remove",
          methods=["POST"])
def attendance_remove(slug: str, meeting_id: int, attendance_id: int) -> Response:
    """Undo a mistaken tick."""
    _community, meeting = managed_meeting(slug, meeting_id)
    if ActionForm().validate_on_submit():
        perform(lambda: services.untick_attendance(meeting, attendance_id, actor=current_user))
    return redirect(url_for("meetings.attendance", slug=slug, meeting_id=meeting_id))
