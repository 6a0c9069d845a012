"""Committee pages: open a vote, its desk (close early), paper ballots, conflicts, CSV export."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.context import current_member, get_community_or_404, require
from app.db import in_write_transaction
from app.extensions import db
from proposals.queries import load_proposal
from voting import permissions as perm
from voting.forms import ConfirmForm, OpenVoteForm, ResolveConflictForm, ballot_form
from voting.models import BallotConflict, VoteState
from voting.services import (
    VotingError,
    close_vote,
    enter_paper_ballot,
    export_ballots_csv,
    is_open,
    open_vote,
    resolve_conflict,
)
from voting.services.pages import conflicts_with_ballots, count_ballots, recent_paper_ballots
from voting.services.results import participation_of, pending_conflicts, vote_options
from voting.views_base import attempt, bp, error_text, load_vote, local_to_utc

#: where a refused paper ballot's message goes
PAPER_FIELD_ERRORS = {"duplicate_ballot_no": "ballot_no", "invalid_ballot_no": "ballot_no",
                      "duplicate_owner": "owner_ref", "not_in_electorate": "owner_ref",
                      "conflict_pending": "owner_ref"}


def add_error(field: Any, message: str) -> None:
    """Show a refusal under a form field."""
    field.errors = [*field.errors, message]


@bp.route("/c/<slug>/proposals/<int:proposal_id>/vote/new", methods=["GET", "POST"])
def open_form(slug: str, proposal_id: int) -> str | Response | tuple[str, int]:
    """Open a vote on a proposal in deliberation (the committee)."""
    community = get_community_or_404(slug)
    member = current_member(community)
    require(perm.can_open_vote(member))
    proposal = load_proposal(proposal_id, community.id)
    if proposal is None:
        abort(404)
    form = OpenVoteForm()
    error = None
    if form.validate_on_submit():
        try:
            vote = open_vote(proposal, member.user, form.method.data,
                             local_to_utc(form.closes_at.data))
        except VotingError as exc:
            db.session.rollback()
            if exc.code == "invalid_closes_at":
                add_error(form.closes_at, error_text(exc))
            else:
                error = error_text(exc)
        else:
            db.session.commit()
            flash(_("表决已开始，业主名单已冻结"), "success")
            return redirect(url_for("voting.desk", slug=slug, vote_id=vote.id))
    status = 400 if (form.errors or error) else 200
    return render_template("voting/open.html", community=community, proposal=proposal,
                           form=form, error=error), status


@bp.route("/c/<slug>/votes/<int:vote_id>/desk")
def desk(slug: str, vote_id: int) -> str:
    """The committee's desk for a vote: turnout, close early, paper ballots, conflicts."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_close_vote(member))
    return render_template(
        "voting/desk.html", community=community, vote=vote, member=member,
        participation=participation_of(vote), ballots=count_ballots(vote),
        pending=pending_conflicts(vote), accepting=is_open(vote), close_form=ConfirmForm(),
        can_export=perm.can_export_ballots(member) and vote.state == VoteState.CLOSED)


@bp.route("/c/<slug>/votes/<int:vote_id>/close", methods=["POST"])
def close(slug: str, vote_id: int) -> Response:
    """Close the vote now (the committee)."""
    _community, member, vote = load_vote(slug, vote_id)
    require(perm.can_close_vote(member))
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    with attempt(_("表决已结束")) as outcome:
        close_vote(vote, member.user)
    return redirect(url_for("voting.results" if outcome.ok else "voting.desk", slug=slug,
                            vote_id=vote_id))


@bp.route("/c/<slug>/votes/<int:vote_id>/paper", methods=["GET", "POST"])
def paper(slug: str, vote_id: int) -> str | Response | tuple[str, int]:
    """Enter paper ballots one by one (the committee); the entering user is recorded."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_enter_paper_ballot(member))
    options = [(o.option_id, o.title) for o in vote_options(vote)]
    form = ballot_form(vote.method, options, paper=True)
    error = None
    if is_open(vote) and form.validate_on_submit():
        blank = bool(form.blank.data)
        try:
            result = enter_paper_ballot(vote, member.user, form.ballot_no.data,
                                        form.owner_ref.data,
                                        None if blank else form.choices_value(), blank)
        except VotingError as exc:
            db.session.rollback()
            name = PAPER_FIELD_ERRORS.get(exc.code)
            if name:
                add_error(form[name], error_text(exc))
            else:
                error = error_text(exc)
        else:
            db.session.commit()
            if isinstance(result, BallotConflict):
                flash(_("这位业主已投过电子票：纸质票 %(no)s 已暂存，请在冲突列表中处理",
                        no=result.ballot_no), "error")
            else:
                flash(_("纸质票 %(no)s 已录入", no=result.ballot_no), "success")
            return redirect(url_for("voting.paper", slug=slug, vote_id=vote_id))
    elif request.method == "POST" and not is_open(vote):
        error = _("表决已经结束")
    status = 400 if (form.errors or error) else 200
    return render_template("voting/paper.html", community=community, vote=vote, form=form,
                           error=error, recent=recent_paper_ballots(vote),
                           accepting=is_open(vote)), status


@bp.route("/c/<slug>/votes/<int:vote_id>/conflicts")
def conflicts(slug: str, vote_id: int) -> str:
    """Paper/electronic conflicts of one owner: both ballots side by side."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_resolve_conflict(member))
    return _conflicts_page(community, vote, {})


def _conflicts_page(community: Any, vote: Any, forms: dict[int, ResolveConflictForm],
                    status: int = 200) -> tuple[str, int]:
    """The conflicts page, with a resolve form for each pending conflict."""
    items = conflicts_with_ballots(vote)
    forms = {c.id: forms.get(c.id) or ResolveConflictForm(prefix=f"c{c.id}", formdata=None)
             for c in items if c.resolved_at is None} | forms
    titles = {o.option_id: o.title for o in vote_options(vote)}
    return render_template("voting/conflicts.html", community=community, vote=vote,
                           items=items, forms=forms, titles=titles), status


@bp.route("/c/<slug>/votes/<int:vote_id>/conflicts/<int:conflict_id>", methods=["POST"])
def resolve(slug: str, vote_id: int, conflict_id: int) -> Response | tuple[str, int]:
    """Keep one ballot of a conflict, with the reason (the committee)."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_resolve_conflict(member))
    conflict = db.session.get(BallotConflict, conflict_id)
    if conflict is None or conflict.vote_id != vote.id:
        abort(404)
    form = ResolveConflictForm(prefix=f"c{conflict_id}")
    if form.validate_on_submit():
        try:
            resolve_conflict(conflict, member.user, form.keep.data, form.reason.data)
        except VotingError as exc:
            db.session.rollback()
            add_error(form.reason, error_text(exc))
        else:
            db.session.commit()
            flash(_("冲突已处理"), "success")
            return redirect(url_for("voting.conflicts", slug=slug, vote_id=vote_id))
    return _conflicts_page(community, vote, {conflict_id: form}, 400)


@bp.route("/c/<slug>/votes/<int:vote_id>/ballots.csv")
def export_csv(slug: str, vote_id: int) -> Response:
    """Every counted ballot as CSV for audit (the committee, after close; audit-logged)."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_export_ballots(member)
            and perm.can_inspect_ballots(member, vote, community))
    # the export is recorded in the audit log: its own write transaction
    text = in_write_transaction(lambda: export_ballots_csv(vote, member.user))
    return Response("\ufeff" + text, mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=vote-{vote_id}.csv"})
