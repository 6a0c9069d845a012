"""Results: the tally is aggregated in SQL (GROUP BY over ballot choices joined with the frozen
electorate) and the aggregated numbers are judged by the pure counting module.

`result_from_aggregates` is the thin adapter: it builds exactly the `Result` that
`VotingMethod.tally` builds from individual ballots, from per-option sums instead. Tests check
that both paths agree on random data.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from app.accounts.models import User
from app.audit.services import record_event
from app.extensions import db
from proposals.models import ProposalOption
from voting.counting import (
    Option,
    OptionResult,
    Result,
    Side,
    Tally,
    Threshold,
    adjusted_result,
    choose_outcome,
    localize,
    option_passes,
    quorum_met,
    schulze_from_pairwise,
)
from voting.models import Ballot, BallotChoice, BallotConflict, Vote, VoteElector, VoteState

Matrix = dict[int, dict[int, int]]


@dataclass(frozen=True)
class Aggregates:
    """A vote's ballots summed: participation, per option and side, and pairwise counts."""

    participation: Tally
    sides: dict[int, dict[str, Tally]]
    pairwise: Matrix | None = None


def _tally(count: int | None, area: Decimal | None) -> Tally:
    return Tally(int(count or 0), area if area is not None else Decimal(0))


def participation_of(vote: Vote) -> Tally:
    """Headcount and area of the counted ballots (one aggregate query)."""
    count, area = db.session.execute(
        select(func.count(Ballot.id), func.sum(VoteElector.area_m2))
        .join(VoteElector, VoteElector.id == Ballot.elector_id)
        .where(Ballot.vote_id == vote.id)
    ).one()
    return _tally(count, area)


def aggregate_ballots(vote: Vote) -> Aggregates:
    """Sum the counted ballots in SQL; never loads ballots into Python."""
    sides: dict[int, dict[str, Tally]] = {}
    rows = db.session.execute(
        select(BallotChoice.option_id, BallotChoice.side, func.count(),
               func.sum(VoteElector.area_m2))
        .join(VoteElector, VoteElector.id == BallotChoice.elector_id)
        .where(BallotChoice.vote_id == vote.id)
        .group_by(BallotChoice.option_id, BallotChoice.side)
    )
    for option_id, side, count, area in rows:
        sides.setdefault(option_id, {})[side] = _tally(count, area)
    pairwise = _pairwise(vote) if vote.method == "ranked" else None
    return Aggregates(_participation(vote, sides), sides, pairwise)


#: methods whose every counted ballot has exactly one BallotChoice row per option of the vote
ONE_ROW_PER_OPTION = frozenset({"approve_each", "ranked"})


def _participation(vote: Vote, sides: dict[int, dict[str, Tally]]) -> Tally:
    """Participation: summed from one option's sides when every ballot has a row for it,
    saving a second pass over the ballots; otherwise (single choice) its own query."""
    if vote.method not in ONE_ROW_PER_OPTION or not vote.option_ids:
        return participation_of(vote)
    first = sides.get(vote.option_ids[0], {})
    return Tally(sum(t.headcount for t in first.values()),
                 sum((t.area for t in first.values()), Decimal(0)))


def _pairwise(vote: Vote) -> Matrix:
    """d[a][b]: ballots ranking a strictly above b, by a self-join over ranks."""
    ids = list(vote.option_ids)
    d: Matrix = {a: dict.fromkeys(ids, 0) for a in ids}
    upper, lower = aliased(BallotChoice), aliased(BallotChoice)
    rows = db.session.execute(
        select(upper.option_id, lower.option_id, func.count())
        .join(lower, and_(lower.ballot_id == upper.ballot_id, upper.rank < lower.rank))
        .where(upper.vote_id == vote.id)
        .group_by(upper.option_id, lower.option_id)
    )
    for a, b, count in rows:
        d[a][b] = int(count)
    return d


