"""The law (`app.law`) at its boundaries, by property: the 2/3 quorum, > 1/2 and >= 3/4, what is
missing for the quorum (to the person and to the cent), the strictest of several items, the
words in zh and en, and the days the Civil Code counts. Plus: the pure modules import without
Flask or SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.law import (
    MATTERS,
    QUORUM,
    Threshold,
    approval_met,
    describe_failed_for_quorum,
    describe_matters_rules,
    describe_missing,
    describe_participation,
    describe_quorum,
    describe_quorum_outcome,
    describe_quorum_state,
    describe_rule,
    describe_share,
    describe_threshold,
    describe_verdict,
    earliest_meeting_day,
    end_of_period,
    full_days_between,
    matter_name,
    missing_for_quorum,
    notice_period_met,
    option_passes,
    quorum_met,
    quorum_share_met,
    required_notice_days,
    strictest,
    threshold_for_matters,
    vote_may_open_at,
)

PROPS = settings(max_examples=300, deadline=None)
CENT = Decimal("0.01")
TZ = "Asia/Shanghai"

#: a count of people
people = st.integers(min_value=1, max_value=3_000)
#: an area in whole cents, as a Decimal with two places
cents = st.integers(min_value=1, max_value=10**9).map(lambda c: Decimal(c) / 100)


def _cents(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(CENT)


# --- the 2/3 participation quorum ---------------------------------------------------------

@PROPS
@given(k=people, area_thirds=st.integers(min_value=1, max_value=10**8))
def test_quorum_exactly_two_thirds_is_met_one_less_is_not(k: int, area_thirds: int) -> None:
    total_heads, total_area = 3 * k, _cents(3 * area_thirds)
    part_area = _cents(2 * area_thirds)
    assert quorum_met(2 * k, part_area, total_heads, total_area)
    assert not quorum_met(2 * k - 1, part_area, total_heads, total_area)  # one owner less
    assert not quorum_met(2 * k, part_area - CENT, total_heads, total_area)  # one cent less


@PROPS
@given(total=people, part=people)
def test_quorum_share_is_two_thirds_inclusive(total: int, part: int) -> None:
    part = min(part, total)
    assert quorum_share_met(part, total) == (3 * part >= 2 * total)


def test_quorum_of_an_empty_electorate_is_never_met() -> None:
    assert not quorum_met(0, Decimal(0), 0, Decimal(0))
    assert QUORUM.numerator == 2 and QUORUM.denominator == 3


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        quorum_met(2, 2.0, 3, Decimal(3))  # type: ignore[arg-type]


# --- approval: more than half, at least three quarters ------------------------------------

@PROPS
@given(k=people, area_halves=st.integers(min_value=1, max_value=10**8))
def test_majority_of_exactly_half_is_not_met(k: int, area_halves: int) -> None:
    heads, area = 2 * k, _cents(2 * area_halves)
    half_area = _cents(area_halves)
    assert not approval_met(Threshold.MAJORITY, k, half_area, heads, area)
    assert not approval_met(Threshold.MAJORITY, k + 1, half_area, heads, area)
    assert not approval_met(Threshold.MAJORITY, k, half_area + CENT, heads, area)
    assert approval_met(Threshold.MAJORITY, k + 1, half_area + CENT, heads, area)


@PROPS
@given(k=people, area_quarters=st.integers(min_value=1, max_value=10**8))
def test_three_quarters_exactly_is_met_one_less_is_not(k: int, area_quarters: int) -> None:
    heads, area = 4 * k, _cents(4 * area_quarters)
    three, three_area = 3 * k, _cents(3 * area_quarters)
    assert approval_met(Threshold.THREE_QUARTERS, three, three_area, heads, area)
    assert not approval_met(Threshold.THREE_QUARTERS, three - 1, three_area, heads, area)
    assert not approval_met(Threshold.THREE_QUARTERS, three, three_area - CENT, heads, area)


@PROPS
@given(k=people)
def test_an_option_needs_the_quorum_unless_advisory(k: int) -> None:
    heads, area = 4 * k, Decimal(4 * k)
    for threshold in (Threshold.MAJORITY, Threshold.THREE_QUARTERS):
        assert not option_passes(threshold, False, heads, area, heads, area)
        assert option_passes(threshold, True, heads, area, heads, area)
    assert option_passes(Threshold.ADVISORY, False, heads, area, heads, area)


# --- what is missing for the quorum -------------------------------------------------------

@PROPS
@given(total_heads=people, part_heads=st.integers(min_value=0, max_value=3_000),
       total_area=cents, share=st.fractions(min_value=0, max_value=1))
def test_adding_exactly_what_is_missing_tips_the_quorum(
        total_heads: int, part_heads: int, total_area: Decimal, share: Fraction) -> None:
    part_heads = min(part_heads, total_heads)
    part_area = (total_area * share.numerator / share.denominator).quantize(
        CENT, rounding=ROUND_FLOOR)
    missing = missing_for_quorum(part_heads, part_area, total_heads, total_area)
    assert missing.area == missing.area.quantize(CENT) and missing.area >= 0
    assert quorum_share_met(part_heads + missing.headcount, total_heads)
    assert quorum_share_met(part_area + missing.area, total_area)
    if missing.headcount:
        assert not quorum_share_met(part_heads + missing.headcount - 1, total_heads)
    else:
        assert quorum_share_met(part_heads, total_heads)
    if missing.area:
        assert not quorum_share_met(part_area + missing.area - CENT, total_area)
    else:
        assert quorum_share_met(part_area, total_area)
    both = quorum_met(part_heads + missing.headcount, part_area + missing.area, total_heads,
                      total_area)
    assert both


def test_missing_for_quorum_by_example() -> None:
    missing = missing_for_quorum(250, Decimal("20000.00"), 412, Decimal("38211.40"))
    assert (missing.headcount, missing.area) == (25, Decimal("5474.27"))  # 25474.266… rounded up


# --- the strictest of several items ------------------------------------------------------

@PROPS
@given(items=st.sets(st.sampled_from(sorted(MATTERS))))
def test_the_strictest_item_decides(items: set[int]) -> None:
    expected = (Threshold.THREE_QUARTERS if items & {6, 7, 8}
                else Threshold.MAJORITY if items else Threshold.ADVISORY)
    assert threshold_for_matters(items) == expected
    assert strictest([MATTERS[i].threshold for i in items]) == expected


def test_strictest_and_items_refuse_what_is_not_the_law() -> None:
    assert strictest([]) == Threshold.ADVISORY
    assert strictest(["majority", "three_quarters", "advisory"]) == Threshold.THREE_QUARTERS
    for bad in (0, 10, True, "6"):
        with pytest.raises(ValueError):
            threshold_for_matters([bad])


# --- the words, in zh and en -------------------------------------------------------------

def test_rules_in_chinese_and_english() -> None:
    assert describe_threshold(Threshold.MAJORITY, "zh") == (
        "需参与表决的专有部分面积和人数均过半数同意")
    assert describe_threshold(Threshold.THREE_QUARTERS, "en") == (
        "Needs the agreement of at least three quarters of the participating exclusive area "
        "and at least three quarters of the participating owners")
    assert describe_quorum("zh") == (
        "需专有部分面积占比三分之二以上且人数占比三分之二以上的业主参与表决")
    assert describe_quorum("en") == ("Owners holding at least two thirds of the exclusive area "
                                     "and at least two thirds of the headcount must take part")
    assert describe_rule(Threshold.MAJORITY, "zh") == (
        "需参与表决的专有部分面积和人数均过半数同意；"
        "需专有部分面积占比三分之二以上且人数占比三分之二以上的业主参与表决")
    assert describe_rule(Threshold.ADVISORY, "en") == describe_threshold("advisory", "en")
    assert matter_name(6, "zh") == "筹集建筑物及其附属设施的维修资金"
    assert matter_name(6, "en") == (
        "Raise the maintenance fund of the buildings and their facilities")
    assert describe_rule("majority", "zh-CN") == describe_rule("majority", "zh")
    with pytest.raises(ValueError):
        describe_quorum("fr")


def test_the_shares_and_the_quorum_state_in_words() -> None:
    """The pages' fraction names, the quorum sentence and the matters hint come from the law."""
    assert [describe_share(s, "zh") for s in (QUORUM, Fraction(3, 4), Fraction(1, 2))] == [
        "三分之二", "四分之三", "半数"]
    assert describe_share(QUORUM, "en") == "two thirds"
    assert describe_quorum_state(True, "zh") == "参与已达到面积和人数均三分之二。"
    assert describe_quorum_state(False, "en") == (
        "Turnout has not yet reached two thirds of both area and headcount.")
    assert describe_missing("3", "173.34 m²", "zh") == "距三分之二还差 3 人、173.34 m²。"
    assert describe_matters_rules("zh") == (
        "涉及第6、7、8项的，需四分之三同意；其他事项需过半数同意；都不选则为咨询性征求意见。")
    assert describe_matters_rules("en") == (
        "Items 6, 7 and 8 need three quarters; the others more than half; none makes it an "
        "advisory consultation.")
    assert describe_verdict(Threshold.THREE_QUARTERS, False, "zh") == "低于四分之三"
    assert describe_participation("area", True, "70.00%", "en") == (
        "Participation by area 70.00%, reaches two thirds")
    assert describe_quorum_outcome(Threshold.MAJORITY, True) is None
    assert describe_quorum_outcome(Threshold.ADVISORY, False, "zh") == (
        "咨询性表决不要求参与率达到三分之二")
    assert describe_failed_for_quorum("甲", "zh") == "甲 未通过：参与率未达到三分之二"


