"""从众: non-voters counted with the majority of participants, beside the strict count."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from voting.counting import (
    ADJUSTED,
    STRICT,
    Ballot,
    Electorate,
    Option,
    Tally,
    Voter,
    adjusted_result,
    get_method,
    localize,
)

A, B = Option(7, "方案A"), Option(8, "方案B")
APPROVE, SINGLE = get_method("approve_each"), get_method("single_choice")


def electorate(*areas: int | str) -> Electorate:
    return Electorate(tuple(Voter(f"o{i}", D(a)) for i, a in enumerate(areas, start=1)))


def ballots(*choices: object) -> list[Ballot]:
    return [Ballot(f"o{i}", c) for i, c in enumerate(choices, start=1) if c is not None]


def test_non_voters_join_the_majority_and_the_strict_result_stays_primary() -> None:
    people = electorate(*[100] * 10)
    votes = ballots({"7": "agree"}, {"7": "agree"}, {"7": "agree"}, {"7": "oppose"})
    result = APPROVE.tally(people, votes, [A], "majority", adjust_non_voters=True)
    # strict: 4 of 10 took part, no quorum, fails
    assert result.label == STRICT
    assert not result.quorum_met and not result.outcome_passed
    adjusted = result.adjusted
    assert adjusted is not None and adjusted.label == ADJUSTED
    assert adjusted.participation == Tally(10, D(1000))
    assert adjusted.quorum_met
    assert adjusted.option(7).agree == Tally(9, D(900))
    assert adjusted.option(7).oppose == Tally(1, D(100))
    assert adjusted.outcome_passed and adjusted.outcome_option_id == 7
    assert adjusted.reasons[0].startswith("从众计票")
    assert "以严格计票结果为准" in adjusted.reasons[0]
    assert adjusted.reasons[1] == "计入未参与表决的业主 6 人，面积 600.00 平方米"
    # the API's JSON is the strict result; the adjusted one only in the extended form
    assert "adjusted" not in result.to_dict()
    assert result.to_dict()["outcome"]["passed"] is False
    extended = result.to_dict(extended=True)
    assert extended["adjusted"]["label"] == ADJUSTED
    assert extended["adjusted"]["outcome"]["passed"] is True


def test_headcount_and_area_follow_their_own_majorities() -> None:
    people = electorate(500, 100, 100, 50, 50)
    votes = ballots({"7": "agree"}, {"7": "oppose"}, {"7": "oppose"})
    strict = APPROVE.tally(people, votes, [A], "majority")
    adjusted = adjusted_result(strict)
    # heads: oppose 2 > agree 1, so the 2 non-voters' heads go to oppose;
    # area: agree 500 > oppose 200, so their 100 m2 go to agree
    assert adjusted.option(7).agree == Tally(1, D(600))
    assert adjusted.option(7).oppose == Tally(4, D(200))
    assert not adjusted.option(7).passed


def test_a_tie_for_the_largest_side_counts_non_voters_as_abstaining() -> None:
    people = electorate(100, 100, 100)
    votes = ballots({"7": "agree"}, {"7": "oppose"})
    adjusted = adjusted_result(APPROVE.tally(people, votes, [A], "majority"))
    assert adjusted.option(7).abstain == Tally(1, D(100))
    assert adjusted.option(7).agree == Tally(1, D(100))


def test_nobody_voting_leaves_everyone_abstaining() -> None:
    adjusted = adjusted_result(APPROVE.tally(electorate(100, 100), [], [A], "majority"))
    assert adjusted.option(7).abstain == Tally(2, D(200))
    assert not adjusted.outcome_passed


def test_single_choice_non_voters_follow_what_most_participants_did_for_each_option() -> None:
    people = electorate(*[100] * 8)
    votes = ballots(
        {"option": 7}, {"option": 7}, {"option": 7}, {"option": 8}, {"option": "oppose_all"}
    )
    adjusted = adjusted_result(SINGLE.tally(people, votes, [A, B], "majority"))
    # for A the largest group chose A: the 3 non-voters agree with A
    assert adjusted.option(7).agree == Tally(6, D(600))
    assert adjusted.option(7).passed and adjusted.outcome_option_id == 7
    # for B the largest group chose another option: the non-voters count in none of the three
    b = adjusted.option(8)
    assert (b.agree, b.oppose, b.abstain) == (Tally(1, D(100)), Tally(1, D(100)), Tally.zero())


def test_adjusting_twice_is_refused() -> None:
    adjusted = adjusted_result(APPROVE.tally(electorate(1), [], [A], "majority"))
    with pytest.raises(ValueError):
        adjusted_result(adjusted)


def test_adjusted_reasons_in_english() -> None:
    people = electorate(100, 100, 100)
    result = APPROVE.tally(
        people, ballots({"7": "agree"}), [A], "majority", adjust_non_voters=True, lang="en"
    )
    assert result.adjusted is not None
    assert result.adjusted.reasons[0].startswith("Adjusted count")
    assert result.adjusted.reasons[1] == "2 non-voting owners with 200.00 m² added"
    assert localize(result, "zh").adjusted == adjusted_result(localize(result, "zh"))