def result_from_aggregates(method: str, threshold: Threshold | str, electorate: Tally,
                           options: Sequence[Option], agg: Aggregates, *, lang: str = "zh",
                           adjust_non_voters: bool = False) -> Result:
    """Judge aggregated tallies exactly as the counting module judges individual ballots."""
    threshold = Threshold(threshold)
    part = agg.participation
    quorum = quorum_met(part.headcount, part.area, electorate.headcount, electorate.area)
    results = []
    for option in options:
        sides = agg.sides.get(option.option_id, {})
        agree, oppose, abstain = (sides.get(s.value, Tally.zero()) for s in Side)
        results.append(OptionResult(
            option_id=option.option_id, title=option.title, agree=agree, oppose=oppose,
            abstain=abstain,
            passed=option_passes(threshold, quorum, agree.headcount, agree.area,
                                 part.headcount, part.area)))
    ranking = None
    if agg.pairwise is not None:
        ranking = schulze_from_pairwise([o.option_id for o in options], agg.pairwise).ranking
    winner = choose_outcome(results)
    result = Result(threshold=threshold, electorate=electorate, participation=part,
                    quorum_met=quorum, options=tuple(results), outcome_passed=winner is not None,
                    outcome_option_id=winner, ranking=ranking, pairwise=agg.pairwise,
                    method=method)
    result = localize(result, lang)
    if adjust_non_voters:
        result = dataclasses.replace(result, adjusted=adjusted_result(result, lang=lang))
    return result


def vote_options(vote: Vote) -> list[Option]:
    """The vote's options (ids frozen at open) with their current titles."""
    titles = dict(db.session.execute(
        select(ProposalOption.id, ProposalOption.title)
        .where(ProposalOption.id.in_(vote.option_ids))).all())
    return [Option(option_id=i, title=titles.get(i, str(i))) for i in vote.option_ids]


def vote_result(vote: Vote, *, lang: str = "zh") -> Result:
    """The vote's result, strict, with the 从众 count beside it when the community wants it."""
    electorate = Tally(vote.headcount, vote.area_m2)
    return result_from_aggregates(
        vote.method, vote.threshold, electorate, vote_options(vote), aggregate_ballots(vote),
        lang=lang, adjust_non_voters=vote.proposal.community.follow_majority)


def pending_conflicts(vote: Vote) -> int:
    """How many paper/electronic conflicts still wait for the committee."""
    return db.session.execute(
        select(func.count(BallotConflict.id)).where(BallotConflict.vote_id == vote.id,
                                                    BallotConflict.resolved_at.is_(None))
    ).scalar_one()


def result_payload(vote: Vote, *, lang: str = "zh") -> dict[str, Any]:
    """API.md's result JSON: while open only state, electorate and participation."""
    if vote.state == VoteState.OPEN:
        part = participation_of(vote)
        electorate = Tally(vote.headcount, vote.area_m2)
        data = {"state": "open", "electorate": electorate.to_dict(),
                "participation": {**part.to_dict(), "quorum_met": quorum_met(
                    part.headcount, part.area, electorate.headcount, electorate.area)}}
    else:
        data = vote_result(vote, lang=lang).to_dict("closed", extended=True)
    data["vote_id"] = vote.id
    data["closes_at"] = vote.closes_at.isoformat()
    data["conflicts_pending"] = pending_conflicts(vote)
    return data


def _inspection_query(vote: Vote):  # noqa: ANN202
    return (select(VoteElector.unit_labels, VoteElector.area_m2, Ballot.channel, Ballot.blank,
                   Ballot.choices, Ballot.cast_at, Ballot.mandate_id, Ballot.ballot_no,
                   VoteElector.owner_ref, Ballot.version, Ballot.receipt)
            .join(VoteElector, VoteElector.id == Ballot.elector_id)
            .where(Ballot.vote_id == vote.id).order_by(VoteElector.unit_labels, Ballot.id))


def ballot_rows(vote: Vote, *, page: int = 1, per_page: int = 100) -> list[dict[str, Any]]:
    """A page of counted ballots by unit labels and area (never names) for inspection."""
    rows = db.session.execute(
        _inspection_query(vote).limit(per_page).offset((max(page, 1) - 1) * per_page))
    return [{"units": r[0], "area_m2": f"{r[1]:.2f}", "channel": r[2].value, "blank": r[3],
             "choices": r[4], "cast_at": r[5].isoformat(), "by_proxy": r[6] is not None}
            for r in rows]


def export_ballots_csv(vote: Vote, actor: User) -> str:
    """Every counted ballot as CSV for the committee's audit (no names); audit-logged."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["units", "area_m2", "owner_ref", "channel", "ballot_no", "blank",
                     "choices", "cast_at", "by_proxy", "version", "receipt"])
    for r in db.session.execute(_inspection_query(vote).execution_options(yield_per=2000)):
        writer.writerow([r[0], f"{r[1]:.2f}", r[8], r[2].value, r[7] or "",
                         "yes" if r[3] else "no",
                         "" if r[4] is None else json.dumps(r[4], ensure_ascii=False),
                         r[5].isoformat(), "yes" if r[6] is not None else "no", r[9], r[10]])
    record_event("vote.export_ballots", actor=actor, community_id=vote.community_id,
                 target=f"vote:{vote.id}", details={})
    return out.getvalue()
