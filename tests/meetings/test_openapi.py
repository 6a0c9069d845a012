"""The OpenAPI document says what the meetings API does (issue 9, item 9): every endpoint declares
the schema of its answer and every 4xx it gives, with every constraint, and real answers fit."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from app.accounts.models import User
from app.ids import MAX_ID
from app.register.models import Community
from tests.meetings.helpers import build, closed_vote, token

#: (path, method) -> (success status, its schema, the 4xx statuses it may answer)
ENDPOINTS = {
    ("/api/v1/proposals/{proposal_id}/minutes", "post"):
        ("201", "Minutes", {"400", "401", "403", "404", "409", "415"}),
    ("/api/v1/minutes/{minutes_id}/publish", "post"):
        ("200", "Minutes", {"400", "401", "403", "404", "409", "415"}),
    ("/api/v1/minutes/{minutes_id}", "get"): ("200", "Minutes", {"401", "403", "404"}),
    ("/api/v1/communities/{slug}/decisions", "get"): ("200", "Decision[]", {"404"}),
}
ERROR = {"$ref": "#/components/schemas/Error"}


def _spec(client: FlaskClient) -> dict[str, Any]:
    spec: dict[str, Any] = client.get("/api/v1/openapi.json").get_json()
    return spec


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        *_, kind, name = node["$ref"].split("/")
        node = spec["components"][kind][name]
    return node


def _schema_name(content: dict[str, Any]) -> str:
    schema = content["application/json"]["schema"]
    if schema.get("type") == "array":
        return schema["items"]["$ref"].rsplit("/", 1)[1] + "[]"
    return str(schema["$ref"].rsplit("/", 1)[1])


def test_every_meetings_endpoint_declares_its_answers(client: FlaskClient) -> None:
    spec = _spec(client)
    mine = {(path, method) for path, ops in spec["paths"].items() for method in ops
            if method != "parameters" and "api_meetings" in ops[method].get("tags", [])}
    assert mine == set(ENDPOINTS)
    for (path, method), (status, schema, errors) in ENDPOINTS.items():
        responses = spec["paths"][path][method]["responses"]
        assert _schema_name(responses[status]["content"]) == schema, (path, method)
        declared = {code for code in responses if code.startswith("4")}
        assert declared == errors, (path, method)
        for code in errors:
            content = _resolve(spec, responses[code])["content"]
            assert content["application/json"]["schema"] == ERROR, (path, method, code)


def test_ids_in_paths_are_bounded(client: FlaskClient) -> None:
    spec = _spec(client)
    for path, _method in ENDPOINTS:
        for parameter in spec["paths"][path]["parameters"]:
            if parameter["name"].endswith("_id"):
                assert parameter["schema"] == {"type": "integer", "minimum": 1,
                                               "maximum": MAX_ID}, path


def test_answer_schemas_state_their_constraints(client: FlaskClient) -> None:
    schemas = _spec(client)["components"]["schemas"]
    minutes, decision = schemas["Minutes"], schemas["Decision"]
    assert set(minutes["required"]) == set(minutes["properties"])
    assert set(decision["required"]) == set(decision["properties"])
    props = minutes["properties"]
    assert props["state"]["enum"] == ["draft", "published"]
    assert props["sha256"]["pattern"] == "^[0-9a-f]{64}$"
    assert props["sha256"]["nullable"] is True
    assert props["published_at"]["format"] == "date-time"
    assert props["id"]["maximum"] == MAX_ID
    assert props["pdf_url"]["format"] == "uri"
    assert decision["properties"]["passed"] == {
        "type": "boolean", "description": "The result notice's verdict; while only minutes are "
        "published, the outcome of the proposal's closed vote"}
    assert decision["properties"]["notice_url"]["nullable"] is True


def _fits(spec: dict[str, Any], value: Any, schema: dict[str, Any]) -> list[str]:
    """What in a JSON value does not fit its (flat) schema; empty when it fits."""
    schema = _resolve(spec, schema)
    if value is None:
        return [] if schema.get("nullable") else ["null not allowed"]
    kind = schema.get("type")
    if kind == "array":
        return [p for item in value for p in _fits(spec, item, schema["items"])]
    if kind == "object":
        problems = [f"missing {key}" for key in schema.get("required", []) if key not in value]
        problems += [f"undeclared {key}" for key in value if key not in schema["properties"]]
        for key, item in value.items():
            if key in schema["properties"]:
                problems += [f"{key}: {p}" for p in _fits(spec, item, schema["properties"][key])]
        return problems
    python = {"integer": int, "string": str, "boolean": bool}[kind]
    if not isinstance(value, python) or (kind == "integer" and isinstance(value, bool)):
        return [f"not {kind}: {value!r}"]
    problems = []
    if "pattern" in schema and not re.search(schema["pattern"], value):
        problems.append(f"{value!r} does not match {schema['pattern']}")
    if schema.get("format") == "date-time":
        datetime.fromisoformat(value)
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{value!r} not in {schema['enum']}")
    if kind == "integer" and not schema.get("minimum", value) <= value <= schema.get(
            "maximum", value):
        problems.append(f"{value} out of range")
    return problems


@pytest.fixture
def proposal_id(client: FlaskClient, make_community: Callable[..., Community],
                make_user: Callable[..., User]) -> int:
    with client.application.test_request_context("/"):
        world = build(make_community, make_user)
        closed_vote(world)
        return world.proposal.id


def test_real_answers_fit_the_document(client: FlaskClient, proposal_id: int) -> None:
    spec = _spec(client)

    def check(path: str, method: str, response: Any) -> None:
        declared = spec["paths"][path][method]["responses"]
        assert str(response.status_code) in declared, (path, response.status_code)
        answer = _resolve(spec, declared[str(response.status_code)])
        body = answer["content"]["application/json"]["schema"]
        assert _fits(spec, response.get_json(), body) == [], (path, response.status_code)

    chair = token(client, "spj-chair")
    created = client.post(f"/api/v1/proposals/{proposal_id}/minutes", headers=chair)
    check("/api/v1/proposals/{proposal_id}/minutes", "post", created)
    mid = created.get_json()["id"]
    check("/api/v1/minutes/{minutes_id}", "get", client.get(f"/api/v1/minutes/{mid}"))  # 401
    published = client.post(f"/api/v1/minutes/{mid}/publish", headers=chair)
    check("/api/v1/minutes/{minutes_id}/publish", "post", published)
    check("/api/v1/minutes/{minutes_id}/publish", "post",
          client.post(f"/api/v1/minutes/{mid}/publish", headers=chair))  # 409
    check("/api/v1/minutes/{minutes_id}", "get", client.get(f"/api/v1/minutes/{mid}"))
    decisions = client.get("/api/v1/communities/spj/decisions")
    assert len(decisions.get_json()) == 1
    check("/api/v1/communities/{slug}/decisions", "get", decisions)
    check("/api/v1/communities/{slug}/decisions", "get",
          client.get("/api/v1/communities/nope/decisions"))  # 404
