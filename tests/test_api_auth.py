"""`POST /api/v1/auth/token` and `GET /api/v1/communities/{slug}`: who gets in, and how."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from app.accounts.models import ApiToken, Role
from app.accounts.services import create_user, grant_membership, issue_api_token
from app.audit.models import AuditEntry
from app.db import utcnow
from app.extensions import db
from app.register.models import Owner
from app.register.services import create_community, import_register
from tests.factories import SMALL_REGISTER


def seed(app: Flask) -> dict[str, str]:
    """Two communities; an owner of the first and a committee member of the second; tokens."""
    with app.app_context():
        spj = create_community("spj", "尚品居")
        import_register(spj, SMALL_REGISTER)
        other = create_community("other", "别的小区")
        import_register(other, SMALL_REGISTER)
        owner = create_user("zhang", "password123")
        o1 = db.session.execute(select(Owner).where(Owner.community_id == spj.id,
                                                    Owner.owner_ref == "o1")).scalar_one()
        grant_membership(owner, spj, Role.OWNER, owner=o1)
        resident = create_user("tenant", "password123")
        grant_membership(resident, spj, Role.RESIDENT)
        stranger = create_user("li", "password123")
        grant_membership(stranger, other, Role.COMMITTEE)
        tokens = {"owner": issue_api_token(owner), "resident": issue_api_token(resident),
                  "stranger": issue_api_token(stranger)}
        db.session.commit()
    return tokens


def bearer(token: str) -> dict[str, str]:
    """An Authorization header."""
    return {"Authorization": f"Bearer {token}"}


def assert_error(response: TestResponse, status: int, code: str | None = None) -> None:
    """The response is the JSON error envelope with this status (and code)."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code


def test_token_for_right_password_opens_the_api(app: Flask, client: FlaskClient) -> None:
    seed(app)
    response = client.post("/api/v1/auth/token",
                           json={"username": "zhang", "password": "password123"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = response.get_json()["token"]
    assert len(token) >= 32
    community = client.get("/api/v1/communities/spj", headers=bearer(token))
    assert community.status_code == 200
    assert community.get_json() == {"slug": "spj", "name": "尚品居", "units": 6,
                                    "headcount": 4, "area_m2": "492.25"}
    with app.app_context():
        stored = db.session.execute(select(ApiToken.token_hash)).scalars().all()
        assert token not in stored  # only the hash is kept


def test_wrong_password_is_401_and_audited(app: Flask, client: FlaskClient) -> None:
    seed(app)
    wrong = client.post("/api/v1/auth/token", json={"username": "zhang", "password": "nope1234"})
    assert_error(wrong, 401, "invalid_credentials")
    unknown = client.post("/api/v1/auth/token", json={"username": "ghost", "password": "x"})
    assert_error(unknown, 401, "invalid_credentials")
    assert "token" not in wrong.get_json()
    with app.app_context():
        failed = db.session.execute(select(AuditEntry.actor_name).where(
            AuditEntry.action == "auth.login_failed")).scalars().all()
    assert sorted(failed) == ["ghost", "zhang"]


def test_inactive_account_gets_no_token_and_its_tokens_stop(app: Flask,
                                                            client: FlaskClient) -> None:
    tokens = seed(app)
    with app.app_context():
        from app.accounts.services import find_user

        find_user("zhang").active = False
        db.session.commit()
    assert_error(client.post("/api/v1/auth/token",
                             json={"username": "zhang", "password": "password123"}), 401)
    assert_error(client.get("/api/v1/communities/spj", headers=bearer(tokens["owner"])), 401)


def test_member_of_any_role_reads_the_community(app: Flask, client: FlaskClient) -> None:
    tokens = seed(app)
    for who in ("owner", "resident"):
        response = client.get("/api/v1/communities/spj", headers=bearer(tokens[who]))
        assert response.status_code == 200
        assert response.get_json()["headcount"] == 4


def test_community_needs_a_valid_token(app: Flask, client: FlaskClient) -> None:
    tokens = seed(app)
    assert_error(client.get("/api/v1/communities/spj"), 401, "unauthorized")
    for header in (f"Bearer {tokens['owner']}x", "Bearer ", f"Token {tokens['owner']}",
                   tokens["owner"], "Bearer " + "a" * 5000):
        assert_error(client.get("/api/v1/communities/spj",
                                headers={"Authorization": header}), 401, "unauthorized")


def test_expired_or_revoked_token_is_401(app: Flask, client: FlaskClient) -> None:
    tokens = seed(app)
    with app.app_context():
        rows = db.session.execute(select(ApiToken).order_by(ApiToken.id)).scalars().all()
        rows[0].expires_at = utcnow() - timedelta(seconds=1)
        rows[1].revoked = True
        db.session.commit()
    assert_error(client.get("/api/v1/communities/spj", headers=bearer(tokens["owner"])), 401)
    assert_error(client.get("/api/v1/communities/spj", headers=bearer(tokens["resident"])), 401)


def test_member_of_another_community_is_403(app: Flask, client: FlaskClient) -> None:
    tokens = seed(app)
    response = client.get("/api/v1/communities/spj", headers=bearer(tokens["stranger"]))
    assert_error(response, 403, "forbidden")
    assert "尚品居" not in response.get_data(as_text=True)
    own = client.get("/api/v1/communities/other", headers=bearer(tokens["stranger"]))
    assert own.status_code == 200


def test_unknown_community_is_404(app: Flask, client: FlaskClient) -> None:
    tokens = seed(app)
    assert_error(client.get("/api/v1/communities/nowhere", headers=bearer(tokens["owner"])),
                 404, "not_found")
    assert_error(client.get("/api/v1/communities/%E5%B0%9A", headers=bearer(tokens["owner"])),
                 404, "not_found")
