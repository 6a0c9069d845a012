"""Art. 278 thresholds: which rule applies, the 2/3 quorum, approval at 1/2 and 3/4."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.counting import (
    QUORUM,
    Threshold,
    approval_met,
    describe_quorum,
    describe_threshold,
    option_passes,
    quorum_met,
    quorum_required,
    threshold_for_matters,
)

PROPS = settings(max_examples=200, deadline=None)


# --- which threshold ---------------------------------------------------------------------


def test_threshold_values() -> None:
    assert Threshold.MAJORITY.value == "majority"
    assert Threshold.THREE_QUARTERS.value == "three_quarters"
    assert Threshold.ADVISORY.value == "advisory"
    assert Threshold("three_quarters") is Threshold.THREE_QUARTERS


@pytest.mark.parametrize("item", [1, 2, 3, 4, 5, 9])
def test_majority_items(item: int) -> None:
    assert threshold_for_matters([item]) is Threshold.MAJORITY


@pytest.mark.parametrize("item", [6, 7, 8])
def test_three_quarter_items(item: int) -> None:
    assert threshold_for_matters([item]) is Threshold.THREE_QUARTERS


def test_no_items_is_advisory() -> None:
    assert threshold_for_matters([]) is Threshold.ADVISORY
    assert threshold_for_matters(()) is Threshold.ADVISORY


@pytest.mark.parametrize(
    ("matters", "expected"),
    [
        ([5, 6], Threshold.THREE_QUARTERS),  # use vs raise the maintenance fund
        ([9, 7, 1], Threshold.THREE_QUARTERS),
        ([8, 8], Threshold.THREE_QUARTERS),
        ([1, 2, 3, 4, 5, 9], Threshold.MAJORITY),
        ([4, 4], Threshold.MAJORITY),
    ],
)
def test_several_items_take_the_strictest(matters: list[int], expected: Threshold) -> None:
    assert threshold_for_matters(matters) is expected
    assert threshold_for_matters(iter(matters)) is expected  # any iterable
    assert threshold_for_matters(reversed(matters)) is expected  # order does not matter


@pytest.mark.parametrize("bad", [0, 10, -1, 278, True, "5", 5.0, None])
def test_rejects_non_items(bad: object) -> None:
    with pytest.raises(ValueError):
        threshold_for_matters([5, bad])  # type: ignore[list-item]


def test_quorum_required_except_advisory() -> None:
    assert quorum_required(Threshold.MAJORITY)
    assert quorum_required(Threshold.THREE_QUARTERS)
    assert not quorum_required(Threshold.ADVISORY)
    assert Fraction(2, 3) == QUORUM


# --- quorum: >= 2/3 of area AND of headcount ---------------------------------------------


def test_quorum_exactly_two_thirds_of_both_is_met() -> None:
    assert quorum_met(6, D("200.00"), 9, D("300.00"))


def test_quorum_just_below_two_thirds_by_headcount_fails() -> None:
    assert not quorum_met(5, D("300.00"), 9, D("300.00"))  # 5/9 heads, all area
    assert not quorum_met(665, D("300"), 1000, D("300"))  # 66.5%


def test_quorum_just_below_two_thirds_by_area_fails() -> None:
    assert not quorum_met(9, D("199.99"), 9, D("300.00"))  # all heads, area a hair short
    assert quorum_met(9, D("200.00"), 9, D("300.00"))


def test_quorum_is_exact_where_floats_are_not() -> None:
    # 4.02 / 6.03 is exactly 2/3, but 4.02 / 6.03 in floats is 0.6666666666666665.
    assert 4.02 / 6.03 < 2 / 3
    assert quorum_met(2, D("4.02"), 3, D("6.03"))
    assert not quorum_met(2, D("4.01"), 3, D("6.03"))


def test_empty_electorate_never_meets_quorum() -> None:
    assert not quorum_met(0, D(0), 0, D(0))
    assert not quorum_met(0, D(0), 0, D("10"))
    assert not quorum_met(3, D(0), 3, D(0))


@pytest.mark.parametrize(
    "args", [(-1, D(1), 3, D(3)), (1, D(-1), 3, D(3)), (4, D(1), 3, D(3)), (1, D(4), 3, D(3))]
)
def test_quorum_rejects_impossible_counts(args: tuple[int, D, int, D]) -> None:
    with pytest.raises(ValueError):
        quorum_met(*args)


# --- approval among participants ---------------------------------------------------------


def test_majority_exactly_half_fails() -> None:
    assert not approval_met(Threshold.MAJORITY, 5, D("50.00"), 10, D("100.00"))
    # half by area alone, or by headcount alone, is not enough either
    assert not approval_met(Threshold.MAJORITY, 9, D("50.00"), 10, D("100.00"))
    assert not approval_met(Threshold.MAJORITY, 5, D("99.00"), 10, D("100.00"))


def test_majority_just_over_half_passes() -> None:
    assert approval_met(Threshold.MAJORITY, 6, D("50.01"), 10, D("100.00"))
    assert approval_met(Threshold.MAJORITY, 501, D("500.01"), 1000, D("1000.00"))


def test_three_quarters_exactly_passes() -> None:
    assert approval_met(Threshold.THREE_QUARTERS, 3, D("75.00"), 4, D("100.00"))
    # 0.15 / 0.20 is exactly 3/4, though floats make it 0.7499999999999999
    assert 0.15 / 0.20 < 0.75
    assert approval_met(Threshold.THREE_QUARTERS, 3, D("0.15"), 4, D("0.20"))


def test_three_quarters_just_below_fails_by_area_or_headcount() -> None:
    assert not approval_met(Threshold.THREE_QUARTERS, 3, D("74.99"), 4, D("100.00"))
    assert not approval_met(Threshold.THREE_QUARTERS, 74, D("100.00"), 100, D("100.00"))
    assert approval_met(Threshold.THREE_QUARTERS, 75, D("100.00"), 100, D("100.00"))


def test_advisory_needs_strictly_more_than_half() -> None:
    assert not approval_met(Threshold.ADVISORY, 1, D("1"), 2, D("2"))
    assert approval_met(Threshold.ADVISORY, 2, D("2"), 3, D("3"))


@pytest.mark.parametrize("threshold", list(Threshold))
def test_no_participants_never_approves(threshold: Threshold) -> None:
    assert not approval_met(threshold, 0, D(0), 0, D(0))


def test_approval_accepts_threshold_strings() -> None:
    assert approval_met("three_quarters", 3, D(3), 4, D(4))  # type: ignore[arg-type]


def test_option_passes_needs_quorum_except_advisory() -> None:
    assert not option_passes(Threshold.MAJORITY, False, 1, D(1), 1, D(1))
    assert not option_passes(Threshold.THREE_QUARTERS, False, 1, D(1), 1, D(1))
    assert option_passes(Threshold.ADVISORY, False, 1, D(1), 1, D(1))
    assert option_passes(Threshold.MAJORITY, True, 1, D(1), 1, D(1))


# --- descriptions -------------------------------------------------------------------------


def test_descriptions_in_chinese_and_english() -> None:
    assert describe_threshold(Threshold.MAJORITY) == "需参与表决的专有部分面积和人数均过半数同意"
    assert (
        describe_threshold(Threshold.THREE_QUARTERS, "zh")
        == "需参与表决的专有部分面积和人数均达到四分之三同意"
    )
    assert "咨询" in describe_threshold(Threshold.ADVISORY)
    assert "more than half" in describe_threshold(Threshold.MAJORITY, "en")
    assert "three quarters" in describe_threshold("three_quarters", "en-GB")  # type: ignore[arg-type]
    assert describe_threshold(Threshold.MAJORITY, "zh-CN") == describe_threshold(Threshold.MAJORITY)
    assert "三分之二" in describe_quorum()
    assert "two thirds" in describe_quorum("en")
    with pytest.raises(ValueError):
        describe_threshold(Threshold.MAJORITY, "fr")


# --- properties against plain integer arithmetic -------------------------------------------

cents = st.integers(min_value=0, max_value=10**9)


@PROPS
@given(st.integers(0, 500), st.integers(0, 500), cents, cents)
def test_quorum_matches_integer_arithmetic(h1: int, h2: int, a1: int, a2: int) -> None:
    part_h, total_h = sorted((h1, h2))
    part_a, total_a = sorted((a1, a2))
    expected = (
        total_h > 0 and total_a > 0 and 3 * part_h >= 2 * total_h and 3 * part_a >= 2 * total_a
    )
    assert quorum_met(part_h, D(part_a).scaleb(-2), total_h, D(total_a).scaleb(-2)) is expected


@PROPS
@given(st.integers(0, 500), st.integers(0, 500), cents, cents, st.sampled_from(list(Threshold)))
def test_approval_matches_integer_arithmetic(
    h1: int, h2: int, a1: int, a2: int, threshold: Threshold
) -> None:
    agree_h, part_h = sorted((h1, h2))
    agree_a, part_a = sorted((a1, a2))
    if threshold is Threshold.THREE_QUARTERS:
        expected = 4 * agree_h >= 3 * part_h and 4 * agree_a >= 3 * part_a
    else:
        expected = 2 * agree_h > part_h and 2 * agree_a > part_a
    expected = expected and part_h > 0 and part_a > 0
    got = approval_met(threshold, agree_h, D(agree_a).scaleb(-2), part_h, D(part_a).scaleb(-2))
    assert got is expected
