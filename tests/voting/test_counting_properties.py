"""Property tests of the tallies: order independence, bounds, monotonicity, 从众 invariants."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.voting.strategies import weak_orders
from voting.counting import (
    METHODS,
    Ballot,
    Electorate,
    Option,
    Result,
    Tally,
    Threshold,
    Voter,
    get_method,
)

PROPS = settings(max_examples=200, deadline=None)
SIDES = ("agree", "oppose", "abstain")


@dataclass(frozen=True)
class Election:
    method: str
    electorate: Electorate
    ballots: tuple[Ballot, ...]
    options: tuple[Option, ...]
    threshold: Threshold

    def tally(self, ballots: tuple[Ballot, ...] | None = None, **kwargs: object) -> Result:
        method = get_method(self.method)
        chosen = self.ballots if ballots is None else ballots
        return method.tally(self.electorate, chosen, self.options, self.threshold, **kwargs)  # type: ignore[arg-type]


@st.composite
def choices(draw: st.DrawFn, method: str, ids: list[int]) -> object:
    """Valid choices of the method, in the shapes clients send."""
    if method == "approve_each":
        picked: dict[object, str] = {}
        for option_id in ids:
            side = draw(st.sampled_from(("agree", "agree", *SIDES, None)))  # lean to agree
            if side is not None:
                picked[draw(st.sampled_from((option_id, str(option_id))))] = side
        return picked
    if method == "single_choice":
        favourite = ids[0]  # lean to one option, so that it passes now and then
        return {"option": draw(st.sampled_from([favourite, *ids, "oppose_all", "abstain"]))}
    return {"ranking": draw(weak_orders(ids))}


# areas from 0.01 to 100000.00 m2; sometimes all equal, to land on exact boundaries
AREAS = st.integers(1, 10**7).map(lambda cents: D(cents).scaleb(-2))


@st.composite
def elections(draw: st.DrawFn, methods: tuple[str, ...] = tuple(METHODS)) -> Election:
    method = draw(st.sampled_from(methods))
    size = draw(st.integers(1, 12))
    if draw(st.booleans()):
        areas = [D("100.00")] * size
    else:
        areas = draw(st.lists(AREAS, min_size=size, max_size=size))
    refs = [f"o{i}" for i in range(size)]
    if draw(st.booleans()):  # the developer's unsold units: one big person
        refs[0] = "developer"
        areas[0] = draw(st.integers(10**6, 10**8).map(lambda cents: D(cents).scaleb(-2)))
    electorate = Electorate(tuple(Voter(ref, area) for ref, area in zip(refs, areas, strict=True)))
    ids = draw(st.lists(st.integers(1, 40), min_size=1, max_size=4, unique=True))
    options = tuple(Option(i, f"方案{i}") for i in ids)
    ballots = []
    for ref in refs:
        kind = draw(st.sampled_from(("absent", "blank", "vote", "vote", "vote", "vote")))
        if kind == "blank":
            ballots.append(Ballot(ref, blank=True))
        elif kind == "vote":
            ballots.append(Ballot(ref, draw(choices(method, ids))))
    threshold = draw(st.sampled_from(list(Threshold)))
    return Election(method, electorate, tuple(ballots), options, threshold)


@PROPS
@given(elections(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_ballot_or_voter_order(
    election: Election, rnd: random.Random
) -> None:
    ballots = list(election.ballots)
    rnd.shuffle(ballots)
    voters = list(election.electorate.voters)
    rnd.shuffle(voters)
    shuffled_electorate = Election(
        election.method,
        Electorate(tuple(voters)),
        election.ballots,
        election.options,
        election.threshold,
    )
    expected = election.tally()
    assert election.tally(tuple(ballots)) == expected
    assert shuffled_electorate.tally() == expected


@PROPS
@given(elections())
def test_participation_and_sides_stay_within_bounds(election: Election) -> None:
    result = election.tally()
    assert result.participation.headcount <= result.electorate.headcount
    assert result.participation.area <= result.electorate.area
    assert result.participation.headcount == len(election.ballots)
    for option in result.options:
        counted = option.agree + option.oppose + option.abstain
        assert counted.headcount <= result.participation.headcount
        assert counted.area <= result.participation.area
        if election.method != "single_choice":  # every ballot takes a side on every option
            assert counted == result.participation
        assert not option.passed or result.quorum_met or election.threshold is Threshold.ADVISORY
    assert result.outcome_passed == any(o.passed for o in result.options)
    assert (result.outcome_option_id is None) == (not result.outcome_passed)
    assert result.reasons and all(isinstance(r, str) and r for r in result.reasons)


def _raised(method: str, ballot: Ballot, option_id: int) -> Ballot | None:
    """The ballot with its oppose/abstain (or blank) on option_id turned into agree."""
    if method == "approve_each":
        choice = {} if ballot.blank else dict(ballot.choices)  # type: ignore[call-overload]
        current = choice.pop(option_id, None) or choice.pop(str(option_id), None) or "abstain"
        if current == "agree":
            return None
        return Ballot(ballot.owner_ref, {**choice, str(option_id): "agree"})
    if ballot.blank or ballot.choices["option"] in ("oppose_all", "abstain"):  # type: ignore[index]
        return Ballot(ballot.owner_ref, {"option": option_id})
    return None


@PROPS
@given(elections(methods=("approve_each", "single_choice")), st.data())
def test_turning_oppose_or_abstain_into_agree_never_makes_an_option_fail(
    election: Election, data: st.DataObject
) -> None:
    option_id = data.draw(st.sampled_from([o.option_id for o in election.options]))
    raisable = [
        i
        for i, ballot in enumerate(election.ballots)
        if _raised(election.method, ballot, option_id) is not None
    ]
    if not raisable:
        return
    index = data.draw(st.sampled_from(raisable))
    raised = _raised(election.method, election.ballots[index], option_id)
    assert raised is not None
    ballots = (*election.ballots[:index], raised, *election.ballots[index + 1 :])
    before, after = election.tally(), election.tally(ballots)
    assert after.participation == before.participation
    assert after.option(option_id).agree.headcount == before.option(option_id).agree.headcount + 1
    if before.option(option_id).passed:
        assert after.option(option_id).passed


@PROPS
@given(elections())
def test_ranked_results_rank_every_option_exactly_once(election: Election) -> None:
    result = election.tally()
    if election.method != "ranked":
        assert result.ranking is None and "ranking" not in result.to_dict()
        return
    assert result.ranking is not None and result.pairwise is not None
    flat = sorted(i for group in result.ranking for i in group)
    assert flat == sorted(o.option_id for o in election.options)
    assert result.to_dict()["ranking"] == [list(group) for group in result.ranking]


@PROPS
@given(elections())
def test_adjusted_count_never_replaces_the_strict_one(election: Election) -> None:
    strict = election.tally()
    both = election.tally(adjust_non_voters=True)
    adjusted = both.adjusted
    assert adjusted is not None
    assert both.label == "strict" and adjusted.label == "non_voters_with_majority"
    assert both.to_dict() == strict.to_dict()  # the primary result is the strict one
    assert adjusted.participation == strict.electorate
    non_voters = strict.electorate - strict.participation
    assert adjusted.non_voters_added == non_voters
    for before, after in zip(strict.options, adjusted.options, strict=True):
        grown = (after.agree + after.oppose + after.abstain) - (
            before.agree + before.oppose + before.abstain
        )
        assert grown.headcount in (0, non_voters.headcount)
        assert grown.area in (0, non_voters.area)
        if non_voters == Tally.zero():
            assert (after.agree, after.oppose, after.abstain) == (
                before.agree,
                before.oppose,
                before.abstain,
            )
    assert adjusted.ranking == strict.ranking
