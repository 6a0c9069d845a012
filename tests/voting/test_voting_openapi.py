"""The OpenAPI document of the voting API says what the API does: every answer's schema, every
4xx, every constraint of the requests (issue 9, item 9)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

#: (method, path) of the nine voting endpoints -> the 4xx statuses each declares
OPERATIONS = {
    ("post", "/api/v1/proposals/{proposal_id}/votes"): {400, 401, 403, 404, 409, 415, 422},
    ("put", "/api/v1/votes/{vote_id}/ballot"): {400, 401, 403, 404, 409, 415, 422},
    ("post", "/api/v1/votes/{vote_id}/paper-ballots"): {400, 401, 403, 404, 409, 415, 422},
    ("post", "/api/v1/votes/{vote_id}/conflicts/{conflict_id}/resolve"):
        {400, 401, 403, 404, 409, 415, 422},
    ("post", "/api/v1/votes/{vote_id}/close"): {400, 401, 403, 404, 409, 415, 422},
    ("post", "/api/v1/votes/{vote_id}/extend"): {400, 401, 403, 404, 409, 415, 422},
    ("get", "/api/v1/votes/{vote_id}/result"): {401, 404, 422},
    ("get", "/api/v1/votes/{vote_id}/receipts/{code}"): {401, 404},
    ("get", "/api/v1/votes/{vote_id}/ballots"): {401, 403, 404, 422},
}


@pytest.fixture
def spec(client: FlaskClient) -> dict[str, Any]:
    """The document the app serves."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.get_json()
    return document


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        *_, kind, name = node["$ref"].split("/")
        node = spec["components"][kind][name]
    return node


def _schema(spec: dict[str, Any], name: str) -> dict[str, Any]:
    schema: dict[str, Any] = spec["components"]["schemas"][name]
    return schema


@pytest.mark.parametrize(("method", "path"), sorted(OPERATIONS))
def test_each_operation_declares_its_answer_and_its_refusals(spec: dict[str, Any], method: str,
                                                             path: str) -> None:
    operation = spec["paths"][path][method]
    responses = operation["responses"]
    [success] = [code for code in responses if code.startswith("2")]
    body = _resolve(spec, responses[success]["content"]["application/json"]["schema"])
    assert body["type"] == "object"
    assert body["properties"], f"{method} {path}: its answer has no declared fields"
    declared = {int(code) for code in responses if code[0] == "4"}
    assert declared == OPERATIONS[(method, path)]
    for code in declared:
        error = _resolve(spec, responses[str(code)])
        assert error["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"}
    for parameter in spec["paths"][path].get("parameters", []):
        if parameter["name"].endswith("_id"):
            assert parameter["schema"] == {"type": "integer", "minimum": 1,
                                           "maximum": 2147483647}


def test_the_result_is_typed_down_to_its_decimals(spec: dict[str, Any]) -> None:
    result = _schema(spec, "Result")["properties"]
    assert {"state", "threshold", "electorate", "participation", "options", "outcome",
            "ranking", "pairwise", "adjusted", "vote_id", "closes_at",
            "conflicts_pending"} <= set(result)
    assert result["threshold"]["enum"] == ["majority", "three_quarters", "advisory"]
    tally = _schema(spec, "Tally")
    assert tally["properties"]["area_m2"] == {"type": "string",
                                              "pattern": "^-?[0-9]+\\.[0-9]{2}$",
                                              "example": "89.50"}
    assert sorted(tally["required"]) == ["area_m2", "headcount"]
    option = _schema(spec, "OptionResult")
    assert sorted(option["required"]) == ["abstain", "agree", "id", "oppose", "passed",
                                          "reasons", "title"]
    assert _schema(spec, "Outcome")["properties"]["option_id"]["nullable"] is True
    assert _schema(spec, "Participation")["properties"]["quorum_met"]["type"] == "boolean"
    ranking = result["ranking"]
    assert ranking["items"] == {"type": "array", "items": {"type": "integer"}}


def test_requests_state_every_constraint(spec: dict[str, Any]) -> None:
    ballot = _schema(spec, "Ballot")
    assert ballot["required"] == ["choices"]
    choices = ballot["properties"]["choices"]
    assert "nullable" not in choices  # choices: null is refused
    assert len(choices["anyOf"]) == 3  # one shape per voting method
    assert [shape["type"] for shape in choices["anyOf"]] == ["object"] * 3
    assert "type" not in choices  # beside anyOf it would hide the null of paper/listed choices
    listed = _schema(spec, "ListedBallot")["properties"]["choices"]["anyOf"]
    assert listed[-1] == {"type": "object", "enum": [None], "nullable": True}  # totals only
    on_behalf = ballot["properties"]["on_behalf_of"]
    assert (on_behalf["minLength"], on_behalf["maxLength"]) == (1, 64)
    assert on_behalf["pattern"] == "^[^\\x00]*$"  # no NUL bytes
    assert ballot["additionalProperties"] is False
    paper = _schema(spec, "PaperBallot")["properties"]
    assert paper["ballot_no"]["maxLength"] == 32
    assert paper["owner_ref"]["pattern"] == "^[^\\x00]*$"
    assert paper["blank"]["type"] == "boolean"
    resolve = _schema(spec, "Resolve")["properties"]
    assert resolve["keep"]["enum"] == ["counted", "held"]
    assert resolve["reason"]["maxLength"] == 2000
    opening = _schema(spec, "OpenVote")["properties"]
    assert opening["method"]["enum"] == ["approve_each", "single_choice", "ranked"]
    ballots = spec["paths"]["/api/v1/votes/{vote_id}/ballots"]["get"]["parameters"]
    page = next(p for p in ballots if p["name"] == "page")
    assert (page["schema"]["minimum"], page["schema"]["maximum"]) == (1, 1_000_000)
