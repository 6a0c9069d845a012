"""Voting methods: tallies under the Art. 278 rules, reasons, single choice and ranked."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from voting.counting import (
    METHODS,
    Ballot,
    BallotError,
    Electorate,
    Option,
    Result,
    Tally,
    Threshold,
    Voter,
    VotingMethod,
    get_method,
    localize,
    threshold_for_matters,
)

A, B, C = Option(7, "方案A"), Option(8, "方案B"), Option(9, "方案C")
APPROVE, SINGLE, RANKED = (get_method(n) for n in ("approve_each", "single_choice", "ranked"))


def electorate(*areas: str | int) -> Electorate:
    """Owners o1, o2, ... with the given areas."""
    return Electorate(tuple(Voter(f"o{i}", D(a)) for i, a in enumerate(areas, start=1)))


def votes(*choices: object) -> list[Ballot]:
    """Ballots of o1, o2, ... (``None`` skips that owner, ``"blank"`` is a blank ballot)."""
    ballots = []
    for i, choice in enumerate(choices, start=1):
        if choice == "blank":
            ballots.append(Ballot(f"o{i}", blank=True))
        elif choice is not None:
            ballots.append(Ballot(f"o{i}", choice))
    return ballots


def each(option_id: int, side: str) -> dict[str, str]:
    return {str(option_id): side}


YES, NO, ABST = each(7, "agree"), each(7, "oppose"), each(7, "abstain")


# --- who may be counted -----------------------------------------------------------------


@pytest.mark.parametrize("method", list(METHODS.values()), ids=list(METHODS))
def test_ballot_from_outside_the_electorate_is_rejected(method: VotingMethod[object]) -> None:
    with pytest.raises(BallotError) as caught:
        method.tally(electorate(100), [Ballot("stranger", blank=True)], [A], "majority")
    assert caught.value.code == "not_in_electorate"


@pytest.mark.parametrize("method", list(METHODS.values()), ids=list(METHODS))
def test_two_ballots_of_one_owner_are_never_double_counted(method: VotingMethod[object]) -> None:
    ballots = [Ballot("o1", blank=True), Ballot("o1", blank=True)]
    with pytest.raises(BallotError) as caught:
        method.tally(electorate(100, 100), ballots, [A], "majority")
    assert (caught.value.code, caught.value.status) == ("duplicate_ballot", 422)


def test_duplicate_option_ids_are_rejected() -> None:
    with pytest.raises(ValueError):
        APPROVE.tally(electorate(1), [], [A, Option(7, "again")], "majority")


# --- approve_each under the thresholds --------------------------------------------------


def test_blank_ballots_participate_and_abstain() -> None:
    result = APPROVE.tally(electorate(100, 100, 100), votes(YES, "blank", YES), [A, B], "majority")
    assert result.participation == Tally(3, D(300))
    assert result.option(7).agree == Tally(2, D(200))
    assert result.option(7).abstain == Tally(1, D(100))
    assert result.option(8).abstain == Tally(3, D(300))  # omitted option: abstain
    assert result.option(7).passed and not result.option(8).passed


def test_quorum_exactly_two_thirds_is_met_in_a_tally() -> None:
    result = APPROVE.tally(electorate(100, 100, 100), votes(YES, YES), [A], Threshold.MAJORITY)
    assert result.quorum_met
    assert result.option(7).passed
    assert result.outcome_passed and result.outcome_option_id == 7


def test_quorum_short_by_area_fails_every_option() -> None:
    # 2 of 3 heads, but 200.00 of 300.01 m2
    result = APPROVE.tally(electorate(100, 100, "100.01"), votes(YES, YES), [A], "majority")
    assert not result.quorum_met
    assert not result.option(7).passed
    assert not result.outcome_passed and result.outcome_option_id is None
    assert "按面积参与率 66.66%，低于三分之二" in result.reasons
    assert "按人数参与率 66.67%，达到三分之二" in result.reasons
    assert "方案A 未通过：参与率未达到三分之二" in result.option(7).reasons


def test_quorum_short_by_headcount_fails() -> None:
    # 5 of 9 heads hold almost all the area
    result = APPROVE.tally(
        electorate(900, 900, 900, 900, 900, 1, 1, 1, 1), votes(*[YES] * 5), [A], "majority"
    )
    assert result.participation.area / result.electorate.area > D("0.99")
    assert not result.quorum_met
    assert not result.option(7).passed


def test_majority_exactly_half_by_area_fails_just_over_passes() -> None:
    # o1, o2 agree (150 m2, 2 heads), o3 opposes (150 m2): area exactly 1/2
    half = APPROVE.tally(electorate(100, 50, 150), votes(YES, YES, NO), [A], "majority")
    assert half.quorum_met and not half.option(7).passed
    assert "方案A 同意面积占参与面积 50.00%，未超过半数" in half.option(7).reasons
    over = APPROVE.tally(electorate(100, 50, "149.99"), votes(YES, YES, NO), [A], "majority")
    assert over.option(7).passed
    assert "方案A 同意面积占参与面积 50.002%，超过半数" in over.option(7).reasons


def test_majority_exactly_half_by_headcount_fails_just_over_passes() -> None:
    half = APPROVE.tally(electorate(500, 500, 1, 1), votes(YES, YES, NO, NO), [A], "majority")
    assert not half.option(7).passed  # 2 of 4 heads, though 99.8% of the area
    over = APPROVE.tally(
        electorate(500, 500, 500, 1, 1), votes(YES, YES, YES, NO, NO), [A], "majority"
    )
    assert over.option(7).passed


def test_three_quarters_exactly_passes_a_three_quarter_matter() -> None:
    threshold = threshold_for_matters([7])
    exact = APPROVE.tally(electorate(100, 100, 100, 100), votes(YES, YES, YES, NO), [A], threshold)
    assert exact.option(7).passed
    assert "方案A 同意面积占参与面积 75.00%，达到四分之三" in exact.option(7).reasons
    short = APPROVE.tally(
        electorate(100, 100, 100, "100.01"), votes(YES, YES, YES, NO), [A], threshold
    )
    assert not short.option(7).passed
    assert "方案A 同意面积占参与面积 74.998%，低于四分之三" in short.option(7).reasons


def test_several_matters_use_the_strictest() -> None:
    ballots = votes(YES, YES, NO, YES, YES, YES, YES, NO, NO, NO)  # 6 of 10 agree
    majority = APPROVE.tally(electorate(*[100] * 10), ballots, [A], threshold_for_matters([5]))
    strictest = APPROVE.tally(electorate(*[100] * 10), ballots, [A], threshold_for_matters([5, 6]))
    assert majority.option(7).passed
    assert strictest.threshold is Threshold.THREE_QUARTERS
    assert not strictest.option(7).passed


def test_advisory_needs_no_quorum_but_reports_it() -> None:
    result = APPROVE.tally(electorate(*[100] * 10), votes(YES), [A], threshold_for_matters([]))
    assert result.threshold is Threshold.ADVISORY
    assert not result.quorum_met
    assert result.option(7).passed
    assert "咨询性表决不要求参与率达到三分之二" in result.reasons
    binding = APPROVE.tally(electorate(*[100] * 10), votes(YES), [A], Threshold.MAJORITY)
    assert not binding.option(7).passed


def test_developer_counts_once_however_large() -> None:
    # the developer's unsold units, grouped upstream: 1 head, 6000 of 6400 m2
    owners = tuple(Voter(f"o{i}", D(100)) for i in range(1, 5))
    people = Electorate((Voter("developer", D(6000)), *owners))
    alone = APPROVE.tally(people, [Ballot("developer", YES)], [A], "majority")
    assert alone.participation == Tally(1, D(6000))
    assert not alone.quorum_met  # 94% of the area, 1 of 5 heads
    outvoted = APPROVE.tally(
        people,
        [Ballot("developer", YES), *(Ballot(v.owner_ref, NO) for v in owners[:3])],
        [A],
        "majority",
    )
    assert outvoted.quorum_met
    assert not outvoted.option(7).passed  # 98% of the area, but 1 of 4 heads
    assert "方案A 同意人数占参与人数 25.00%，未超过半数" in outvoted.option(7).reasons


def test_outcome_between_two_passing_options_is_the_larger_agree_area() -> None:
    both = [{"7": "agree", "8": "agree"}, {"7": "agree", "8": "agree"}, {"8": "agree"}]
    result = APPROVE.tally(electorate(100, 100, 100), votes(*both), [A, B], "majority")
    assert result.option(7).passed and result.option(8).passed
    assert result.outcome_option_id == 8
    assert result.reasons[-1] == "结果：方案B 通过（在通过的方案中同意面积最大）"


def test_empty_electorate_decides_nothing() -> None:
    result = APPROVE.tally(Electorate(()), [], [A], "majority")
    assert result.participation == Tally.zero()
    assert not result.quorum_met and not result.outcome_passed
    assert "表决范围内没有业主，无法形成决定" in result.reasons
    assert result.option(7).reasons == ("方案A 无人参与表决，未通过",)


# --- reasons ------------------------------------------------------------------------------


def test_reasons_quote_participation_as_the_api_examples() -> None:
    result = APPROVE.tally(electorate(612, 388), votes(YES), [A], "majority")
    assert result.reasons[:3] == (
        "适用规则：需参与表决的专有部分面积和人数均过半数同意",
        "按面积参与率 61.20%，低于三分之二",
        "按人数参与率 50.00%，低于三分之二",
    )
    seven = APPROVE.tally(electorate(*[10] * 10), votes(*[YES] * 7), [A], "majority")
    assert "按人数参与率 70.00%，达到三分之二" in seven.reasons
    assert seven.reasons[-1] == "结果：方案A 通过"


def test_reasons_in_english() -> None:
    result = APPROVE.tally(electorate(612, 388), votes(YES), [A], "majority", lang="en")
    assert "Participation by area 61.20%, below two thirds" in result.reasons
    assert result.reasons[-1] == "Outcome: no option passed"
    assert localize(result, "zh") == APPROVE.tally(
        electorate(612, 388), votes(YES), [A], "majority"
    )
    assert localize(localize(result, "zh"), "en") == result


# --- single_choice -----------------------------------------------------------------------


def test_single_choice_sides() -> None:
    ballots = votes({"option": 7}, {"option": 7}, {"option": 8}, {"option": "oppose_all"})
    ballots += votes(None, None, None, None, {"option": "abstain"}, "blank")
    result = SINGLE.tally(electorate(*[100] * 6), ballots, [A, B, C], "majority")
    assert result.participation == Tally(6, D(600))
    a = result.option(7)
    assert (a.agree, a.oppose, a.abstain) == (Tally(2, D(200)), Tally(1, D(100)), Tally(2, D(200)))
    b = result.option(8)
    assert (b.agree.headcount, b.oppose.headcount, b.abstain.headcount) == (1, 1, 2)
    assert result.option(9).agree == Tally.zero()
    assert not result.outcome_passed  # 2 of 6 is not a majority of participants


def test_single_choice_winner_must_meet_the_threshold() -> None:
    ballots = votes({"option": 7}, {"option": 7}, {"option": 8}, {"option": 7})
    result = SINGLE.tally(electorate(100, 100, 100, 100, 100), ballots, [A, B], "majority")
    assert result.quorum_met and result.option(7).passed and not result.option(8).passed
    assert result.outcome_option_id == 7
    strict = SINGLE.tally(electorate(100, 100, 100, 100, 100), ballots, [A, B], "three_quarters")
    assert strict.option(7).passed  # 3 of 4 participants, exactly 3/4
    assert not strict.option(8).passed


# --- ranked ---------------------------------------------------------------------------------


def test_ranked_tally_reports_ranking_pairwise_and_first_preferences() -> None:
    ballots = votes(
        {"ranking": [[7], [8], [9]]},
        {"ranking": [[7, 8]]},  # 9 left out: below 7 and 8
        {"ranking": [[8], [7]]},
        {"ranking": [[7]]},
        "blank",
    )
    result = RANKED.tally(electorate(100, 100, 100, 100, 100), ballots, [A, B, C], "advisory")
    assert result.ranking == ((7,), (8,), (9,))
    assert result.pairwise == {
        7: {7: 0, 8: 2, 9: 4},
        8: {7: 1, 8: 0, 9: 3},
        9: {7: 0, 8: 0, 9: 0},
    }
    a = result.option(7)
    assert (a.agree.headcount, a.oppose.headcount, a.abstain.headcount) == (3, 1, 1)
    assert a.passed  # 3 of 5 rank it first: more than half, advisory
    c = result.option(9)
    assert (c.agree.headcount, c.oppose.headcount, c.abstain.headcount) == (0, 1, 4)
    assert result.to_dict()["ranking"] == [[7], [8], [9]]
    assert "Schulze 排序（以票差为链强度）：方案A ＞ 方案B ＞ 方案C" in result.reasons
    english = localize(result, "en")
    assert "Schulze order (margins as link strength): 方案A > 方案B > 方案C" in english.reasons


def test_ranked_ties_are_one_group() -> None:
    ballots = votes({"ranking": [[7], [8]]}, {"ranking": [[8], [7]]})
    result = RANKED.tally(electorate(1, 1), ballots, [A, B], "advisory")
    assert result.ranking == ((7, 8),)
    assert "Schulze 排序（以票差为链强度）：方案A ＝ 方案B" in result.reasons


def test_result_types() -> None:
    result = APPROVE.tally(electorate(1), votes(YES), [A], "majority")
    assert isinstance(result, Result)
    assert result.method == "approve_each" and result.ranking is None and result.pairwise is None
    assert result.adjusted is None
