"""`GET /api/v1/openapi.json`: the OpenAPI 3 document generated from the validating schemas."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient


def _spec(client: FlaskClient) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_document_is_openapi_3_and_lists_the_endpoints(client: FlaskClient) -> None:
    spec = _spec(client)
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["version"] == "v1"
    assert "post" in spec["paths"]["/api/v1/auth/token"]
    assert "get" in spec["paths"]["/api/v1/communities/{slug}"]


def test_every_api_route_is_documented(app: Flask, client: FlaskClient) -> None:
    """A route added under /api/v1 without flask-smorest documentation fails here."""
    paths = _spec(client)["paths"]
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith("api-docs."):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        assert path in paths, f"{rule.rule} is missing from openapi.json"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in paths[path], f"{method} {rule.rule} is undocumented"


def test_bearer_scheme_is_declared_and_required(client: FlaskClient) -> None:
    spec = _spec(client)
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    community = spec["paths"]["/api/v1/communities/{slug}"]["get"]
    assert community["security"] == [{"bearerAuth": []}]
    assert "401" in community["responses"] and "403" in community["responses"]
    assert "security" not in spec["paths"]["/api/v1/auth/token"]["post"]


def test_schemas_are_the_validating_ones(client: FlaskClient) -> None:
    spec = _spec(client)
    schemas = spec["components"]["schemas"]
    token_request = schemas["TokenRequest"]
    assert sorted(token_request["required"]) == ["password", "username"]
    assert token_request["properties"]["username"]["maxLength"] == 80
    assert token_request["properties"]["password"]["writeOnly"] is True
    community = schemas["Community"]["properties"]
    assert set(community) == {"slug", "name", "units", "headcount", "area_m2"}
    assert community["area_m2"]["type"] == "string"  # decimals travel as strings


def test_error_responses_document_the_error_envelope(client: FlaskClient) -> None:
    spec = _spec(client)
    schemas = spec["components"]["schemas"]
    assert schemas["Error"]["required"] == ["error"]
    detail = schemas["ErrorDetail"]
    assert set(detail["required"]) == {"code", "message"}
    unauthorized = spec["components"]["responses"]["UNAUTHORIZED"]
    ref = unauthorized["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/Error"


def test_a_map_with_named_keys_documents_those_keys_only(client: FlaskClient) -> None:
    """A `fields.Dict` whose keys are `OneOf` names states them (OpenAPI 3.0 has no
    propertyNames): the document refuses another key, as the API does (422)."""
    channels = _spec(client)["components"]["schemas"]["Preferences"]["properties"]["channels"]
    assert channels["additionalProperties"] is False
    assert {"vote_opened", "comment_reply", "mandate_granted"} <= set(channels["properties"])
    assert channels["properties"]["vote_opened"]["items"]["enum"] == [
        "inbox", "email", "sms", "wechat"]


def test_every_operation_declares_its_answer_and_its_errors(client: FlaskClient) -> None:
    """Each operation of every feature (not only voting's) names a success response with a
    schema (or 204) and its 4xx/5xx in the error envelope: a generated client reads them all."""
    spec = _spec(client)
    gaps = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation["responses"]
            success = {code: r for code, r in responses.items() if code.startswith("2")}
            if not success:
                gaps.append(f"{method} {path}: no success response")
            for code, response in success.items():
                content = response.get("content") or {}
                if code != "204" and (not content or not all(
                        media.get("schema") for media in content.values())):
                    gaps.append(f"{method} {path} {code}: no schema")
            for code, response in responses.items():
                if code[0] in "45" and "$ref" not in response and not response.get("content"):
                    gaps.append(f"{method} {path} {code}: no error envelope")
            if not any(code[0] == "4" for code in responses):
                gaps.append(f"{method} {path}: no refusal documented")
    assert gaps == []
