"""Dataclasses of the counting module and the exact JSON they produce."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal as D
from fractions import Fraction
from pathlib import Path

import pytest

from voting.counting import (
    Ballot,
    Electorate,
    OptionResult,
    Result,
    Tally,
    Threshold,
    Voter,
    choose_outcome,
    format_area,
    format_percent,
)


def test_voter_keeps_decimal_area_and_accepts_ints() -> None:
    assert Voter("a", D("89.50")).area == D("89.50")
    voter = Voter("b", 100)  # type: ignore[arg-type]
    assert isinstance(voter.area, D)
    assert voter.area == D(100)


@pytest.mark.parametrize("area", [89.5, "89.50", None, True])
def test_voter_rejects_floats_and_other_types(area: object) -> None:
    with pytest.raises(TypeError):
        Voter("a", area)  # type: ignore[arg-type]


@pytest.mark.parametrize("area", [D("-1"), D("NaN"), D("Infinity")])
def test_voter_rejects_negative_and_non_finite_areas(area: D) -> None:
    with pytest.raises(ValueError):
        Voter("a", area)


@pytest.mark.parametrize("ref", ["", None, 7])
def test_voter_and_ballot_need_an_owner_ref(ref: object) -> None:
    with pytest.raises(ValueError):
        Voter(ref, D(1))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Ballot(ref, {})  # type: ignore[arg-type]


def test_dataclasses_are_frozen() -> None:
    voter = Voter("a", D(1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        voter.area = D(2)  # type: ignore[misc]


def test_electorate_totals() -> None:
    electorate = Electorate([Voter("a", D("0.10")), Voter("b", D("0.20"))])  # type: ignore[arg-type]
    assert isinstance(electorate.voters, tuple)
    assert electorate.headcount == 2
    assert electorate.area == D("0.30")  # exact, unlike 0.1 + 0.2 in floats
    assert electorate.tally == Tally(2, D("0.30"))
    assert Electorate(()).tally == Tally.zero()


def test_electorate_rejects_the_same_owner_twice() -> None:
    with pytest.raises(ValueError, match="twice"):
        Electorate((Voter("a", D(1)), Voter("a", D(2))))


def test_tally_arithmetic() -> None:
    a, b = Tally(2, D("10.25")), Tally(1, D("0.75"))
    assert a + b == Tally(3, D("11.00"))
    assert a - b == Tally(1, D("9.50"))
    with pytest.raises(ValueError):
        _ = b - a
    with pytest.raises(TypeError):
        Tally(1.0, D(1))  # type: ignore[arg-type]
    assert Tally.of([Voter("a", D("1.5")), Voter("b", D("2"))]) == Tally(2, D("3.5"))


@pytest.mark.parametrize(
    ("area", "text"),
    [
        (D("89.5"), "89.50"),
        (D("89.50"), "89.50"),
        (D(100), "100.00"),
        (100, "100.00"),
        (D("0"), "0.00"),
        (D("0.005"), "0.01"),  # half-up
        (D("0.004"), "0.00"),
        (D("38211.40"), "38211.40"),
        (D("1E+3"), "1000.00"),  # never exponent notation
    ],
)
def test_format_area(area: D, text: str) -> None:
    assert format_area(area) == text


@pytest.mark.parametrize(
    ("part", "whole", "text"),
    [
        (D("612"), D("1000"), "61.20%"),
        (7, 10, "70.00%"),
        (2, 3, "66.67%"),
        (1, 3, "33.33%"),
        (1, 800, "0.13%"),  # 0.125% rounds half-up
        (1, 1600, "0.06%"),  # 0.0625%
        (5, 5, "100.00%"),
        (0, 5, "0.00%"),
        (D("22100.00"), D("27990.12"), "78.96%"),
    ],
)
def test_format_percent_is_exact_and_half_up(part: int | D, whole: int | D, text: str) -> None:
    assert format_percent(part, whole) == text


@pytest.mark.parametrize(
    ("part", "whole", "boundary", "text"),
    [
        (300, D("400.01"), Fraction(3, 4), "74.998%"),  # would print 75.00% beside "below 3/4"
        (150, D("299.99"), Fraction(1, 2), "50.002%"),  # would print 50.00% beside "over half"
        (D("666665"), 10**6, Fraction(2, 3), "66.6665%"),
        (3, 4, Fraction(3, 4), "75.00%"),  # exactly the boundary: two decimals
        (2, 3, Fraction(2, 3), "66.67%"),
        (612, 1000, Fraction(2, 3), "61.20%"),  # far from it: two decimals
    ],
)
def test_format_percent_never_prints_the_boundary_for_a_different_share(
    part: int | D, whole: int | D, boundary: Fraction, text: str
) -> None:
    assert format_percent(part, whole, boundary) == text


def test_format_percent_of_zero_raises() -> None:
    with pytest.raises(ZeroDivisionError):
        format_percent(0, 0)


def _option(option_id: int, agree: Tally, passed: bool = True) -> OptionResult:
    return OptionResult(option_id, f"O{option_id}", agree, Tally.zero(), Tally.zero(), passed)


def test_outcome_prefers_largest_area_then_headcount_then_lowest_id() -> None:
    assert choose_outcome([]) is None
    assert choose_outcome([_option(1, Tally(9, D(9)), passed=False)]) is None
    by_area = [_option(1, Tally(9, D("10.00"))), _option(2, Tally(2, D("10.01")))]
    assert choose_outcome(by_area) == 2
    by_head = [_option(3, Tally(2, D(10))), _option(2, Tally(3, D(10)))]
    assert choose_outcome(by_head) == 2
    by_id = [_option(5, Tally(3, D(10))), _option(4, Tally(3, D(10)))]
    assert choose_outcome(by_id) == 4
    only_passed = [_option(1, Tally(9, D(99)), passed=False), _option(2, Tally(1, D(1)))]
    assert choose_outcome(only_passed) == 2


def _api_example() -> Result:
    option = OptionResult(
        option_id=7,
        title="方案A",
        agree=Tally(240, D("22100")),
        oppose=Tally(40, D("3900.12")),
        abstain=Tally(21, D("1990.0")),
        passed=True,
        reasons=("方案A 通过",),
    )
    return Result(
        threshold=Threshold.MAJORITY,
        electorate=Tally(412, D("38211.4")),
        participation=Tally(301, D("27990.12")),
        quorum_met=True,
        options=(option,),
        outcome_passed=True,
        outcome_option_id=7,
        reasons=("按面积参与率 73.25%，达到三分之二",),
    )


def test_to_dict_is_exactly_the_api_json() -> None:
    assert _api_example().to_dict() == {
        "state": "closed",
        "threshold": "majority",
        "electorate": {"headcount": 412, "area_m2": "38211.40"},
        "participation": {"headcount": 301, "area_m2": "27990.12", "quorum_met": True},
        "options": [
            {
                "id": 7,
                "title": "方案A",
                "agree": {"headcount": 240, "area_m2": "22100.00"},
                "oppose": {"headcount": 40, "area_m2": "3900.12"},
                "abstain": {"headcount": 21, "area_m2": "1990.00"},
                "passed": True,
            }
        ],
        "outcome": {
            "passed": True,
            "option_id": 7,
            "reasons": ["按面积参与率 73.25%，达到三分之二"],
        },
    }
    json.dumps(_api_example().to_dict())  # serialisable as it is


def test_to_dict_while_open_shows_only_state_electorate_participation() -> None:
    assert _api_example().to_dict("open") == {
        "state": "open",
        "electorate": {"headcount": 412, "area_m2": "38211.40"},
        "participation": {"headcount": 301, "area_m2": "27990.12", "quorum_met": True},
    }


def test_to_dict_ranking_only_for_ranked_and_extended_fields() -> None:
    result = dataclasses.replace(
        _api_example(),
        outcome_passed=False,
        outcome_option_id=None,
        ranking=((7,),),
        pairwise={7: {7: 0}},
        method="ranked",
    )
    data = result.to_dict()
    assert data["ranking"] == [[7]]
    assert data["outcome"]["option_id"] is None
    assert "pairwise" not in data and "method" not in data
    extended = result.to_dict(extended=True)
    assert extended["pairwise"] == {"7": {"7": 0}}
    assert extended["method"] == "ranked"
    assert extended["label"] == "strict"
    assert extended["options"][0]["reasons"] == ["方案A 通过"]
    json.dumps(extended)
    assert "ranking" not in _api_example().to_dict()


def test_result_option_lookup() -> None:
    result = _api_example()
    assert result.option(7).title == "方案A"
    with pytest.raises(KeyError):
        result.option(8)


#: what the counting core may import besides the standard library: the pure law and error
PURE_KERNEL = ("app.law", "app.errors")


def test_counting_package_imports_only_the_standard_library_the_law_and_itself() -> None:
    """The rules stay pure: no Flask, no SQLAlchemy, only the law of `app.law` (static check)."""
    import ast
    import sys
    from pathlib import Path

    import voting.counting

    package = Path(voting.counting.__file__).parent
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level > 0:  # relative: inside voting.counting
                    assert node.level == 1, path
                    continue
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                if module.startswith(PURE_KERNEL):
                    continue
                top = module.split(".")[0]
                assert top in sys.stdlib_module_names, f"{path.name} imports {module}"


def test_importing_the_counting_core_loads_no_flask_and_no_database() -> None:
    """`import voting.counting` in a fresh interpreter leaves Flask and SQLAlchemy unloaded."""
    import subprocess
    import sys

    probe = ("import sys, voting.counting; "
             "print(sorted({m.split('.')[0] for m in sys.modules} & "
             "{'flask', 'flask_babel', 'sqlalchemy', 'werkzeug', 'jinja2'}))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "[]"
