"""Sign-in: failures are audit-logged; login and sign-up are rate-limited."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.extensions import db, limiter
from app.register.models import Community
from tests.conftest import make_app


def test_failed_login_is_audit_logged(client: FlaskClient, make_community: Callable[..., Community],
                                      make_user: Callable[..., User]) -> None:
    community = make_community()
    make_user("zhang", community, "owner", owner_ref="o1")
    response = client.post("/login", data={"username": "zhang", "password": "wrong-password"})
    assert response.status_code == 400
    assert "用户名或密码不正确" in response.get_data(as_text=True)
    response = client.post("/login", data={"username": "ghost", "password": "whatever1"})
    entries = list(db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "auth.login_failed")
        .order_by(AuditEntry.id)).scalars())
    assert [e.actor_name for e in entries] == ["zhang", "ghost"]
    assert '"known_user":true' in entries[0].details
    assert '"known_user":false' in entries[1].details


@pytest.fixture
def limited_app(app: Flask) -> Iterator[Flask]:
    """An app with rate limiting on (3 attempts a minute), on the test database."""
    limited = make_app(app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED=True,
                       LOGIN_RATE_LIMIT="3 per minute")
    with limited.app_context():
        limiter.reset()
        yield limited
        limiter.reset()
        db.session.remove()
        db.engine.dispose()


def test_login_rate_limit(limited_app: Flask) -> None:
    client = limited_app.test_client()
    statuses = [client.post("/login", data={"username": "x", "password": "wrong-pass"}
                            ).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    assert client.get("/login").status_code == 200  # only POSTs are limited


def test_signup_rate_limit(limited_app: Flask) -> None:
    client = limited_app.test_client()
    data = {"code": "AAAA-BBBB-CCCC", "username": "someone", "password": "secret-pass-1",
            "confirm": "secret-pass-1"}
    statuses = [client.post("/signup", data=data).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    assert "操作太频繁" in client.post("/signup", data=data).get_data(as_text=True)
