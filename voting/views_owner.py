"""Owner pages: the vote panel on the proposal page, the ballot, my ballot, receipt check."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from app.accounts.models import Membership
from app.context import require
from app.permissions import is_staff
from app.register.models import Community, VoteChangePolicy
from app.uow import perform
from proposals.models import Proposal, ProposalState
from voting import permissions as perm
from voting.forms import ReceiptForm, ballot_form, choices_to_data
from voting.models import BallotConflict, Vote, VoteState
from voting.services import ballot_status, cast_ballot, check_receipt, is_open
from voting.services.ballots import BallotStatus
from voting.services.common import normalize_receipt
from voting.services.pages import vote_of_proposal
from voting.services.proxies import mandates_held
from voting.services.results import vote_options
from voting.views_base import admitted, bp, load_vote


def _options(vote: Vote) -> list[tuple[int, str]]:
    return [(o.option_id, o.title) for o in vote_options(vote)]


def _may_change(community: Community, status: BallotStatus) -> bool:
    """Whether the owner may (still) cast or change their ballot."""
    return status.ballot is None or community.vote_change == VoteChangePolicy.ALLOWED


def vote_panel(community: Community, member: Membership | None,
               proposal: Proposal) -> dict[str, Any] | None:
    """The vote on the proposal page: state, the ballot form, links (`proposal_panels`)."""
    vote = vote_of_proposal(proposal)
    can_open = (vote is None and perm.can_open_vote(member)
                and proposal.state == ProposalState.DELIBERATION)
    if vote is None and not can_open:
        return None
    panel: dict[str, Any] = {"template": "voting/_panel.html", "vote": vote,
                             "can_open": can_open, "status": None, "form": None,
                             "held": 0, "accepting": False, "may_change": False}
    if vote is None or member is None:
        return panel
    accepting = is_open(vote)
    status = ballot_status(vote, member.user)
    panel.update(accepting=accepting, status=status, is_staff=is_staff(member),
                 can_mandate=perm.votes_as_owner(member) and accepting,
                 may_change=_may_change(community, status))
    if accepting:
        panel["held"] = len(mandates_held(member.user, vote))
        if status.elector is not None and panel["may_change"]:
            data = choices_to_data(vote.method, status.ballot.choices) if status.ballot else {}
            panel["form"] = ballot_form(vote.method, _options(vote), data=data, formdata=None)
    return panel


@bp.route("/c/<slug>/votes/<id:vote_id>/ballot", methods=["GET", "POST"])
def ballot(slug: str, vote_id: int) -> ResponseReturnValue:
    """The owner's ballot for the vote's method; co-owners share it.

    Who may vote is the membership's current role: a member demoted to resident gets a 403.
    """
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_cast_ballot(member))
    user = admitted(member).user
    status = ballot_status(vote, user)
    if status.elector is None:
        abort(403)
    may_change = _may_change(community, status)
    data = None
    if request.method == "GET" and status.ballot is not None:
        data = choices_to_data(vote.method, status.ballot.choices)
    form = ballot_form(vote.method, _options(vote), data=data)
    if request.method == "POST":
        if not is_open(vote):
            flash(_("表决已经结束"), "error")
        elif not may_change:
            flash(_("你已经投过票，本小区规定投票后不能更改"), "error")
        elif form.validate_on_submit():
            outcome = perform(lambda: cast_ballot(vote, user, form.choices_value()), form=form)
            if isinstance(outcome.value, BallotConflict):
                flash(_("业委会已录入你的纸质票，这张电子票已暂存，由业委会决定哪张有效。"
                        "回执码：%(code)s", code=outcome.value.receipt), "error")
            elif outcome.ok:
                flash(_("投票成功"), "success")
            if outcome.ok:
                return redirect(url_for("voting.my_ballot", slug=slug, vote_id=vote_id))
    return render_template("voting/ballot.html", community=community, vote=vote, form=form,
                           status=status, accepting=is_open(vote), may_change=may_change,
                           titles=dict(_options(vote))), (
        400 if request.method == "POST" else 200)


@bp.route("/c/<slug>/votes/<id:vote_id>/my-ballot")
def my_ballot(slug: str, vote_id: int) -> ResponseReturnValue:
    """The owner's counted ballot and its receipt code."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_cast_ballot(member))
    status = ballot_status(vote, admitted(member).user)
    if status.elector is None:
        abort(403)
    return render_template("voting/my_ballot.html", community=community, vote=vote,
                           status=status, accepting=is_open(vote),
                           may_change=_may_change(community, status),
                           titles=dict(_options(vote)))


@bp.route("/c/<slug>/votes/<id:vote_id>/receipt", methods=["GET", "POST"])
def receipt(slug: str, vote_id: int) -> ResponseReturnValue:
    """Check whether a receipt is counted (members)."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_view_result(member))
    form = ReceiptForm()
    outcome = None
    typed = (form.code.data or "").strip()
    if form.validate_on_submit():
        outcome = check_receipt(vote, form.code.data) or "unknown"
    status = 400 if form.errors else 200
    return render_template("voting/receipt.html", community=community, vote=vote, form=form,
                           outcome=outcome, code=normalize_receipt(typed) or typed.upper(),
                           closed=vote.state == VoteState.CLOSED), status
