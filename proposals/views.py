"""Proposal pages: list, new and edit (committee), the proposal, comparison, state changes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.accounts.models import Membership
from app.context import current_member, get_community_or_404, require
from app.forms import as_choices
from app.hooks import hooks
from app.register.models import Community
from app.uow import Outcome, perform
from proposals import permissions as perm
from proposals import services
from proposals.forms import OptionForm, ProposalFields, ProposalForm, TransitionForm
from proposals.models import Proposal, ProposalOption
from proposals.moderation import open_report_count
from proposals.presenters import compare_rows, proposal_context
from proposals.queries import load_proposal, option_of
from proposals.states import MANUAL_TARGETS

bp = Blueprint("proposals", __name__)

#: every proposal page: the proposal id is a bounded id (`app.ids`), else the route is a 404
BASE = "/c/<slug>/proposals/<id:proposal_id>"

#: what a page view answers: a page, a page with its status, or a redirect
Answer = str | tuple[str, int] | Response


def load(slug: str, proposal_id: int) -> tuple[Community, Membership | None, Proposal]:
    """The community, the member and a proposal they may view (404 / 403 otherwise)."""
    community = get_community_or_404(slug)
    proposal = load_proposal(proposal_id, community.id)
    if proposal is None:
        abort(404)
    member = current_member(community)
    require(perm.can_view_proposal(member, proposal, community))
    return community, member, proposal


def acting(member: Membership | None) -> Membership:
    """The member a permission check has just let through (every check refuses None)."""
    if member is None:
        abort(403)
    return member


def form_page(template: str, form: FlaskForm, outcome: Outcome[Any] | None = None,
              **context: object) -> tuple[str, int]:
    """Re-render a form: 400 when it did not validate, the refusal's status when refused."""
    status = 400 if form.errors else 200
    if outcome is not None and outcome.error is not None:
        status = outcome.error.status
    return render_template(template, form=form, **context), status


def _to_show(community: Community, proposal: Proposal) -> Response:
    return redirect(url_for("proposals.show", slug=community.slug, proposal_id=proposal.id))


@bp.route("/c/<slug>/proposals")
def index(slug: str) -> str:
    """The proposals of a community the user may see."""
    community = get_community_or_404(slug)
    member = current_member(community)
    require(perm.can_list_proposals(member, community))
    proposals = services.visible_proposals(community, member)
    open_reports = (open_report_count(community.id) if perm.can_moderate_comment(member)
                    else None)
    return render_template("proposals/index.html", community=community, member=member,
                           proposals=proposals, can_create=perm.can_create_proposal(member),
                           open_reports=open_reports)


@bp.route("/c/<slug>/proposals/new", methods=["GET", "POST"])
def new(slug: str) -> Answer:
    """Draft a proposal with its options (the committee)."""
    community = get_community_or_404(slug)
    member = current_member(community)
    require(perm.can_create_proposal(member))
    actor = acting(member).user
    form = ProposalForm()
    form.buildings.choices = as_choices((b.name, b.name) for b in community.buildings)
    outcome = None
    if form.validate_on_submit():
        options = [entry.form.values() for entry in form.options if entry.form.title.data]
        if form.add_status_quo.data:
            options.append({"title": _("维持现状"), "is_status_quo": True,
                            "description": _("不实施本议题，保持现状。"), "cost_cny": "0"})
        outcome = perform(lambda: services.create_proposal(
            community, actor, title=form.title.data, summary=form.summary.data,
            body=form.body.data, matters=form.matters.data or [],
            scope_buildings=form.scope_buildings(), options=options,
            state="deliberation" if form.publish.data else "draft"),
            form=form, done=_("议题已保存"))
        if outcome.value is not None:
            return _to_show(community, outcome.value)
    return form_page("proposals/form.html", form, outcome, community=community, proposal=None)


@bp.route(BASE)
def show(slug: str, proposal_id: int) -> str:
    """A proposal: options, comparison, discussion, leanings, the vote panel, the timeline."""
    community, member, proposal = load(slug, proposal_id)
    context = proposal_context(community, member, proposal, page=request.args.get("page"))
    panels = [panel(community, member, proposal) for panel in hooks().proposal_panels]
    return render_template("proposals/show.html", panels=[p for p in panels if p], **context)


