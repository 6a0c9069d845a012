"""The proposals API: create, read, comments; every bad body a 4xx with a code and a message."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.accounts.models import User
from app.accounts.services import issue_api_token
from app.extensions import db
from tests.proposals.conftest import MakeProposal, World


def _token(user: User) -> dict[str, str]:
    token = issue_api_token(user, days=1)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


#: the law's one wording of an advisory poll's rule (app.law)
ADVISORY_WORDS = ("咨询性表决，无法定门槛：不要求参与率，参与表决的专有部分面积和人数均过半数同意"
                  "即为多数意见")

GOOD = {"title": "加装电梯", "summary": "1栋加装电梯", "body": "见附件",
        "matters": [7], "scope": {"buildings": ["1栋"]},
        "options": [{"title": "加装", "description": "外挂电梯", "cost_cny": "650000.00"},
                    {"title": "不加装", "cost_cny": 0}]}


def test_create_and_read(client: FlaskClient, world: World) -> None:
    response = client.post("/api/v1/communities/spj/proposals", json=GOOD,
                           headers=_token(world.committee))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["state"] == "draft"
    assert body["matters"] == [7]
    assert body["scope"] == {"buildings": ["1栋"]}
    assert [o["cost_cny"] for o in body["options"]] == ["650000.00", "0.00"]
    assert body["threshold"] == ("需参与表决的专有部分面积和人数均达到四分之三同意；"
                                 "需专有部分面积占比三分之二以上且人数占比三分之二以上的业主参与表决")
    assert body["threshold_kind"] == "three_quarters"
    # a draft is the committee's only
    assert client.get(f"/api/v1/proposals/{body['id']}",
                      headers=_token(world.owner)).status_code == 404
    got = client.get(f"/api/v1/proposals/{body['id']}", headers=_token(world.committee)).json
    assert got["id"] == body["id"] and got["options"][0]["title"] == "加装"


def test_create_in_deliberation_and_advisory(client: FlaskClient, world: World) -> None:
    response = client.post("/api/v1/communities/spj/proposals",
                           json=GOOD | {"matters": [], "scope": None, "state": "deliberation"},
                           headers=_token(world.committee))
    assert response.status_code == 201
    assert response.json["state"] == "deliberation"
    assert response.json["threshold_kind"] == "advisory"
    assert response.json["threshold"] == ADVISORY_WORDS
    got = client.get(f"/api/v1/proposals/{response.json['id']}", headers=_token(world.owner))
    assert got.status_code == 200 and got.json["scope"] is None


@pytest.mark.parametrize("body, code", [
    ({}, "validation_error"),
    ({"title": ""}, "validation_error"),
    ({"title": 5}, "validation_error"),
    (GOOD | {"matters": [10]}, "validation_error"),
    (GOOD | {"matters": ["7"]}, "validation_error"),
    (GOOD | {"matters": [True]}, "validation_error"),
    (GOOD | {"matters": 7}, "validation_error"),
    (GOOD | {"state": "voting"}, "validation_error"),
    (GOOD | {"state": "adopted"}, "validation_error"),
    (GOOD | {"scope": {"buildings": []}}, "validation_error"),
    (GOOD | {"scope": {"buildings": ["9栋"]}}, "unknown_building"),
    (GOOD | {"scope": ["1栋"]}, "validation_error"),
    (GOOD | {"options": [{"title": "x", "cost_cny": 12.345}]}, "validation_error"),
    (GOOD | {"options": [{"title": "x", "cost_cny": "12.345"}]}, "validation_error"),
    (GOOD | {"options": [{"title": "x", "cost_cny": "-5"}]}, "validation_error"),
    (GOOD | {"options": [{"title": "x", "cost_cny": "abc"}]}, "validation_error"),
    (GOOD | {"options": [{"title": "x", "cost_cny": "NaN"}]}, "validation_error"),
    (GOOD | {"options": [{"title": "x", "cost_cny": True}]}, "validation_error"),
    (GOOD | {"options": [{"title": "x", "cost_cny": [1]}]}, "validation_error"),
    (GOOD | {"options": [{"title": "x", "cost_cny": "1e30"}]}, "validation_error"),
    (GOOD | {"options": [{"cost_cny": "5"}]}, "validation_error"),
    (GOOD | {"options": [{"title": "x", "funding_source": "bank"}]}, "validation_error"),
    (GOOD | {"options": [{"title": "x", "parking_delta": 1.5}]}, "validation_error"),
    (GOOD | {"options": "x"}, "validation_error"),
    (GOOD | {"unknown": 1}, "validation_error"),
    (GOOD | {"title": "x" * 201}, "validation_error"),
    (["not", "an", "object"], "validation_error"),
])
def test_bad_bodies(client: FlaskClient, world: World, body: object, code: str) -> None:
    response = client.post("/api/v1/communities/spj/proposals", json=body,
                           headers=_token(world.committee))
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]


def test_float_costs_with_two_places_accepted(client: FlaskClient, world: World) -> None:
    body = GOOD | {"options": [{"title": "x", "cost_cny": 1234.5}]}
    response = client.post("/api/v1/communities/spj/proposals", json=body,
                           headers=_token(world.committee))
    assert response.status_code == 201
    assert response.json["options"][0]["cost_cny"] == "1234.50"


def test_not_json_and_wrong_people(client: FlaskClient, world: World) -> None:
    url = "/api/v1/communities/spj/proposals"
    response = client.post(url, data="{bad json", headers=_token(world.committee)
                           | {"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_json"
    assert client.post(url, json=GOOD).status_code == 401
    assert client.post(url, json=GOOD, headers={"Authorization": "Bearer nope"}).status_code \
        == 401
    for user in (world.owner, world.resident, world.outsider):
        response = client.post(url, json=GOOD, headers=_token(user))
        assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
    assert client.post("/api/v1/communities/nowhere/proposals", json=GOOD,
                       headers=_token(world.committee)).status_code == 404


def test_comments_post_and_list(client: FlaskClient, world: World,
                                make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    a = proposal.options[0]
    url = f"/api/v1/proposals/{proposal.id}/comments"
    first = client.post(url, json={"body": "**反对**<script>x</script>", "option_id": a.id,
                                   "stance": "oppose"}, headers=_token(world.owner))
    assert first.status_code == 201, first.json
    assert "<script>" not in first.json["body_html"]
    assert first.json["option_id"] == a.id and first.json["stance"] == "oppose"
    reply = client.post(url, json={"body": "为什么？", "parent_id": first.json["id"]},
                        headers=_token(world.owner2))
    assert reply.status_code == 201 and reply.json["parent_id"] == first.json["id"]
    listed = client.get(url, headers=_token(world.resident)).json
    assert listed["page"] == 1 and listed["pages"] == 1
    assert [c["id"] for c in listed["items"]] == [first.json["id"], reply.json["id"]]
    assert {"id", "body_html", "author", "stance", "option_id", "parent_id", "created_at"} \
        <= set(listed["items"][0])
    assert listed["items"][0]["created_at"].endswith("+00:00")


@pytest.mark.parametrize("body, status, code", [
    ({}, 422, "validation_error"),
    ({"body": ""}, 422, "validation_error"),
    ({"body": "   "}, 422, "empty_comment"),
    ({"body": 3}, 422, "validation_error"),
    ({"body": "x", "stance": "love"}, 422, "validation_error"),
    ({"body": "x", "option_id": 99999}, 422, "unknown_option"),
    ({"body": "x", "option_id": "1"}, 422, "validation_error"),
    ({"body": "x", "parent_id": 99999}, 422, "unknown_parent"),
    ({"body": "x", "extra": 1}, 422, "validation_error"),
    ({"body": "x" * 10001}, 422, "validation_error"),
])
def test_bad_comment_bodies(client: FlaskClient, world: World, make_proposal: MakeProposal,
                            body: object, status: int, code: str) -> None:
    proposal = make_proposal()
    response = client.post(f"/api/v1/proposals/{proposal.id}/comments", json=body,
                           headers=_token(world.owner))
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code and response.json["error"]["message"]


def test_comment_access(client: FlaskClient, world: World, make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    url = f"/api/v1/proposals/{proposal.id}/comments"
    assert client.post(url, json={"body": "x"}).status_code == 401
    assert client.get(url).status_code == 401
    assert client.post(url, json={"body": "x"}, headers=_token(world.outsider)).status_code == 403
    assert client.get(url, headers=_token(world.outsider)).status_code == 403
    assert client.get(url + "?page=0", headers=_token(world.owner)).status_code == 422
    assert client.get(url + "?page=x", headers=_token(world.owner)).status_code == 422
    assert client.get("/api/v1/proposals/99999/comments",
                      headers=_token(world.owner)).status_code == 404
    draft = make_proposal(state="draft")
    response = client.post(f"/api/v1/proposals/{draft.id}/comments", json={"body": "x"},
                           headers=_token(world.committee))
    assert response.status_code == 409 and response.json["error"]["code"] == "discussion_closed"


def test_public_community_serves_anonymous_readers(client: FlaskClient, world: World,
                                                   make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    assert client.get(f"/api/v1/proposals/{proposal.id}").status_code == 401
    world.community.public_proposals = True
    db.session.commit()
    assert client.get(f"/api/v1/proposals/{proposal.id}").status_code == 200
    assert client.get(f"/api/v1/proposals/{proposal.id}/comments").status_code == 200
    assert client.post(f"/api/v1/proposals/{proposal.id}/comments",
                       json={"body": "x"}).status_code == 401


def test_openapi_lists_the_endpoints(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "/api/v1/communities/{slug}/proposals" in paths
    assert {"get", "post"} <= set(paths["/api/v1/proposals/{proposal_id}/comments"])
    assert "get" in paths["/api/v1/proposals/{proposal_id}"]
