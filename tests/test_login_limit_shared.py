"""The login form and the API token endpoint share one rate limit per client."""

from __future__ import annotations

from tests.conftest import make_app


def test_form_and_api_attempts_count_together(migrated: str) -> None:
    app = make_app(migrated, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    assert client.post("/login", data={"username": "x", "password": "wrong"}).status_code == 400
    assert client.post("/login", data={"username": "x", "password": "wrong"}).status_code == 400
    third = client.post("/api/v1/auth/token", json={"username": "x", "password": "wrong"})
    assert third.status_code == 401
    fourth = client.post("/api/v1/auth/token", json={"username": "x", "password": "wrong"})
    assert fourth.status_code == 429
    assert fourth.get_json()["error"]["code"] == "too_many_requests"
    assert client.post("/login", data={"username": "x", "password": "wrong"}).status_code == 429
