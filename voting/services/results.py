"""Results: the tally is aggregated in SQL (GROUP BY over ballot choices joined with the frozen
electorate) and the aggregated numbers are judged by the pure counting module.

`result_from_aggregates` is the thin adapter: it builds exactly the `Result` that
`VotingMethod.tally` builds from individual ballots, from per-option sums instead. Tests check
that both paths agree on random data.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased, contains_eager

from app.accounts.models import User
from app.audit.services import record_event
from app.exports import csv_text
from app.extensions import db
from app.law import Threshold, option_passes, quorum_met
from app.pagination import paginate
from proposals.models import ProposalOption
from voting.counting import (
    Option,
    OptionResult,
    Result,
    Side,
    Tally,
    adjusted_result,
    choose_outcome,
    get_method,
    localize,
    schulze_from_pairwise,
)
from voting.models import (
    Ballot,
    BallotChoice,
    BallotConflict,
    Channel,
    Vote,
    VoteElector,
    VoteState,
)

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
    pairwise = _pairwise(vote) if get_method(vote.method).ranks else None
    return Aggregates(_participation(vote, sides), sides, pairwise)


def _participation(vote: Vote, sides: dict[int, dict[str, Tally]]) -> Tally:
    """Participation: summed from one option's sides when the method gives every ballot a row
    for every option, saving a second pass over the ballots; otherwise its own query."""
    if not get_method(vote.method).one_row_per_option or not vote.option_ids:
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


@dataclass(frozen=True)
class Turnout:
    """A vote's electorate, its participation so far and whether that meets the quorum."""

    electorate: Tally
    participation: Tally
    quorum_met: bool


def turnout_of(vote: Vote) -> Turnout:
    """Participation so far against the frozen electorate, judged by the law's quorum."""
    electorate = Tally(vote.headcount, vote.area_m2)
    part = participation_of(vote)
    return Turnout(electorate, part, quorum_met(part.headcount, part.area,
                                                electorate.headcount, electorate.area))


def result_payload(vote: Vote, *, lang: str = "zh") -> dict[str, Any]:
    """API.md's result JSON: while open only state, electorate and participation."""
    data: dict[str, Any]
    if vote.state == VoteState.OPEN:
        turnout = turnout_of(vote)
        data = {"state": "open", "closing": vote.closing,
                "electorate": turnout.electorate.to_dict(),
                "participation": {**turnout.participation.to_dict(),
                                  "quorum_met": turnout.quorum_met}}
    else:
        data = vote_result(vote, lang=lang).to_dict("closed", extended=True)
    data["vote_id"] = vote.id
    data["closes_at"] = vote.closes_at.isoformat()
    data["conflicts_pending"] = pending_conflicts(vote)
    return data


#: counted ballots shown per page of the inspection list and of `GET /votes/{id}/ballots`
BALLOTS_PER_PAGE = 100


@dataclass(frozen=True)
class BallotPage:
    """One page of a vote's counted ballots, as `pager` and the API need it."""

    items: list[dict[str, Any]]
    page: int
    pages: int
    total: int


def ballot_ref(receipt: str) -> str:
    """A ballot's public reference: the sha256 hex of its receipt code (API.md v1.1)."""
    return hashlib.sha256(receipt.encode()).hexdigest()


def _listed(ballot: Ballot) -> dict[str, Any]:
    """A counted ballot as the inspection list shows it: units and area, never names."""
    channel = ("proxy" if ballot.mandate_id is not None
               else "paper" if ballot.channel == Channel.PAPER else "online")
    return {"ref": ballot_ref(ballot.receipt), "units": ballot.elector.unit_labels.split(", "),
            "area_m2": f"{ballot.elector.area_m2:.2f}", "channel": channel,
            "blank": ballot.blank, "choices": ballot.choices,
            "cast_at": ballot.cast_at.isoformat()}


def ballot_page(vote: Vote, page: object = 1, per_page: int = BALLOTS_PER_PAGE) -> BallotPage:
    """A page of counted ballots by unit labels and area (never names), for inspection;
    a page past the end is the last page. Two queries whatever the number of ballots."""
    statement = (select(Ballot).join(Ballot.elector).options(contains_eager(Ballot.elector))
                 .where(Ballot.vote_id == vote.id).order_by(VoteElector.unit_labels, Ballot.id))
    result = paginate(statement, page, per_page)
    if not result.pages:  # no ballots: one empty page
        return BallotPage([], 1, 1, 0)
    return BallotPage([_listed(b) for b in result.items], result.page, result.pages,
                      result.total or 0)


def _export_query(vote: Vote) -> Select[Any]:
    return (select(VoteElector.unit_labels, VoteElector.area_m2, VoteElector.owner_ref,
                   Ballot.channel, Ballot.ballot_no, Ballot.blank, Ballot.choices,
                   Ballot.cast_at, Ballot.mandate_id, Ballot.version, Ballot.receipt)
            .join(VoteElector, VoteElector.id == Ballot.elector_id)
            .where(Ballot.vote_id == vote.id).order_by(VoteElector.unit_labels, Ballot.id))


EXPORT_HEADER = ("units", "area_m2", "owner_ref", "channel", "ballot_no", "blank", "choices",
                 "cast_at", "by_proxy", "version", "receipt")


def export_ballots_csv(vote: Vote, actor: User) -> str:
    """Every counted ballot as CSV for the committee's audit (no names), every cell safe for
    spreadsheets (`app.exports`); the export itself is recorded in the audit log."""
    rows = (
        (r.unit_labels, f"{r.area_m2:.2f}", r.owner_ref, r.channel.value, r.ballot_no,
         r.blank, None if r.choices is None else json.dumps(r.choices, ensure_ascii=False),
         r.cast_at.isoformat(), r.mandate_id is not None, r.version, r.receipt)
        for r in db.session.execute(_export_query(vote).execution_options(yield_per=2000))
    )
    text = csv_text(EXPORT_HEADER, rows)
    record_event("vote.export_ballots", actor=actor, community_id=vote.community_id,
                 target=f"vote:{vote.id}", details={})
    return text
