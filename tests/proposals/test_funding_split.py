"""Issue 12 item 3: how a mixed option's cost is split (fund / owners by area / subsidy /
common income), in yuan or percent, summed exactly; and "your share" says what this owner pays.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.accounts.models import User
from app.accounts.services import issue_api_token
from app.extensions import db
from proposals.models import FundingSource, SplitUnit
from proposals.shares import (
    SPLIT,
    ShareBasis,
    Split,
    compute_share,
    split_problem,
    to_fen,
)
from tests.factories import login
from tests.proposals.conftest import MakeProposal, World

BASIS = ShareBasis(True, Decimal("179.50"), Decimal("492.25"))
MIXED = FundingSource.MIXED
cents = st.integers(min_value=0, max_value=10**11).map(lambda c: Decimal(c) / 100)


def test_to_fen_rounds_half_up_once() -> None:
    assert to_fen(Fraction(1, 200)) == Decimal("0.01")  # 0.005 -> 0.01
    assert to_fen(Fraction(1, 201)) == Decimal("0.00")  # just under half a fen
    assert to_fen(Fraction(2499, 1000)) == Decimal("2.50")
    assert to_fen(Fraction(2, 1000) + Fraction(2, 1000)) == Decimal("0.00")  # 0.004


def test_amount_split_the_owner_pays_their_area_part_and_sees_their_fund_share() -> None:
    split = Split(SplitUnit.AMOUNT, fund=Decimal("40000.00"), owners=Decimal("96500.00"),
                  subsidy=Decimal("50000.00"))
    share = compute_share(1, Decimal("186500.00"), MIXED, BASIS, split)
    # 96,500 × 179.50 / 492.25 = 35,188.93...; 40,000 × 179.50 / 492.25 = 14,586.08...
    assert (share.kind, share.pays, share.fund_part) == (SPLIT, Decimal("35188.93"),
                                                          Decimal("14586.08"))
    assert (share.owners_total, share.fund_total, share.other_total) == (
        Decimal("96500.00"), Decimal("40000.00"), Decimal("50000.00"))


def test_percent_split_is_exact_before_the_one_rounding() -> None:
    # 1/3 of ¥100.00 is not rounded to ¥33.33 before the area ratio is applied
    basis = ShareBasis(True, Decimal("1"), Decimal("1"))
    split = Split(SplitUnit.PERCENT, owners=Decimal("33.33"), fund=Decimal("66.67"))
    share = compute_share(1, Decimal("0.15"), MIXED, basis, split)
    assert share.pays == Decimal("0.05")  # 0.049995 -> 0.05
    assert share.fund_part == Decimal("0.10")  # 0.100005 -> 0.10


@pytest.mark.parametrize("cost, split, code, field", [
    ("100.00", None, "split_missing", "split_unit"),
    ("100.00", Split(SplitUnit.AMOUNT, owners=Decimal("99.99")), "split_amount_sum",
     "split_unit"),
    ("100.00", Split(SplitUnit.AMOUNT, owners=Decimal("100.01")), "split_amount_sum",
     "split_unit"),
    (None, Split(SplitUnit.AMOUNT, owners=Decimal("1.00")), "split_needs_cost", "cost_cny"),
    ("100.00", Split(SplitUnit.PERCENT, owners=Decimal("99.99")), "split_percent_sum",
     "split_unit"),
    ("100.00", Split(SplitUnit.PERCENT, owners=Decimal("100.01")), "split_percent_sum",
     "split_unit"),
    ("100.00", Split(SplitUnit.PERCENT), "split_empty", "split_unit"),
])
def test_split_problems(cost: str | None, split: Split | None, code: str, field: str) -> None:
    problem = split_problem(Decimal(cost) if cost else None, MIXED, split)
    assert problem is not None and (problem.code, problem.field) == (code, field)


def test_split_boundaries_that_fit() -> None:
    assert split_problem(Decimal("100.00"), MIXED,
                         Split(SplitUnit.AMOUNT, owners=Decimal("60.00"),
                               common_income=Decimal("40.00"))) is None
    assert split_problem(None, MIXED, Split(SplitUnit.PERCENT, fund=Decimal("100.00"))) is None
    assert split_problem(Decimal(1), FundingSource.OWNERS_BY_AREA, None) is None
    refused = split_problem(Decimal(1), FundingSource.OWNERS_BY_AREA,
                            Split(SplitUnit.PERCENT, owners=Decimal(100)))
    assert refused is not None and refused.code == "split_not_mixed"


#: a loaded machine generates slowly; the examples are what matter
PROPS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(fund=cents, owners=cents, subsidy=cents, common=cents,
       mine=st.integers(0, 10**6), extra=st.integers(0, 10**6))
def test_shares_match_the_exact_ratio_to_half_a_fen(fund: Decimal, owners: Decimal,
                                                    subsidy: Decimal, common: Decimal,
                                                    mine: int, extra: int) -> None:
    my_area = Decimal(mine) / 100
    total = my_area + Decimal(extra) / 100
    split = Split(SplitUnit.AMOUNT, fund, owners, subsidy, common)
    cost = split.total()
    if cost == 0 or total == 0:
        return
    assert split_problem(cost, MIXED, split) is None
    share = compute_share(1, cost, MIXED, ShareBasis(True, my_area, total), split)
    exact_pays = Fraction(owners) * Fraction(my_area) / Fraction(total)
    exact_fund = Fraction(fund) * Fraction(my_area) / Fraction(total)
    assert share.pays is not None and share.fund_part is not None
    assert abs(Fraction(share.pays) - exact_pays) <= Fraction(1, 200)
    assert abs(Fraction(share.fund_part) - exact_fund) <= Fraction(1, 200)
    # never more than the whole part; the owner with all the area pays all of it
    assert share.pays <= owners and share.fund_part <= fund
    if extra == 0:
        assert (share.pays, share.fund_part) == (owners, fund)


@PROPS
@given(owners=st.integers(0, 10000), fund=st.integers(0, 10000), cost=cents)
def test_percent_split_sums_to_100_exactly(owners: int, fund: int, cost: Decimal) -> None:
    parts = Split(SplitUnit.PERCENT, owners=Decimal(owners) / 100, fund=Decimal(fund) / 100)
    problem = split_problem(cost, MIXED, parts)
    if owners + fund == 10000:
        assert problem is None
        amounts = parts.amounts(cost)
        assert sum(amounts.values()) == Fraction(cost)
    else:
        assert problem is not None


OPTION = {"title": "A 方案", "cost_cny": "186,500", "funding_source": "mixed",
          "split_unit": "amount", "split_fund": "40000", "split_owners": "96500",
          "split_subsidy": "50000", "split_common_income": ""}


def test_the_option_form_refuses_a_split_that_does_not_add_up(
        client: FlaskClient, world: World, make_proposal: MakeProposal) -> None:
    proposal = make_proposal(state="draft")
    login(client, "weiyuan")
    url = f"/c/spj/proposals/{proposal.id}/options/new"
    response = client.post(url, data=OPTION | {"split_owners": "96000"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "各来源的金额合计为 ¥186,000.00，与总费用 ¥186,500.00 不符（相差 ¥500.00）" in page
    response = client.post(url, data=OPTION | {"split_unit": "percent"})
    assert response.status_code == 400
    assert "各来源的比例合计为 186500.00%，须正好为 100%" in response.get_data(as_text=True)
    response = client.post(url, data=OPTION | {"funding_source": "owners_by_area"})
    assert response.status_code == 400
    assert "只有资金来源为“混合来源”的方案才填写分摊" in response.get_data(as_text=True)
    response = client.post(url, data=OPTION | {"split_fund": "", "split_owners": "",
                                               "split_subsidy": ""})
    assert "混合来源的方案须填写各来源的分摊" in response.get_data(as_text=True)

    assert client.post(url, data=OPTION).status_code == 302
    db.session.expire_all()
    option = proposal.options[-1]
    assert (option.split_unit, option.split_fund, option.split_owners, option.split_subsidy,
            option.split_common_income) == (SplitUnit.AMOUNT, Decimal("40000.00"),
                                            Decimal("96500.00"), Decimal("50000.00"),
                                            Decimal("0.00"))
    edit = client.get(f"/c/spj/proposals/{proposal.id}/options/{option.id}/edit")
    assert 'value="96500.00"' in edit.get_data(as_text=True)


def test_your_share_says_exactly_what_the_owner_pays(
        client: FlaskClient, world: World, make_proposal: MakeProposal) -> None:
    options: list[dict[str, Any]] = [
        {"title": "A 方案", "cost_cny": "186500", "funding_source": "mixed",
         "split": {"unit": "amount", "fund": "40000", "owners": "96500", "subsidy": "50000"}},
        {"title": "B 方案", "cost_cny": "100000", "funding_source": "mixed",
         "split": {"unit": "percent", "owners": "25", "common_income": "75"}},
    ]
    proposal = make_proposal(options=options)
    login(client, "zhang")
    page = client.get(f"/c/spj/proposals/{proposal.id}/compare").get_data(as_text=True)
    assert ("¥35,188.93（业主按面积分摊 ¥96,500.00 中您的部分；另从专项维修资金支出您的份额 "
            "¥14,586.08；补贴和公共收益支付的 ¥50,000.00 无需您出资）") in page
    # 25% of ¥100,000 × 179.50 / 492.25 = 9,116.30...
    assert ("¥9,116.30（业主按面积分摊 ¥25,000.00 中您的部分；补贴和公共收益支付的 "
            "¥75,000.00 无需您出资）") in page
    assert "业主按面积分摊 25.00%，¥25,000.00；公共收益 75.00%，¥75,000.00" in page
    assert "最多" not in page and "取决于分摊比例" not in page


def _token(user: User) -> dict[str, str]:
    token = issue_api_token(user, days=1)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


API_BODY = {"title": "充电棚", "matters": [7], "options": [
    {"title": "A", "cost_cny": "100.00", "funding_source": "mixed",
     "split": {"unit": "percent", "maintenance_fund": "40", "owners_by_area": "60.00"}}]}


def test_the_api_takes_and_shows_the_split_and_refuses_a_bad_sum(
        client: FlaskClient, world: World) -> None:
    headers = _token(world.committee)
    response = client.post("/api/v1/communities/spj/proposals", json=API_BODY, headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["options"][0]["split"] == {
        "unit": "percent", "maintenance_fund": "40.00", "owners_by_area": "60.00",
        "subsidy": "0.00", "common_income": "0.00"}
    bad = {**API_BODY, "options": [{**API_BODY["options"][0],  # type: ignore[dict-item]
                                    "split": {"unit": "amount", "owners_by_area": "99.99"}}]}
    response = client.post("/api/v1/communities/spj/proposals", json=bad, headers=headers)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "split_amount_sum"
    unit = {**API_BODY, "options": [{**API_BODY["options"][0],  # type: ignore[dict-item]
                                     "split": {"unit": "yuan"}}]}
    response = client.post("/api/v1/communities/spj/proposals", json=unit, headers=headers)
    assert response.json["error"]["code"] == "validation_error"


def test_the_openapi_document_states_the_split(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").json
    schemas = spec["components"]["schemas"]
    split_in = next(v for k, v in schemas.items() if k.startswith("SplitIn"))
    assert split_in["properties"]["unit"]["enum"] == ["amount", "percent"]
    assert set(split_in["properties"]) == {"unit", "maintenance_fund", "owners_by_area",
                                           "subsidy", "common_income"}
    assert split_in["properties"]["owners_by_area"]["pattern"]
    option = next(v for k, v in schemas.items() if k.startswith("OptionIn"))
    assert "must add up to cost_cny exactly" in option["properties"]["split"]["description"]
    assert "exactly 100.00" in option["properties"]["split"]["description"]
