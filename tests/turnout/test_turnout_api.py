"""`GET /api/v1/votes/{id}/turnout` (API.md): the committee sees every building, a volunteer
only theirs, other members 403, outsiders 404; the typed schema in the OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from app.accounts.models import User
from app.accounts.services import issue_api_token
from app.extensions import db
from app.register.models import Community
from tests.factories import HEADER
from tests.turnout.helpers import Town, agree_all, build_town
from turnout.services import assign_volunteer
from voting.services import cast_ballot, enter_paper_ballot


@pytest.fixture
def town(make_community: Callable[..., Community], make_user: Callable[..., User]) -> Town:
    return build_town(make_community, make_user)


def _bearer(user: User) -> dict[str, str]:
    token = issue_api_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_the_committee_gets_the_whole_turnout(client: FlaskClient, town: Town) -> None:
    vote = town.vote
    cast_ballot(vote, town.owners["b1"], agree_all(vote))
    enter_paper_ballot(vote, town.committee, "P-1", "a3", blank=True)
    db.session.commit()
    response = client.get(f"/api/v1/votes/{vote.id}/turnout", headers=_bearer(town.committee))
    assert response.status_code == 200
    body = response.get_json()
    assert body["electorate"] == {"headcount": 5, "area_m2": "710.00"}
    assert body["participation"] == {"headcount": 2, "area_m2": "350.00", "quorum_met": False}
    # ceil(10/3) = 4 people - 2; 473.333… - 350 = 123.34 rounded up to the cent
    assert body["missing"] == {"headcount": 2, "area_m2": "123.34"}
    assert body["channels"]["paper"] == {"headcount": 1, "area_m2": "50.00"}
    first = body["buildings"][0]
    assert first["building"] == "1栋"
    assert first["electorate"] == {"headcount": 4, "area_m2": "350.00"}
    assert first["participation"] == {"headcount": 2, "area_m2": "150.00", "quorum_met": False}
    assert first["outstanding"] == [{"unit": "1-0101", "owner_ref": "a1"},
                                    {"unit": "1-0102", "owner_ref": "a2"}]
    assert [b["building"] for b in body["buildings"]] == ["1栋", "2栋", "P"]
    assert "choices" not in response.get_data(as_text=True)


def test_a_volunteer_sees_their_buildings_only(client: FlaskClient, town: Town,
                                                make_user: Callable[..., User]) -> None:
    helper = make_user("helper", town.community, "resident")
    assign_volunteer(town.community, town.committee, town.membership(helper),
                     town.building("2栋"))
    db.session.commit()
    body = client.get(f"/api/v1/votes/{town.vote.id}/turnout",
                      headers=_bearer(helper)).get_json()
    assert [b["building"] for b in body["buildings"]] == ["2栋"]
    assert body["buildings"][0]["outstanding"] == [{"unit": "2-0101", "owner_ref": "b1"},
                                                   {"unit": "2-0102", "owner_ref": "b2"}]


def test_members_are_refused_and_outsiders_never_learn_of_the_vote(
        client: FlaskClient, town: Town, make_community: Callable[..., Community],
        make_user: Callable[..., User]) -> None:
    url = f"/api/v1/votes/{town.vote.id}/turnout"
    owner = client.get(url, headers=_bearer(town.owners["a1"]))
    assert owner.status_code == 403 and owner.get_json()["error"]["code"] == "forbidden"
    elsewhere = make_community(slug="else")
    stranger = make_user("stranger", elsewhere, "committee")
    assert client.get(url, headers=_bearer(stranger)).status_code == 404
    assert client.get("/api/v1/votes/999999/turnout",
                      headers=_bearer(town.committee)).status_code == 404
    assert client.get(url).status_code == 401


def test_the_openapi_document_types_the_answer(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/votes/{vote_id}/turnout"]["get"]
    assert {"200", "401", "403", "404"} <= set(operation["responses"])
    schemas = spec["components"]["schemas"]
    turnout = schemas["Turnout"]
    assert {"electorate", "participation", "missing", "buildings"} <= set(turnout["required"])
    building = schemas["BuildingTurnout"]
    assert set(building["properties"]) == {"building", "electorate", "participation",
                                           "outstanding"}
    assert schemas["OutstandingUnit"]["required"] == ["owner_ref", "unit"]
    assert schemas["TurnoutTally"]["properties"]["area_m2"]["pattern"] == r"^-?[0-9]+\.[0-9]{2}$"


def _missing_after(client: FlaskClient, town: Town, refs: list[str]) -> dict[str, object]:
    for ref in refs:
        cast_ballot(town.vote, town.owners[ref], agree_all(town.vote))
    db.session.commit()
    body = client.get(f"/api/v1/votes/{town.vote.id}/turnout",
                      headers=_bearer(town.committee)).get_json()
    return {**body["missing"], "quorum_met": body["participation"]["quorum_met"]}


def test_one_more_owner_of_the_right_area_tips_each_quorum(
        client: FlaskClient, make_community: Callable[..., Community],
        make_user: Callable[..., User]) -> None:
    # 5 owners, 710 m² (a1 110, a2 100, a3 50, b1 300, b2 150): 4 people and 473.34 m² needed
    heads = build_town(make_community, make_user, slug="th")
    assert _missing_after(client, heads, ["b1", "b2", "a1"]) == {
        "headcount": 1, "area_m2": "0.00", "quorum_met": False}  # 560 m², one person short
    assert _missing_after(client, heads, ["a3"]) == {  # the smallest owner tips it
        "headcount": 0, "area_m2": "0.00", "quorum_met": True}

    # 100.00 m² in three flats: 2 people and 66.67 m² (2/3 rounded up to the cent) needed
    register = HEADER + "".join(
        f"1栋,1-010{i},{a},registry,residence,delivered,{ref},{ref},\n"
        for i, (ref, a) in enumerate((("x", "33.33"), ("y", "33.34"), ("z", "33.33")), 1))
    cent = build_town(make_community, make_user, register=register, slug="tc")
    assert _missing_after(client, cent, ["x", "z"]) == {  # 66.66 m²: one cent short
        "headcount": 0, "area_m2": "0.01", "quorum_met": False}
    right = build_town(make_community, make_user, register=register, slug="tr")
    assert _missing_after(client, right, ["x"]) == {
        "headcount": 1, "area_m2": "33.34", "quorum_met": False}
    assert _missing_after(client, right, ["y"]) == {  # 33.34 m²: exactly what was missing
        "headcount": 0, "area_m2": "0.00", "quorum_met": True}
