"""Every error under /api/ is `{"error": {"code", "message"}}` JSON with a 4xx: never HTML, never
a 500 for bad input; a bug inside an API view is a JSON 500."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing.converters import NumberConverter
from werkzeug.test import TestResponse

from app.accounts.models import Role
from app.accounts.services import create_user, grant_membership, issue_api_token
from app.extensions import db
from app.register.services import create_community

TOKEN_URL = "/api/v1/auth/token"


def assert_json_error(response: TestResponse, status: int, code: str | None = None) -> dict:
    """The response is a JSON error envelope with this status; returns the error."""
    body = response.get_data(as_text=True)
    assert response.status_code == status, body
    assert response.mimetype == "application/json", body[:200]
    assert not body.lstrip().startswith("<")
    error = response.get_json()["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code
    return error


def test_malformed_json_is_400(client: FlaskClient) -> None:
    for raw in ('{"username": "a",', "{bad", "[1, 2", "\ufeff", b"\xff\xfe\xfa"):
        response = client.post(TOKEN_URL, data=raw, content_type="application/json")
        assert_json_error(response, 400, "invalid_json")


def test_absurdly_nested_json_is_400_not_a_crash(client: FlaskClient) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    assert_json_error(client.post(TOKEN_URL, data=deep, content_type="application/json"),
                      400, "invalid_json")
    value: object = []
    for _ in range(40):
        value = [value]
    nested = json.dumps({"username": "a", "password": "b", "x": value})
    assert_json_error(client.post(TOKEN_URL, data=nested, content_type="application/json"),
                      400, "invalid_json")


@pytest.mark.parametrize("value", ["a\u0000b", "\ud800"])
def test_strings_a_database_refuses_are_400(client: FlaskClient, value: str) -> None:
    raw = json.dumps({"username": value, "password": "password123"})
    assert_json_error(client.post(TOKEN_URL, data=raw, content_type="application/json"),
                      400, "invalid_json")
    key = json.dumps({value: 1, "username": "a", "password": "b"})
    assert_json_error(client.post(TOKEN_URL, data=key, content_type="application/json"), 400)


def test_nul_in_path_or_query_is_400(client: FlaskClient) -> None:
    assert_json_error(client.get("/api/v1/communities/a%00b"), 400)
    assert_json_error(client.get("/api/v1/openapi.json?x=%00"), 400)


def test_wrong_method_is_405_with_allow(client: FlaskClient) -> None:
    response = client.get(TOKEN_URL)
    assert_json_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]
    assert_json_error(client.delete("/api/v1/communities/spj"), 405)
    assert_json_error(client.put(TOKEN_URL, data="x", content_type="text/plain"), 405)


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v2/auth/token", "/api/", "/api/v1/"])
def test_unknown_api_path_is_json_404(client: FlaskClient, path: str) -> None:
    assert_json_error(client.get(path), 404, "not_found")
    assert_json_error(client.post(path, data="x", content_type="text/plain"), 404)


def test_html_404_stays_html(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


@pytest.mark.parametrize("content_type,data", [
    ("application/x-www-form-urlencoded", "username=a&password=b"),
    ("text/plain", '{"username": "a", "password": "b"}'),
    ("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=a\r\n\r\n"
                                        "1\r\n--x--\r\n"),
])
def test_wrong_content_type_is_415(client: FlaskClient, content_type: str, data: str) -> None:
    response = client.post(TOKEN_URL, data=data, content_type=content_type)
    assert_json_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("body,field", [
    ({}, "username"),
    ({"username": "a"}, "password"),
    ({"username": 7, "password": "b"}, "username"),
    ({"username": "", "password": "b"}, "username"),
    ({"username": "a" * 81, "password": "b"}, "username"),
    ({"username": ["a"], "password": {"b": 1}}, "password"),
])
def test_schema_violations_are_422_naming_the_field(client: FlaskClient, body: dict,
                                                    field: str) -> None:
    error = assert_json_error(client.post(TOKEN_URL, json=body), 422, "validation_error")
    assert field in error["message"]
    assert field in error["fields"]["json"]


@pytest.mark.parametrize("body", [[], [1, 2], "text", 12, None, True])
def test_body_that_is_not_an_object_is_422(client: FlaskClient, body: object) -> None:
    assert_json_error(client.post(TOKEN_URL, data=json.dumps(body),
                                  content_type="application/json"), 422, "validation_error")


def test_empty_body_is_422(client: FlaskClient) -> None:
    assert_json_error(client.post(TOKEN_URL), 422, "validation_error")
    assert_json_error(client.post(TOKEN_URL, content_type="application/json"), 422)


def test_rate_limit_is_json_429(custom_app: Callable[..., Flask]) -> None:
    app = custom_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    for _ in range(2):
        assert_json_error(client.post(TOKEN_URL, json={"username": "x", "password": "y"}), 401)
    response = client.post(TOKEN_URL, json={"username": "x", "password": "y"})
    assert_json_error(response, 429, "too_many_requests")
    assert int(response.headers["Retry-After"]) > 0


def test_bug_in_an_api_view_is_json_500_and_rolled_back(custom_app: Callable[..., Flask]) -> None:
    app = custom_app()

    def boom() -> str:
        create_community("half-done", "未提交")
        raise RuntimeError("a bug")

    app.add_url_rule("/api/v1/test-boom", "test_boom", boom, methods=["POST"])
    app.add_url_rule("/test-boom", "test_boom_html", boom)
    response = app.test_client().post("/api/v1/test-boom")
    error = assert_json_error(response, 500, "internal_error")
    assert "a bug" not in error["message"]  # no internals leak out
    with app.app_context():
        from app.register.models import Community

        assert db.session.query(Community).filter_by(slug="half-done").count() == 0
    with pytest.raises(RuntimeError):  # pages keep Flask's own handling (a traceback in tests)
        app.test_client().get("/test-boom")
    quiet = custom_app(PROPAGATE_EXCEPTIONS=False)
    quiet.add_url_rule("/test-boom", "test_boom_html", boom)
    page = quiet.test_client().get("/test-boom")
    assert page.status_code == 500 and page.mimetype == "text/html"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=300),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner,
                                                                 max_size=5),
    max_leaves=12,
)


def _api_body_routes(app: Flask, slug: str) -> list[tuple[str, str]]:
    """(method, url) of every API route that takes a body, URL arguments filled in."""
    out = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        values: dict[str, object] = {}
        for arg in rule.arguments - set(rule.defaults or {}):
            converter = rule._converters[arg]
            if arg == "slug":
                values[arg] = slug
            elif hasattr(converter, "items"):
                values[arg] = sorted(converter.items)[0]
            elif isinstance(converter, NumberConverter):
                values[arg] = 1
            else:
                values[arg] = "0"
        url = rule.build(values)[1]
        out += [(method, url) for method in sorted(rule.methods & {"POST", "PUT", "PATCH"})]
    return out


def test_arbitrary_json_never_gives_a_500(app: Flask, client: FlaskClient) -> None:
    """Fuzz every API route that takes a body (routes added later are covered too)."""
    with app.app_context():
        community = create_community("fuzz", "模糊")
        user = create_user("fuzzer", "password123")
        grant_membership(user, community, Role.ADMIN)
        token = issue_api_token(user)
        db.session.commit()
    routes = _api_body_routes(app, "fuzz")
    assert ("POST", TOKEN_URL) in routes
    headers = {"Authorization": f"Bearer {token}"}

    @settings(max_examples=60, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(body=JSON)
    def check(body: object) -> None:
        for method, url in routes:
            response = client.open(url, method=method, data=json.dumps(body),
                                   content_type="application/json", headers=headers)
            assert response.status_code < 500, (method, url, body, response.get_data())
            if response.status_code >= 400:
                assert_json_error(response, response.status_code)

    check()


def test_a_refusal_answers_its_status_and_message_in_the_request_language(
        app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        user = create_user("reader", "password123")
        token = issue_api_token(user)
        db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    chinese = client.get("/api/v1/communities/nowhere", headers=headers)
    assert chinese.status_code == 404
    assert chinese.get_json() == {"error": {"code": "not_found", "message": "没有小区 nowhere"}}
    english = client.get("/api/v1/communities/nowhere",
                         headers={**headers, "Accept-Language": "en-US,en;q=0.9"})
    assert english.get_json() == {"error": {"code": "not_found",
                                            "message": "No community nowhere"}}
    anonymous = client.get("/api/v1/communities/nowhere", headers={"Accept-Language": "en"})
    assert anonymous.status_code == 401
    assert anonymous.get_json() == {"error": {"code": "unauthorized",
                                              "message": "A valid bearer token is required"}}
    wrong = client.post(TOKEN_URL, json={"username": "reader", "password": "nope-nope"})
    assert wrong.status_code == 401
    assert wrong.get_json() == {"error": {"code": "invalid_credentials",
                                          "message": "用户名或密码不正确"}}


def test_domain_errors_answer_json_and_roll_back(custom_app: Callable[..., Flask]) -> None:
    from app.errors import N_, DomainError

    app = custom_app()

    def new() -> str:
        create_community("rolled-back", "回滚")
        raise DomainError("closed", N_("小区 %(slug)s 已存在"), status=409, slug="x")

    app.add_url_rule("/api/v1/test-new", "test_new", new)
    client = app.test_client()
    response = client.get("/api/v1/test-new", headers={"Accept-Language": "en"})
    assert response.status_code == 409
    assert response.get_json() == {"error": {"code": "closed", "message": "Community x exists"}}
    with app.app_context():
        from app.register.models import Community

        assert db.session.query(Community).filter_by(slug="rolled-back").count() == 0
