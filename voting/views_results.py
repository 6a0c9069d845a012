"""Results (turnout while open, the full count after close) and ballot inspection."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from flask import render_template, request
from flask_babel import gettext as _

from app.context import require
from app.i18n import lang_code
from voting import charts
from voting import permissions as perm
from voting.counting import (
    QUORUM,
    Result,
    Tally,
    Threshold,
    approval_share,
    describe_quorum,
    describe_threshold,
    quorum_met,
)
from voting.models import VoteState
from voting.services import ballot_rows, is_open
from voting.services.pages import INSPECTION_PAGE_SIZE, count_ballots
from voting.services.results import participation_of, pending_conflicts, vote_options, vote_result
from voting.views_base import bp, load_vote


def turnout_charts(uid: str, electorate: Tally, part: Tally) -> list[Any]:
    """Participation by area and by headcount against the two-thirds quorum."""
    two_thirds = _("三分之二")
    return [
        charts.progress_bar(f"{uid}-area", _("按面积参与"), part.area, electorate.area,
                            QUORUM, two_thirds, Fraction(part.area) >= QUORUM
                            * Fraction(electorate.area)),
        charts.progress_bar(f"{uid}-head", _("按人数参与"), part.headcount, electorate.headcount,
                            QUORUM, two_thirds, Fraction(part.headcount) >= QUORUM
                            * electorate.headcount),
    ]


def option_charts(uid: str, result: Result) -> dict[int, Any]:
    """One chart per option: agree / oppose / abstain by area and by headcount."""
    share = approval_share(result.threshold)
    label = {Fraction(3, 4): _("四分之三")}.get(share, _("半数"))
    sides = {"agree": _("同意"), "oppose": _("反对"), "abstain": _("弃权")}
    part = result.participation
    out = {}
    for option in result.options:
        rows = [charts.BarRow(_("面积"), option.agree.area, option.oppose.area,
                              option.abstain.area, part.area),
                charts.BarRow(_("人数"), option.agree.headcount, option.oppose.headcount,
                              option.abstain.headcount, part.headcount)]
        out[option.option_id] = charts.option_bars(f"{uid}-o{option.option_id}", option.title,
                                                   rows, share, label, sides)
    return out


@bp.route("/c/<slug>/votes/<int:vote_id>/results")
def results(slug: str, vote_id: int) -> str:
    """Turnout while open (no tallies); after close, the counts, the verdict and why."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_view_result(member))
    lang = lang_code()
    electorate = Tally(vote.headcount, vote.area_m2)
    context: dict[str, Any] = {
        "community": community, "vote": vote, "member": member, "electorate": electorate,
        "quorum_words": describe_quorum(lang),
        "threshold_words": describe_threshold(Threshold(vote.threshold), lang),
        "closed": vote.state == VoteState.CLOSED, "accepting": is_open(vote),
        "is_staff": perm.can_close_vote(member),
        "can_inspect": perm.can_inspect_ballots(member, vote, community),
        "percent": charts.percent,
    }
    if vote.state == VoteState.OPEN:
        part = participation_of(vote)
        context.update(participation=part, turnout=turnout_charts("t", electorate, part),
                       quorum_met=quorum_met(part.headcount, part.area, electorate.headcount,
                                             electorate.area))
        return render_template("voting/results_open.html", **context)
    result = vote_result(vote, lang=lang)
    context.update(
        result=result, participation=result.participation, pending=pending_conflicts(vote),
        turnout=turnout_charts("t", electorate, result.participation),
        charts=option_charts("s", result),
        adjusted_charts=option_charts("a", result.adjusted) if result.adjusted else {},
        titles={o.option_id: o.title for o in result.options})
    return render_template("voting/results.html", **context)


@bp.route("/c/<slug>/votes/<int:vote_id>/ballots")
def inspect(slug: str, vote_id: int) -> str:
    """After close: every counted ballot by unit number and area, never by name."""
    community, member, vote = load_vote(slug, vote_id)
    require(perm.can_inspect_ballots(member, vote, community))
    total = count_ballots(vote)
    pages = max(1, math.ceil(total / INSPECTION_PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    rows = ballot_rows(vote, page=page, per_page=INSPECTION_PAGE_SIZE)
    titles = {o.option_id: o.title for o in vote_options(vote)}
    return render_template("voting/inspect.html", community=community, vote=vote, rows=rows,
                           total=total, page=page, pages=pages, titles=titles,
                           can_export=perm.can_export_ballots(member))