@bp.route(BASE + "/compare")
def compare(slug: str, proposal_id: int) -> str:
    """The options side by side, only the rows where they differ highlighted, with the
    owner's share; and the way on: the open vote's ballot, else the leaning."""
    community, member, proposal = load(slug, proposal_id)
    context = proposal_context(community, member, proposal, with_discussion=False)
    panels = [panel(community, member, proposal) for panel in hooks().proposal_panels]
    return render_template("proposals/compare.html", panels=[p for p in panels if p],
                           rows=compare_rows(proposal, context["shares"]), **context)


@bp.route(BASE + "/edit", methods=["GET", "POST"])
def edit(slug: str, proposal_id: int) -> Answer:
    """Edit the proposal's text, matters and scope (the committee, before voting)."""
    community, member, proposal = load(slug, proposal_id)
    require(perm.can_edit_proposal(member, proposal))
    actor = acting(member).user
    form = ProposalFields(obj=proposal if request.method == "GET" else None)
    form.buildings.choices = as_choices((b.name, b.name) for b in community.buildings)
    if request.method == "GET":
        form.scope.data = "all" if proposal.scope_buildings is None else "buildings"
        form.buildings.data = proposal.scope_buildings or []
    outcome = None
    if form.validate_on_submit():
        outcome = perform(lambda: services.update_proposal(
            proposal, actor, title=form.title.data, summary=form.summary.data,
            body=form.body.data, matters=form.matters.data or [],
            scope_buildings=form.scope_buildings()), form=form, done=_("议题已更新"))
        if outcome.ok:
            return _to_show(community, proposal)
    return form_page("proposals/form.html", form, outcome, community=community,
                     proposal=proposal)


def _option_or_404(proposal: Proposal, option_id: int) -> ProposalOption:
    option = option_of(proposal, option_id)
    if option is None:
        abort(404)
    return option


@bp.route(BASE + "/options/new", methods=["GET", "POST"], defaults={"option_id": None})
@bp.route(BASE + "/options/<id:option_id>/edit", methods=["GET", "POST"])
def option_form(slug: str, proposal_id: int, option_id: int | None) -> Answer:
    """Add an option, or edit one (the committee, before voting)."""
    community, member, proposal = load(slug, proposal_id)
    require(perm.can_edit_proposal(member, proposal))
    actor = acting(member).user
    option = _option_or_404(proposal, option_id) if option_id else None
    form = OptionForm(obj=option if request.method == "GET" else None)
    if not form.split_unit.data:  # an option without a split: offer yuan first
        form.split_unit.data = "amount"
    if request.method == "GET" and option is None and request.args.get("status_quo"):
        form.title.data = _("维持现状")
        form.is_status_quo.data = True
        form.cost_cny.data = "0"
    outcome: Outcome[Any] | None = None
    if form.validate_on_submit():
        values = form.values() | {"is_status_quo": form.is_status_quo.data}
        if option is None:
            outcome = perform(lambda: services.add_option(proposal, actor, **values),
                              form=form, done=_("方案已保存"))
        else:
            edited = option
            outcome = perform(lambda: services.update_option(edited, actor, **values),
                              form=form, done=_("方案已保存"))
        if outcome.ok:
            return _to_show(community, proposal)
    return form_page("proposals/option_form.html", form, outcome, community=community,
                     proposal=proposal, option=option)


@bp.route(BASE + "/options/<id:option_id>/remove", methods=["POST"])
def remove_option(slug: str, proposal_id: int, option_id: int) -> Response:
    """Remove an option from a draft (the committee)."""
    community, member, proposal = load(slug, proposal_id)
    require(perm.can_edit_proposal(member, proposal))
    actor = acting(member).user
    option = _option_or_404(proposal, option_id)
    perform(lambda: services.remove_option(option, actor), done=_("方案已删除"))
    return _to_show(community, proposal)


@bp.route(BASE + "/transition", methods=["POST"])
def transition(slug: str, proposal_id: int) -> Response:
    """Move the proposal to another state (the committee)."""
    community, member, proposal = load(slug, proposal_id)
    require(perm.can_transition_proposal(member, proposal))
    actor = acting(member).user
    form = TransitionForm()
    if not form.validate_on_submit():
        flash(_("请求无效，请重试"), "error")
    elif form.to_state.data not in {s.value for s in MANUAL_TARGETS}:
        flash(_("不能手动转到这个阶段"), "error")
    else:
        perform(lambda: services.transition_proposal(proposal, form.to_state.data, actor,
                                                     note=form.note.data or ""),
                done=_("议题阶段已更新"))
    return _to_show(community, proposal)
