"""Turnout pages: the committee's dashboard of a vote, a building's outstanding owners (the
committee and that building's volunteers), its door-to-door sheet (PDF), the visit log, the
volunteers' assignments.

Each view: load (404 for what is not the community's) -> permission -> form -> one service
-> respond. Choices are never read or shown here.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Membership
from app.context import (
    current_member,
    get_community_or_404,
    get_in_community_or_404,
    membership_of,
    require,
)
from app.extensions import db
from app.forms import as_choices
from app.i18n import format_area, format_count, lang_code
from app.law import QUORUM, describe_quorum, describe_share
from app.register.models import Building, Community
from app.uow import perform
from turnout import charts
from turnout import permissions as perm
from turnout.forms import OUTCOME_LABELS, AssignVolunteerForm, ConfirmForm, VisitForm
from turnout.models import VisitOutcome, VolunteerAssignment
from turnout.services import (
    assign_volunteer,
    building_in_vote,
    last_reminders,
    log_visit,
    outstanding,
    remind_building,
    remove_volunteer,
    turnout_over_time,
    unreached_electors,
    visits_by_elector,
    volunteer_buildings,
    vote_turnout,
)
from voting.charts import progress_bar
from voting.counting import Tally
from voting.models import Vote, VoteState
from voting.services.pages import member_by_username
from voting.views_base import admitted, load_vote

bp = Blueprint("turnout", __name__)


def missing_words(headcount: int, area: Any) -> str:
    """"还差 37 人、2,140.20 m²" (or that the quorum is reached)."""
    if not headcount and not area:
        return _("已达到%(quorum)s参与率", quorum=describe_share(QUORUM, lang_code()))
    return _("还差 %(heads)s 人、%(area)s", heads=format_count(headcount),
             area=format_area(area))


def bars(uid: str, electorate: Tally, part: Tally, met_head: bool, met_area: bool) -> list[Any]:
    """The two progress bars of a turnout (area, headcount) with the 2/3 marker."""
    two_thirds = describe_share(QUORUM, lang_code())
    return [progress_bar(f"{uid}-area", _("按面积参与"), part.area, electorate.area, QUORUM,
                         two_thirds, met_area),
            progress_bar(f"{uid}-head", _("按人数参与"), part.headcount, electorate.headcount,
                         QUORUM, two_thirds, met_head)]


@bp.route("/c/<slug>/votes/<id:vote_id>/turnout")
def dashboard(slug: str, vote_id: int) -> ResponseReturnValue:
    """A vote's turnout for the committee: overall and per building, over time, by channel."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_view_dashboard(member))
    turnout = vote_turnout(vote)
    points = turnout_over_time(vote)
    chart = charts.over_time(
        "over-time", _("参与随时间变化"), [p.day.isoformat() for p in points],
        [p.participation for p in points], turnout.electorate, _("人数"), _("面积"),
        describe_share(QUORUM, lang_code()))
    buildings = [{"b": b, "words": missing_words(b.missing.headcount, b.missing.area),
                  "bars": bars(f"b{b.building_id}", b.electorate, b.participation,
                               b.missing.headcount == 0, b.missing.area == 0)}
                 for b in turnout.buildings]
    return render_template(
        "turnout/dashboard.html", community=community, vote=vote, turnout=turnout,
        missing=missing_words(turnout.missing.headcount, turnout.missing.area),
        overall=bars("overall", turnout.electorate, turnout.participation,
                     turnout.missing.headcount == 0, turnout.missing.area == 0),
        buildings=buildings, chart=chart, points=points, quorum_words=describe_quorum(lang_code()),
        unreached=unreached_electors(vote, community), reminders=last_reminders(vote),
        remind_form=ConfirmForm(), accepting=vote.state == VoteState.OPEN,
        channel_labels={"online": _("在线"), "paper": _("纸质票"), "proxy": _("代理投票")})


def _building_access(slug: str, vote_id: int, building_id: int
                     ) -> tuple[Community, Membership, Vote, str]:
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_view_outstanding(member, building_id, volunteer_buildings(member)))
    name = building_in_vote(vote, building_id)
    if name is None:
        abort(404)
    return community, admitted(member), vote, name


def _outstanding_context(vote: Vote, building_id: int) -> dict[str, Any]:
    rows = outstanding(vote, {building_id})
    return {"rows": rows, "visits": visits_by_elector(vote, building_id),
            "outcomes": OUTCOME_LABELS}


@bp.route("/c/<slug>/votes/<id:vote_id>/turnout/buildings/<id:building_id>")
def building(slug: str, vote_id: int, building_id: int) -> ResponseReturnValue:
    """The building's outstanding owners with names and phones, and the visit log."""
    community, member, vote, name = _building_access(slug, vote_id, building_id)
    turnout = vote_turnout(vote, {building_id})
    figures = turnout.buildings[0] if turnout.buildings else None
    return render_template(
        "turnout/building.html", community=community, vote=vote, building=name,
        building_id=building_id, figures=figures, form=VisitForm(),
        words=missing_words(figures.missing.headcount, figures.missing.area) if figures else "",
        accepting=vote.state == VoteState.OPEN, is_committee=perm.can_view_dashboard(member),
        remind_form=ConfirmForm(), reminder=last_reminders(vote).get(building_id),
        **_outstanding_context(vote, building_id))


