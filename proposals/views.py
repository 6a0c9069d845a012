"""Proposal pages: list, new and edit (committee), the proposal, comparison, state changes."""

from __future__ import annotations

from contextlib import AbstractContextManager

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from app.context import current_member, get_community_or_404, require
from app.forms import as_choices
from app.hooks import hooks
from app.register.models import Community
from app.web.actions import Outcome, committed
from proposals import permissions as perm
from proposals import services
from proposals.errors import ProposalError
from proposals.forms import OptionForm, ProposalFields, ProposalForm, TransitionForm
from proposals.models import Proposal, ProposalOption
from proposals.moderation import open_report_count
from proposals.presenters import compare_rows, proposal_context
from proposals.queries import load_proposal
from proposals.vocabulary import error_text

bp = Blueprint("proposals", __name__)

def load(slug: str, proposal_id: int) -> tuple[Community, object, Proposal]:
    """The community, the member and a proposal they may view (404 / 403 otherwise)."""
    community = get_community_or_404(slug)
    proposal = load_proposal(proposal_id, community.id)
    if proposal is None:
        abort(404)
    member = current_member(community)
    require(perm.can_view_proposal(member, proposal, community))
    return community, member, proposal


def attempt(done: str | None = None) -> AbstractContextManager[Outcome]:
    """Commit the proposal service calls in the block and flash `done`, or show the refusal."""
    return committed(ProposalError, error_text, done)


def _building_choices(community: Community) -> list[SelectChoice]:
    return as_choices((b.name, b.name) for b in community.buildings)


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
def new(slug: str) -> str | Response:
    """Draft a proposal with its options (the committee)."""
    community = get_community_or_404(slug)
    member = current_member(community)
    require(perm.can_create_proposal(member))
    form = ProposalForm()
    form.buildings.choices = _building_choices(community)
    if form.validate_on_submit():
        options = [entry.form.values() for entry in form.options if entry.form.title.data]
        if form.add_status_quo.data:
            options.append({"title": _("维持现状"), "is_status_quo": True,
                            "description": _("不实施本议题，保持现状。"), "cost_cny": "0"})
        with attempt(_("议题已保存")) as outcome:
            proposal = services.create_proposal(
                community, member.user, title=form.title.data, summary=form.summary.data,
                body=form.body.data, matters=form.matters.data or [],
                scope_buildings=form.scope_buildings(), options=options,
                state="deliberation" if form.publish.data else "draft")
        if outcome.ok:
            return _to_show(community, proposal)
    return render_template("proposals/form.html", community=community, form=form,
                           proposal=None), (400 if form.errors else 200)


@bp.route("/c/<slug>/proposals/<int:proposal_id>")
def show(slug: str, proposal_id: int) -> str:
    """A proposal: options, comparison, discussion, leanings, the vote panel, the timeline."""
    community, member, proposal = load(slug, proposal_id)
    page = request.args.get("page", 1, type=int) or 1
    context = proposal_context(community, member, proposal, page=page)
    panels = [panel(community, member, proposal) for panel in hooks().proposal_panels]
    return render_template("proposals/show.html", panels=[p for p in panels if p], **context)


@bp.route("/c/<slug>/proposals/<int:proposal_id>/compare")
def compare(slug: str, proposal_id: int) -> str:
    """The options side by side, differing rows highlighted, with the owner's share."""
    community, member, proposal = load(slug, proposal_id)
    context = proposal_context(community, member, proposal, with_discussion=False)
    return render_template("proposals/compare.html",
                           rows=compare_rows(proposal, context["shares"]), **context)


@bp.route("/c/<slug>/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
def edit(slug: str, proposal_id: int) -> str | Response:
    """Edit the proposal's text, matters and scope (the committee, before voting)."""
    community, member, proposal = load(slug, proposal_id)
    require(perm.can_edit_proposal(member, proposal))
    form = ProposalFields(obj=proposal if request.method == "GET" else None)
    form.buildings.choices = _building_choices(community)
    if request.method == "GET":
        form.scope.data = "all" if proposal.scope_buildings is None else "buildings"
        form.buildings.data = proposal.scope_buildings or []
    if form.validate_on_submit():
        with attempt(_("议题已更新")) as outcome:
            services.update_proposal(proposal, member.user, title=form.title.data,
                                     summary=form.summary.data, body=form.body.data,
                                     matters=form.matters.data or [],
                                     scope_buildings=form.scope_buildings())
        if outcome.ok:
            return _to_show(community, proposal)
    return render_template("proposals/form.html", community=community, form=form,
                           proposal=proposal), (400 if form.errors else 200)


def _option_or_404(proposal: Proposal, option_id: int) -> ProposalOption:
    for option in proposal.options:
        if option.id == option_id:
            return option
    abort(404)


@bp.route("/c/<slug>/proposals/<int:proposal_id>/options/new", methods=["GET", "POST"],
          defaults={"option_id": None})
@bp.route("/c/<slug>/proposals/<int:proposal_id>/options/<int:option_id>/edit",
          methods=["GET", "POST"])
def option_form(slug: str, proposal_id: int, option_id: int | None) -> str | Response:
    """Add an option, or edit one (the committee, before voting)."""
    community, member, proposal = load(slug, proposal_id)
    require(perm.can_edit_proposal(member, proposal))
    option = _option_or_404(proposal, option_id) if option_id else None
    form = OptionForm(obj=option if request.method == "GET" else None)
    if request.method == "GET" and option is None and request.args.get("status_quo"):
        form.title.data = _("维持现状")
        form.is_status_quo.data = True
        form.cost_cny.data = "0"
    if form.validate_on_submit():
        values = form.values() | {"is_status_quo": form.is_status_quo.data}
        with attempt(_("方案已保存")) as outcome:
            if option is None:
                services.add_option(proposal, member.user, **values)
            else:
                services.update_option(option, member.user, **values)
        if outcome.ok:
            return _to_show(community, proposal)
    return render_template("proposals/option_form.html", community=community, form=form,
                           proposal=proposal, option=option), (400 if form.errors else 200)


@bp.route("/c/<slug>/proposals/<int:proposal_id>/options/<int:option_id>/remove",
          methods=["POST"])
def remove_option(slug: str, proposal_id: int, option_id: int) -> Response:
    """Remove an option from a draft (the committee)."""
    community, member, proposal = load(slug, proposal_id)
    require(perm.can_edit_proposal(member, proposal))
    option = _option_or_404(proposal, option_id)
    with attempt(_("方案已删除")):
        services.remove_option(option, member.user)
    return _to_show(community, proposal)


@bp.route("/c/<slug>/proposals/<int:proposal_id>/transition", methods=["POST"])
def transition(slug: str, proposal_id: int) -> Response:
    """Move the proposal to another state (the committee)."""
    community, member, proposal = load(slug, proposal_id)
    require(perm.can_transition_proposal(member, proposal))
    form = TransitionForm()
    if not form.validate_on_submit():
        flash(_("请求无效，请重试"), "error")
        return _to_show(community, proposal)
    from proposals.states import MANUAL_TARGETS

    if form.to_state.data not in {s.value for s in MANUAL_TARGETS}:
        flash(_("不能手动转到这个阶段"), "error")
        return _to_show(community, proposal)
    with attempt(_("议题阶段已更新")):
        services.transition_proposal(proposal, form.to_state.data, member.user,
                                     note=form.note.data or "")
    return _to_show(community, proposal)
