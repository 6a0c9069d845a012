"""Results (turnout while open, the full count after close) and ballot inspection."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from app.context import require
from app.i18n import lang_code
from app.law import (
    QUORUM,
    approval_share,
    describe_quorum,
    describe_quorum_state,
    describe_share,
    describe_threshold,
    quorum_share_met,
)
from voting import charts
from voting import permissions as perm
from voting.counting import Result, Side, Tally, side_label
from voting.models import VoteState
from voting.services import ballot_page, is_open
from voting.services.results import pending_conflicts, turnout_of, vote_options, vote_result
from voting.views_base import bp, load_vote


def turnout_charts(uid: str, electorate: Tally, part: Tally) -> list[Any]:
    """Participation by area and by headcount against the two-thirds quorum."""
    two_thirds = describe_share(QUORUM, lang_code())
    return [
        charts.progress_bar(f"{uid}-area", _("按面积参与"), part.area, electorate.area,
                            QUORUM, two_thirds, quorum_share_met(part.area, electorate.area)),
        charts.progress_bar(f"{uid}-head", _("按人数参与"), part.headcount,
                            electorate.headcount, QUORUM, two_thirds,
                            quorum_share_met(part.headcount, electorate.headcount)),
    ]


def option_charts(uid: str, result: Result) -> dict[int, Any]:
    """One chart per option: agree / oppose / abstain by area and by headcount."""
    share = approval_share(result.threshold)
    lang = lang_code()
    label = describe_share(share, lang)
    sides = {side: side_label(side, lang) for side in Side}
    part = result.participation
    out = {}
    for option in result.options:
        rows = [charts.BarRow(_("面积"), option.agree.area, option.oppose.area,
                              option.abstain.area, part.area),
                charts.BarRow(_("人数"), option.agree.headcount, option.oppose.headcount,
                              option.abstain.headcount, part.headcount)]
        out[option.option_id] = charts.option_bars(
            f"{uid}-o{option.option_id}", option.title, rows, share, label, sides,
            rest_label=_("未就本方案表态"),
            marker_words=_("竖线：通过所需（%(share)s）", share=label))
    return out


@bp.route("/c/<slug>/votes/<id:vote_id>/results")
def results(slug: str, vote_id: int) -> ResponseReturnValue:
    """Turnout while open (no tallies); after close, the counts, the verdict and why."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_view_result(member))
    lang = lang_code()
    electorate = Tally(vote.headcount, vote.area_m2)
    context: dict[str, Any] = {
        "community": community, "vote": vote, "member": member, "electorate": electorate,
        "quorum_words": describe_quorum(lang),
        "threshold_words": describe_threshold(vote.threshold, lang),
        "closed": vote.state == VoteState.CLOSED, "accepting": is_open(vote),
        "is_staff": perm.can_close_vote(member),
        "can_inspect": perm.can_inspect_ballots(member, vote, community),
    }
    if vote.state == VoteState.OPEN:
        turnout = turnout_of(vote)
        context.update(participation=turnout.participation, quorum_met=turnout.quorum_met,
                       quorum_state=describe_quorum_state(turnout.quorum_met, lang),
                       turnout=turnout_charts("t", electorate, turnout.participation))
        return render_template("voting/results_open.html", **context)
    result = vote_result(vote, lang=lang)
    context.update(
        result=result, participation=result.participation, pending=pending_conflicts(vote),
        turnout=turnout_charts("t", electorate, result.participation),
        charts=option_charts("s", result),
        adjusted_charts=option_charts("a", result.adjusted) if result.adjusted else {},
        titles={o.option_id: o.title for o in result.options})
    return render_template("voting/results.html", **context)


@bp.route("/c/<slug>/votes/<id:vote_id>/ballots")
def inspect(slug: str, vote_id: int) -> ResponseReturnValue:
    """After close: every counted ballot by unit number and area, never by name."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_inspect_ballots(member, vote, community))
    listing = ballot_page(vote, request.args.get("page", 1))
    titles = {o.option_id: o.title for o in vote_options(vote)}
    return render_template("voting/inspect.html", community=community, vote=vote,
                           listing=listing, titles=titles,
                           can_export=perm.can_export_ballots(member))