@bp.route("/c/<slug>/votes/<id:vote_id>/turnout/buildings/<id:building_id>/sheet.pdf")
def sheet(slug: str, vote_id: int, building_id: int) -> ResponseReturnValue:
    """The building's door-to-door sheet: outstanding units and owners, a tick column."""
    community, _member, vote, name = _building_access(slug, vote_id, building_id)
    html = render_template("turnout/pdf/sheet.html", community=community, vote=vote,
                           building=name, **_outstanding_context(vote, building_id))
    from weasyprint import HTML

    response = Response(HTML(string=html, base_url=request.url_root).write_pdf(),
                        mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'inline; filename="turnout-{vote.id}-{building_id}.pdf"')
    return response


@bp.route("/c/<slug>/votes/<id:vote_id>/turnout/buildings/<id:building_id>/visits",
          methods=["POST"])
def visit(slug: str, vote_id: int, building_id: int) -> ResponseReturnValue:
    """Log a visit to one of the building's owners (who and when are recorded)."""
    _community, member, vote, _name = _building_access(slug, vote_id, building_id)
    form = VisitForm()
    back = redirect(url_for("turnout.building", slug=slug, vote_id=vote_id,
                            building_id=building_id))
    if not form.validate_on_submit() or not form.elector.data.isdigit():
        abort(400)
    user = member.user
    perform(lambda: log_visit(vote, user, building_id, int(form.elector.data),
                              form.outcome.data, form.note.data or ""),
            done=_("已记录走访：%(outcome)s",
                   outcome=OUTCOME_LABELS[VisitOutcome(form.outcome.data)]))
    return back


@bp.route("/c/<slug>/votes/<id:vote_id>/turnout/buildings/<id:building_id>/remind",
          methods=["POST"])
def remind(slug: str, vote_id: int, building_id: int) -> ResponseReturnValue:
    """Remind the building's owners who have not taken part, through their channels."""
    _community, member, vote = load_vote(slug, vote_id)
    require(perm.can_remind_building(member))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    user = admitted(member).user
    perform(lambda: remind_building(vote, user, building_id),
            done=_("已发出提醒，将通过站内信、短信、邮件或微信送达尚未参与的业主"))
    if request.form.get("next") == "building":
        return redirect(url_for("turnout.building", slug=slug, vote_id=vote_id,
                                building_id=building_id))
    return redirect(url_for("turnout.dashboard", slug=slug, vote_id=vote_id))


# --- volunteers --------------------------------------------------------------------------

@bp.route("/c/<slug>/volunteers", methods=["GET", "POST"])
def volunteers(slug: str) -> ResponseReturnValue:
    """The building volunteers (楼长、网格员): assign a member to a building, or remove one."""
    community = get_community_or_404(slug)
    member = current_member(community)
    require(perm.can_manage_volunteers(member))
    actor = admitted(member).user
    form = AssignVolunteerForm()
    buildings = db.session.execute(select(Building).where(
        Building.community_id == community.id).order_by(Building.name)).scalars().all()
    form.building.choices = as_choices((b.id, b.name) for b in buildings)
    if form.validate_on_submit():
        user = member_by_username(community, form.username.data.strip())
        target = membership_of(user, community) if user is not None else None
        if target is None:
            form.username.errors = [_("此用户不是本小区成员")]
        else:
            chosen = db.session.get(Building, form.building.data)
            if chosen is None or chosen.community_id != community.id:
                abort(404)
            outcome = perform(lambda: assign_volunteer(community, actor, target, chosen),
                              form=form, done=_("已指定楼栋志愿者"))
            if outcome.ok:
                return redirect(url_for("turnout.volunteers", slug=slug))
    from turnout.services import list_assignments

    status = 400 if request.method == "POST" else 200
    return render_template("turnout/volunteers.html", community=community, form=form,
                           assignments=list_assignments(community),
                           remove_form=ConfirmForm()), status


@bp.route("/c/<slug>/volunteers/<id:assignment_id>/remove", methods=["POST"])
def remove(slug: str, assignment_id: int) -> ResponseReturnValue:
    """End a volunteer's assignment to a building."""
    community = get_community_or_404(slug)
    member = current_member(community)
    require(perm.can_manage_volunteers(member))
    assignment = get_in_community_or_404(VolunteerAssignment, assignment_id, community)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    actor = admitted(member).user
    perform(lambda: remove_volunteer(assignment, actor), done=_("已取消楼栋志愿者"))
    return redirect(url_for("turnout.volunteers", slug=slug))