def test_no_fraction_of_the_law_is_worded_outside_it() -> None:
    """The law's fractions ("三分之二", "四分之三") are named in `app/law/` only: features,
    templates and the counting core ask the law for them (issue 8: no copy of its wording)."""
    root = Path(__file__).resolve().parent.parent
    found = []
    for folder in ("app", "proposals", "voting", "meetings", "notifications", "turnout",
                   "templates"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix not in {".py", ".html"} or "law" in path.relative_to(root).parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if "三分之二" in line or "四分之三" in line:
                    found.append(f"{path.relative_to(root)}:{number}")
    assert found == []


# --- days as the Civil Code counts them ---------------------------------------------------

def test_notice_days_by_example() -> None:
    """Published 1 May: 15 full days run 2-16 May; the meeting may be on 17 May."""
    published = date(2026, 5, 1)
    assert earliest_meeting_day(published, 15) == date(2026, 5, 17)
    assert notice_period_met(published, date(2026, 5, 17), 15)
    assert not notice_period_met(published, date(2026, 5, 16), 15)
    assert full_days_between(published, date(2026, 5, 17)) == 15
    assert required_notice_days("owners_assembly", False, 15) == 15
    assert required_notice_days("owners_assembly", True, 15) == 7
    assert required_notice_days("committee_meeting", False, 15) == 0


@PROPS
@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
       days=st.integers(min_value=1, max_value=60))
def test_the_earliest_day_is_the_first_that_meets_the_period(day: date, days: int) -> None:
    earliest = earliest_meeting_day(day, days)
    assert notice_period_met(day, earliest, days)
    assert not notice_period_met(day, earliest - timedelta(days=1), days)
    assert full_days_between(day, earliest) == days


def test_a_period_ends_at_midnight_after_its_last_day() -> None:
    start = datetime(2026, 5, 1, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai
    end = end_of_period(start, 7, TZ)
    assert end.isoformat() == "2026-05-09T00:00:00+08:00"  # 2-8 May counted, 24:00 of the 8th
    opens = vote_may_open_at(datetime(2026, 4, 30, 17, 0, tzinfo=UTC), 15, TZ)  # 1 May local
    assert opens is not None and opens.isoformat() == "2026-05-17T00:00:00+08:00"
    assert vote_may_open_at(None, 15, TZ) is None


# --- purity ------------------------------------------------------------------------------

def test_the_pure_modules_import_without_flask_or_sqlalchemy() -> None:
    code = ("import sys; import app.law, app.errors, voting.counting; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'flask', 'sqlalchemy', 'flask_sqlalchemy', 'werkzeug'}); print(bad)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parent.parent, check=False,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
