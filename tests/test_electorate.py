"""`compute_electorate`: DESIGN.md's headcount and area rules, by example and by property."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.register.electorate import DEVELOPER_REF, UnitRow, compute_electorate

BUILDINGS = ["1栋", "2栋", "3栋", "P"]
REFS = ["o1", "o2", "o3", "o4", "o5", "o6"]


def unit(unit_id: int, area: str, owner_ref: str = "o1", *, building: str = "1栋",
         kind: str = "residence", status: str = "delivered") -> UnitRow:
    """A unit row with sensible defaults."""
    return UnitRow(unit_id=unit_id, building=building, number=str(100 + unit_id),
                   area_m2=Decimal(area), kind=kind, status=status, owner_ref=owner_ref)


# --- examples from DESIGN.md -------------------------------------------------------------

def test_same_owner_of_several_units_is_one_person_with_summed_area() -> None:
    result = compute_electorate([unit(1, "89.50", "o1"), unit(2, "90.00", "o1"),
                                 unit(3, "100", "o2")])
    assert result.headcount == 2
    assert result.units == 3
    assert result.by_ref()["o1"].area_m2 == Decimal("179.50")
    assert result.by_ref()["o1"].unit_ids == (1, 2)
    assert result.area_m2 == Decimal("279.50")


def test_co_owners_of_a_unit_are_one_person() -> None:
    # co-owners share one owner_ref in the register (names "李四;王五")
    result = compute_electorate([unit(1, "100", "o2")])
    assert result.headcount == 1
    assert [e.owner_ref for e in result.electors] == ["o2"]


def test_developer_units_count_as_one_person_whatever_their_owner_ref() -> None:
    result = compute_electorate([
        unit(1, "120.25", "", status="unsold"),
        unit(2, "80", "o9", status="undelivered"),
        unit(3, "60", "o1"),
    ])
    assert result.headcount == 2
    developer = result.by_ref()[DEVELOPER_REF]
    assert developer.area_m2 == Decimal("200.25")
    assert developer.unit_ids == (1, 2)
    assert "o9" not in result.by_ref()  # the buyer of an undelivered unit does not vote yet


def test_small_register_totals() -> None:
    rows = [unit(1, "89.50", "o1"), unit(2, "90.00", "o1"), unit(3, "100", "o2"),
            unit(4, "120.25", "", building="2栋", status="unsold"),
            unit(5, "80", "o9", building="2栋", status="undelivered"),
            unit(6, "12.5", "o3", building="P", kind="parking")]
    whole = compute_electorate(rows)
    assert (whole.headcount, whole.area_m2, whole.units) == (4, Decimal("492.25"), 6)
    no_parking = compute_electorate(rows, parking_counted=False)
    assert (no_parking.headcount, no_parking.area_m2, no_parking.units) == (
        3, Decimal("479.75"), 5)
    building_1 = compute_electorate(rows, buildings=["1栋"])
    assert (building_1.headcount, building_1.area_m2, building_1.units) == (
        2, Decimal("279.50"), 3)


def test_empty_scope_is_empty() -> None:
    result = compute_electorate([unit(1, "50")], buildings=[])
    assert (result.headcount, result.area_m2, result.units, result.electors) == (
        0, Decimal(0), 0, ())


def test_non_positive_area_is_refused() -> None:
    import pytest

    with pytest.raises(ValueError):
        compute_electorate([unit(1, "0")])


# --- properties --------------------------------------------------------------------------

AREAS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2,
                    allow_nan=False, allow_infinity=False)


@st.composite
def registers(draw: st.DrawFn) -> list[UnitRow]:
    """Random registers: any mix of owners, buildings, kinds and statuses."""
    count = draw(st.integers(min_value=0, max_value=30))
    rows = []
    for unit_id in range(1, count + 1):
        rows.append(UnitRow(
            unit_id=unit_id,
            building=draw(st.sampled_from(BUILDINGS)),
            number=str(unit_id),
            area_m2=draw(AREAS),
            kind=draw(st.sampled_from(["residence", "commercial", "parking"])),
            status=draw(st.sampled_from(["delivered", "delivered", "unsold", "undelivered"])),
            owner_ref=draw(st.sampled_from(REFS)),
        ))
    return rows


def counting_owner(row: UnitRow) -> str:
    """The person a unit counts for, by DESIGN.md."""
    return DEVELOPER_REF if row.status in {"unsold", "undelivered"} else row.owner_ref


SCOPES = st.none() | st.lists(st.sampled_from(BUILDINGS), unique=True)


@settings(max_examples=200, deadline=None)
@given(rows=registers(), parking=st.booleans(), scope=SCOPES)
def test_headcount_is_distinct_counting_owners(rows: list[UnitRow], parking: bool,
                                               scope: list[str] | None) -> None:
    result = compute_electorate(rows, parking_counted=parking, buildings=scope)
    in_scope = [r for r in rows if (scope is None or r.building in scope)
                and (parking or r.kind != "parking")]
    assert result.headcount == len({counting_owner(r) for r in in_scope})
    assert result.headcount == len(result.electors)
    assert result.units == len(in_scope)
    assert sorted(uid for e in result.electors for uid in e.unit_ids) == sorted(
        r.unit_id for r in in_scope)


@settings(max_examples=200, deadline=None)
@given(rows=registers())
def test_developer_statuses_fold_into_one_developer(rows: list[UnitRow]) -> None:
    result = compute_electorate(rows)
    refs = [e.owner_ref for e in result.electors]
    assert len(refs) == len(set(refs))
    developer_rows = [r for r in rows if r.status in {"unsold", "undelivered"}]
    if developer_rows:
        developer = result.by_ref()[DEVELOPER_REF]
        assert developer.area_m2 == sum((r.area_m2 for r in developer_rows), Decimal(0))
        assert set(developer.unit_ids) == {r.unit_id for r in developer_rows}
    else:
        assert DEVELOPER_REF not in refs


@settings(max_examples=200, deadline=None)
@given(rows=registers(), parking=st.booleans(), scope=SCOPES)
def test_area_is_the_exact_sum_of_units_in_scope(rows: list[UnitRow], parking: bool,
                                                 scope: list[str] | None) -> None:
    result = compute_electorate(rows, parking_counted=parking, buildings=scope)
    expected = sum((r.area_m2 for r in rows if (scope is None or r.building in scope)
                    and (parking or r.kind != "parking")), Decimal(0))
    assert result.area_m2 == expected
    assert isinstance(result.area_m2, Decimal)
    assert all(isinstance(e.area_m2, Decimal) for e in result.electors)
    assert result.area_m2 == sum((e.area_m2 for e in result.electors), Decimal(0))
    assert result.area_m2.as_tuple().exponent >= -2  # no float noise: two places at most


@settings(max_examples=200, deadline=None)
@given(rows=registers(), scope=st.lists(st.sampled_from(BUILDINGS), unique=True))
def test_scope_by_buildings_is_a_subset(rows: list[UnitRow], scope: list[str]) -> None:
    whole = compute_electorate(rows)
    part = compute_electorate(rows, buildings=scope)
    assert set(part.by_ref()) <= set(whole.by_ref())
    for ref, elector in part.by_ref().items():
        assert set(elector.unit_ids) <= set(whole.by_ref()[ref].unit_ids)
        assert elector.area_m2 <= whole.by_ref()[ref].area_m2
    assert part.area_m2 <= whole.area_m2
    assert part.headcount <= whole.headcount
    everything = compute_electorate(rows, buildings=BUILDINGS)
    assert everything == whole


@settings(max_examples=200, deadline=None)
@given(rows=registers())
def test_parking_excluded_drops_parking_units(rows: list[UnitRow]) -> None:
    counted = compute_electorate(rows, parking_counted=True)
    excluded = compute_electorate(rows, parking_counted=False)
    parking_ids = {r.unit_id for r in rows if r.kind == "parking"}
    kept = {uid for e in excluded.electors for uid in e.unit_ids}
    assert not kept & parking_ids
    assert kept == {r.unit_id for r in rows} - parking_ids
    assert counted.area_m2 - excluded.area_m2 == sum(
        (r.area_m2 for r in rows if r.kind == "parking"), Decimal(0))
    only_parking = {counting_owner(r) for r in rows} - {
        counting_owner(r) for r in rows if r.kind != "parking"}
    assert counted.headcount - excluded.headcount == len(only_parking)


@settings(max_examples=200, deadline=None)
@given(rows=registers(), seed=st.integers(), parking=st.booleans(), scope=SCOPES)
def test_result_is_independent_of_row_order(rows: list[UnitRow], seed: int, parking: bool,
                                            scope: list[str] | None) -> None:
    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    assert compute_electorate(shuffled, parking_counted=parking, buildings=scope) == \
        compute_electorate(rows, parking_counted=parking, buildings=scope)
