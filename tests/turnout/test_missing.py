"""What is missing to reach the quorum (DESIGN.md, Turnout): exact, at the boundaries where
one more owner of the right area tips each quorum, headcount and area separately."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.law import missing_for_quorum, quorum_met, quorum_share_met

CENT = Decimal("0.01")


def _missing(areas: list[str], voted: list[int]) -> tuple[int, Decimal, bool]:
    values = [Decimal(a) for a in areas]
    part = [values[i] for i in voted]
    m = missing_for_quorum(len(part), sum(part, Decimal(0)), len(values), sum(values, Decimal(0)))
    met = quorum_met(len(part), sum(part, Decimal(0)), len(values), sum(values, Decimal(0)))
    return m.headcount, m.area, met


def test_one_more_small_owner_tips_the_headcount_quorum() -> None:
    areas = ["200.00", "50.00", "50.00"]  # H 3, A 300: 2 people and 200 m² are needed
    assert _missing(areas, [0]) == (1, Decimal("0.00"), False)  # area met, one person short
    assert _missing(areas, [0, 1]) == (0, Decimal("0.00"), True)


def test_one_more_large_owner_tips_the_area_quorum() -> None:
    areas = ["10.00", "10.00", "280.00"]  # 2 of 3 people, but 20 of the 200 m² needed
    assert _missing(areas, [0, 1]) == (0, Decimal("180.00"), False)
    assert _missing(areas, [0, 2]) == (0, Decimal("0.00"), True)


def test_the_area_quorum_is_rounded_up_to_the_cent() -> None:
    # A = 100.00: two thirds is 66.666…; 66.66 m² is one cent short, 66.67 m² is enough
    assert missing_for_quorum(3, Decimal("0.00"), 3, Decimal("100.00")).area == Decimal("66.67")
    assert missing_for_quorum(3, Decimal("66.66"), 3, Decimal("100.00")).area == CENT
    assert not quorum_share_met(Decimal("66.66"), Decimal("100.00"))
    assert missing_for_quorum(3, Decimal("66.67"), 3, Decimal("100.00")).area == Decimal("0.00")
    assert quorum_share_met(Decimal("66.67"), Decimal("100.00"))


def test_the_headcount_quorum_rounds_people_up() -> None:
    # 412 people: ceil(274.67) = 275 are needed; 274 is one short, 275 is enough
    assert missing_for_quorum(274, Decimal(0), 412, Decimal(1)).headcount == 1
    assert not quorum_share_met(274, 412)
    assert missing_for_quorum(275, Decimal(0), 412, Decimal(1)).headcount == 0
    assert quorum_share_met(275, 412)


def test_the_example_of_the_issue() -> None:
    # "还差 37 人、2,140.20 m²": 600 people, 30,000.00 m² in scope; 363 and 17,859.80 m² took part
    m = missing_for_quorum(363, Decimal("17859.80"), 600, Decimal("30000.00"))
    assert (m.headcount, m.area) == (37, Decimal("2140.20"))


owner_areas = st.lists(st.integers(min_value=1, max_value=50_000).map(lambda c: Decimal(c) / 100),
                       min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(areas=owner_areas, data=st.data())
def test_the_outstanding_owners_who_cover_what_is_missing_reach_the_quorum(
        areas: list[Decimal], data: st.DataObject) -> None:
    voted = data.draw(st.sets(st.integers(0, len(areas) - 1)))
    part = [areas[i] for i in voted]
    rest = sorted((areas[i] for i in range(len(areas)) if i not in voted), reverse=True)
    total_h, total_a = len(areas), sum(areas, Decimal(0))
    m = missing_for_quorum(len(part), sum(part, Decimal(0)), total_h, total_a)
    assert (m.headcount == 0) == quorum_share_met(len(part), total_h)
    assert (m.area == 0) == quorum_share_met(sum(part, Decimal(0)), total_a)
    # the largest outstanding owners, as many as needed for both: then the quorum is met
    taken: list[Decimal] = []
    for candidate in rest:
        if len(taken) >= m.headcount and sum(taken, Decimal(0)) >= m.area:
            break
        taken.append(candidate)
    heads, got = len(part) + len(taken), sum(part, Decimal(0)) + sum(taken, Decimal(0))
    assert quorum_met(heads, got, total_h, total_a)
    # one person fewer than `missing` never meets the headcount quorum
    if m.headcount:
        assert not quorum_share_met(len(part) + m.headcount - 1, total_h)
