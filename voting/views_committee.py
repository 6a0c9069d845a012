"""Committee pages: open a vote, its desk (close early), paper ballots, conflicts, CSV export."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from app.context import current_member, get_community_or_404, require
from app.extensions import db
from app.i18n import format_area, format_count, lang_code, local_to_utc
from app.law import (
    describe_early_close,
    describe_missing,
    describe_quorum,
    describe_quorum_state,
    missing_for_quorum,
)
from app.register.models import Community
from app.uow import perform, write_during_read
from proposals.queries import load_proposal
from voting import permissions as perm
from voting.forms import CloseVoteForm, OpenVoteForm, ResolveConflictForm
from voting.models import BallotConflict, Vote, VoteState
from voting.services import (
    close_vote,
    export_ballots_csv,
    is_open,
    open_vote,
    resolve_conflict,
)
from voting.services.extend import window_bounds
from voting.services.pages import conflicts_with_ballots, count_ballots
from voting.services.paper import entry_counts
from voting.services.results import (
    participation_of,
    pending_conflicts,
    turnout_of,
    vote_options,
)
from voting.views_base import admitted, bp, load_vote


@bp.route("/c/<slug>/proposals/<id:proposal_id>/vote/new", methods=["GET", "POST"])
def open_form(slug: str, proposal_id: int) -> ResponseReturnValue:
    """Open a vote on a proposal in deliberation (the committee)."""
    community = get_community_or_404(slug)
    member = current_member(community)
    require(perm.can_open_vote(member))
    proposal = load_proposal(proposal_id, community.id)
    if proposal is None:
        abort(404)
    user = admitted(member).user
    form = OpenVoteForm()
    if form.validate_on_submit():
        outcome = perform(lambda: open_vote(proposal, user, form.method.data,
                                            local_to_utc(form.closes_at.data)),
                          form=form, done=_("表决已开始，业主名单已冻结"))
        if outcome.value is not None:
            return redirect(url_for("voting.desk", slug=slug, vote_id=outcome.value.id))
    status = 400 if request.method == "POST" else 200
    window = window_bounds(community) if community.vote_window_at_opening else None
    return render_template("voting/open.html", community=community, proposal=proposal,
                           form=form, window=window), status


@bp.route("/c/<slug>/votes/<id:vote_id>/desk")
def desk(slug: str, vote_id: int) -> ResponseReturnValue:
    """The committee's desk for a vote: turnout, close early, paper ballots, conflicts."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_close_vote(member))
    return render_template(
        "voting/desk.html", community=community, vote=vote, member=member,
        participation=participation_of(vote), ballots=count_ballots(vote),
        pending=pending_conflicts(vote), accepting=is_open(vote), entries=entry_counts(vote),
        can_export=perm.can_export_ballots(member) and vote.state == VoteState.CLOSED)


@bp.route("/c/<slug>/votes/<id:vote_id>/close", methods=["GET", "POST"])
def close(slug: str, vote_id: int) -> ResponseReturnValue:
    """Close the vote early, with eyes open: GET shows the quorum state and what closing now
    means for the options (the law's words); POST, with the consequence acknowledged, closes."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_close_vote(member))
    user = admitted(member).user
    form = CloseVoteForm()
    if request.method == "POST" and form.validate_on_submit():
        outcome = perform(lambda: close_vote(vote, user), done=_("表决已结束"))
        return redirect(url_for("voting.results" if outcome.ok else "voting.close", slug=slug,
                                vote_id=vote_id))
    lang = lang_code()
    turnout = turnout_of(vote)
    part, electorate = turnout.participation, turnout.electorate
    missing = missing_for_quorum(part.headcount, part.area, electorate.headcount,
                                 electorate.area)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "voting/close.html", community=community, vote=vote, form=form, turnout=turnout,
        pending=pending_conflicts(vote), accepting=is_open(vote),
        quorum_words=describe_quorum(lang),
        quorum_state=describe_quorum_state(turnout.quorum_met, lang) if turnout.quorum_met
        else describe_missing(format_count(missing.headcount), format_area(missing.area), lang),
        consequence=describe_early_close(vote.threshold, turnout.quorum_met,
                                         len(vote.option_ids), lang)), status


@bp.route("/c/<slug>/votes/<id:vote_id>/conflicts")
def conflicts(slug: str, vote_id: int) -> ResponseReturnValue:
    """Paper/electronic conflicts of one owner: both ballots side by side."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_resolve_conflict(member))
    return _conflicts_page(community, vote, {})


def _conflicts_page(community: Community, vote: Vote, forms: dict[int, ResolveConflictForm],
                    status: int = 200) -> tuple[str, int]:
    """The conflicts page, with a resolve form for each pending conflict."""
    items = conflicts_with_ballots(vote)
    forms = {c.id: forms.get(c.id) or ResolveConflictForm(prefix=f"c{c.id}", formdata=None)
             for c in items if c.resolved_at is None} | forms
    titles = {o.option_id: o.title for o in vote_options(vote)}
    return render_template("voting/conflicts.html", community=community, vote=vote,
                           items=items, forms=forms, titles=titles), status


@bp.route("/c/<slug>/votes/<id:vote_id>/conflicts/<id:conflict_id>", methods=["POST"])
def resolve(slug: str, vote_id: int, conflict_id: int) -> ResponseReturnValue:
    """Keep one ballot of a conflict, with the reason (the committee)."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_resolve_conflict(member))
    user = admitted(member).user
    conflict = db.session.get(BallotConflict, conflict_id)
    if conflict is None or conflict.vote_id != vote.id:
        abort(404)
    form = ResolveConflictForm(prefix=f"c{conflict_id}")
    if form.validate_on_submit():
        outcome = perform(lambda: resolve_conflict(conflict, user, form.keep.data,
                                                   form.reason.data),
                          form=form, done=_("冲突已处理"))
        if outcome.ok:
            return redirect(url_for("voting.conflicts", slug=slug, vote_id=vote_id))
    return _conflicts_page(community, vote, {conflict_id: form}, 400)


@bp.route("/c/<slug>/votes/<id:vote_id>/ballots.csv")
def export_csv(slug: str, vote_id: int) -> ResponseReturnValue:
    """Every counted ballot as CSV for audit (the committee, after close).

    A GET that writes: the export of personal data is recorded in the audit log, in its own
    transaction (`write_during_read`, the documented exception to "reads never write").
    """
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_export_ballots(member)
            and perm.can_inspect_ballots(member, vote, community))
    user = admitted(member).user
    text = write_during_read(lambda: export_ballots_csv(vote, user))
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=vote-{vote_id}.csv"})
