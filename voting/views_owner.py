"""Owner pages: the vote panel on the proposal page, the ballot, my ballot, receipt check."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.context import require
from app.extensions import db
from app.permissions import can_vote, is_staff
from app.register.models import VoteChangePolicy
from proposals.models import ProposalState
from voting import permissions as perm
from voting.forms import ReceiptForm, ballot_form, choices_to_data
from voting.models import BallotConflict, VoteState
from voting.services import VotingError, ballot_status, cast_ballot, check_receipt, is_open
from voting.services.pages import vote_of_proposal
from voting.services.proxies import mandates_held
from voting.services.results import vote_options
from voting.views_base import bp, error_text, load_vote


def _options(vote: Any) -> list[tuple[int, str]]:
    return [(o.option_id, o.title) for o in vote_options(vote)]


def _may_change(community: Any, status: Any) -> bool:
    """Whether the owner may (still) cast or change their ballot."""
    return status.ballot is None or community.vote_change == VoteChangePolicy.ALLOWED


def vote_panel(community: Any, member: Any, proposal: Any) -> dict[str, Any] | None:
    """The vote on the proposal page: state, the ballot form, links (PROPOSAL_PANELS)."""
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
                 can_mandate=can_vote(member) and accepting,
                 may_change=_may_change(community, status))
    if accepting:
        panel["held"] = len(mandates_held(member.user, vote))
        if status.elector is not None and panel["may_change"]:
            data = choices_to_data(vote.method, status.ballot.choices) if status.ballot else {}
            panel["form"] = ballot_form(vote.method, _options(vote), data=data, formdata=None)
    return panel


@bp.route("/c/<slug>/votes/<int:vote_id>/ballot", methods=["GET", "POST"])
def ballot(slug: str, vote_id: int) -> str | Response | tuple[str, int]:
    """The owner's ballot for the vote's method; co-owners share it."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_cast_ballot(member))
    status = ballot_status(vote, member.user)
    if status.elector is None:
        abort(403)
    may_change = _may_change(community, status)
    data = None
    if request.method == "GET" and status.ballot is not None:
        data = choices_to_data(vote.method, status.ballot.choices)
    form = ballot_form(vote.method, _options(vote), data=data)
    error = None
    if request.method == "POST":
        if not is_open(vote):
            error = _("表决已经结束")
        elif not may_change:
            error = _("你已经投过票，本小区规定投票后不能更改")
        elif form.validate_on_submit():
            try:
                result = cast_ballot(vote, member.user, form.choices_value())
            except VotingError as exc:
                db.session.rollback()
                error = error_text(exc)
            else:
                db.session.commit()
                if isinstance(result, BallotConflict):
                    flash(_("业委会已录入你的纸质票，这张电子票已暂存，由业委会决定哪张有效。"
                            "回执码：%(code)s", code=result.receipt), "error")
                else:
                    flash(_("投票成功"), "success")
                return redirect(url_for("voting.my_ballot", slug=slug, vote_id=vote_id))
    bad = request.method == "POST" and (form.errors or error)
    return render_template("voting/ballot.html", community=community, vote=vote, form=form,
                           status=status, error=error, accepting=is_open(vote),
                           may_change=may_change,
                           titles=dict(_options(vote))), (400 if bad else 200)


@bp.route("/c/<slug>/votes/<int:vote_id>/my-ballot")
def my_ballot(slug: str, vote_id: int) -> str:
    """The owner's counted ballot and its receipt code."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_cast_ballot(member))
    status = ballot_status(vote, member.user)
    if status.elector is None:
        abort(403)
    return render_template("voting/my_ballot.html", community=community, vote=vote,
                           status=status, accepting=is_open(vote),
                           may_change=_may_change(community, status),
                           titles=dict(_options(vote)))


@bp.route("/c/<slug>/votes/<int:vote_id>/receipt", methods=["GET", "POST"])
def receipt(slug: str, vote_id: int) -> str | tuple[str, int]:
    """Check whether a receipt is counted (members)."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_view_result(member))
    form = ReceiptForm()
    outcome = None
    if form.validate_on_submit():
        outcome = check_receipt(vote, form.code.data) or "unknown"
    status = 400 if form.errors else 200
    return render_template("voting/receipt.html", community=community, vote=vote, form=form,
                           outcome=outcome, code=(form.code.data or "").strip().upper(),
                           closed=vote.state == VoteState.CLOSED), status
