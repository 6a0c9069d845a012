"""Security: headers, cookie flags, CSRF on every HTML form route, hashed passwords, rate limits,
and safe redirects after sign-in."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from werkzeug.routing import Rule
from werkzeug.routing.converters import AnyConverter, NumberConverter
from werkzeug.security import check_password_hash
from werkzeug.test import TestResponse

from app.accounts.services import create_user
from app.config import build_config
from app.extensions import db
from app.register.services import create_community

CSRF_PAGE_TEXT = "表单已过期"


def _add_user(app: Flask, username: str = "zhang", password: str = "password123") -> None:
    with app.app_context():
        create_user(username, password)
        db.session.commit()


@pytest.mark.parametrize("path", ["/", "/login", "/no-such-page", "/api/v1/openapi.json",
                                  "/api/v1/nope"])
def test_security_headers_on_every_response(client: FlaskClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'",
                      "base-uri 'self'", "form-action 'self'", "script-src 'self'"):
        assert directive in csp
    assert "unsafe-eval" not in csp
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "unsafe-inline" not in script_src
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_hsts_only_when_cookies_are_secure(custom_app: Callable[..., Flask]) -> None:
    assert "Strict-Transport-Security" not in custom_app().test_client().get("/").headers
    secure = custom_app(SESSION_COOKIE_SECURE=True).test_client().get("/")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_defaults_are_secure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("YISHI_SECURE_COOKIES", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    config = build_config(str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_HTTPONLY"] is True


def test_secret_key_is_generated_once_and_private(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = build_config(str(tmp_path))["SECRET_KEY"]
    assert len(first) >= 32
    assert build_config(str(tmp_path))["SECRET_KEY"] == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_session_cookie_flags_after_login(custom_app: Callable[..., Flask]) -> None:
    app = custom_app(SESSION_COOKIE_SECURE=True)
    _add_user(app)
    response = app.test_client().post("/login", data={"username": "zhang",
                                                      "password": "password123"})
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert "secure" in flags
    assert "httponly" in flags
    assert "samesite=lax" in flags


def test_passwords_are_stored_hashed(app: Flask) -> None:
    _add_user(app, "zhang", "correct horse battery")
    _add_user(app, "li", "correct horse battery")
    with app.app_context():
        rows = dict(db.session.execute(
            text("SELECT username, password_hash FROM user_account")).all())
    for stored in rows.values():
        assert "correct horse" not in stored
        assert stored.startswith("pbkdf2:sha256:1000$")  # the tests' cheap method
        assert check_password_hash(stored, "correct horse battery")
        assert not check_password_hash(stored, "correct horse battery!")
    assert rows["zhang"] != rows["li"]  # salted


def _login_post(client: FlaskClient, password: str = "wrong-password") -> TestResponse:
    return client.post("/login", data={"username": "zhang", "password": password})


def test_login_rate_limit_on_form_and_api(custom_app: Callable[..., Flask]) -> None:
    app = custom_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    _add_user(app)
    client = app.test_client()
    assert [_login_post(client).status_code for _ in range(3)] == [400, 400, 400]
    blocked = _login_post(client, "password123")  # even the right password waits
    assert blocked.status_code == 429
    assert blocked.mimetype == "text/html"
    # the API shares the sign-in limit: it is already used up
    api = client.post("/api/v1/auth/token", json={"username": "zhang", "password": "bad"})
    assert api.status_code == 429
    assert api.get_json()["error"]["code"] == "too_many_requests"
    assert client.get("/login").status_code == 200  # only sign-in attempts are limited


def test_failed_logins_are_refused_without_saying_which_part_was_wrong(client: FlaskClient,
                                                                       app: Flask) -> None:
    _add_user(app)
    unknown = client.post("/login", data={"username": "ghost", "password": "password123"})
    wrong = _login_post(client)
    assert unknown.status_code == wrong.status_code == 400
    assert "zhang" not in wrong.get_data(as_text=True).split("用户名")[0]


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/x",
                                    "/%5Cevil.example", "/%5C%5Cevil.example",
                                    "javascript:alert(1)", "%2F%2Fevil.example"])
def test_login_never_redirects_off_site(client: FlaskClient, app: Flask, target: str) -> None:
    _add_user(app)
    response = client.post(f"/login?next={target}", data={"username": "zhang",
                                                          "password": "password123"})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "\\" not in location


def test_logout_is_post_only(client: FlaskClient, app: Flask) -> None:
    _add_user(app)
    _login_post(client, "password123")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302


def test_nul_bytes_in_forms_and_urls_are_400(client: FlaskClient) -> None:
    assert client.post("/login", data={"username": "a\x00b", "password": "x"}).status_code == 400
    assert client.get("/c/a%00b/").status_code == 400
    assert client.get("/?q=%00").status_code == 400


# --- CSRF ---------------------------------------------------------------------------------

def _url_args(rule: Rule, slug: str) -> dict[str, object]:
    """Values for a rule's URL arguments: the test community's slug, an allowed choice, id 1."""
    values: dict[str, object] = {}
    for arg in rule.arguments - set(rule.defaults or {}):
        converter = rule._converters[arg]
        if arg == "slug":
            values[arg] = slug
        elif isinstance(converter, AnyConverter):
            values[arg] = sorted(converter.items)[0]
        elif isinstance(converter, NumberConverter):
            values[arg] = 1  # a valid id (0 is outside `<id:...>`: 404 before any CSRF check)
        else:
            values[arg] = "0"
    return values


#: HTML POST routes without a CSRF token, each for a reason (and tested where it is made)
CSRF_EXEMPT = {
    # RFC 8058 one-click unsubscribe: the mail client POSTs with the link's signed token only
    "notifications_public.unsubscribe",
}


def html_post_rules(app: Flask) -> list[Rule]:
    """Every rule accepting POST outside /api/ (and static files)."""
    return [rule for rule in app.url_map.iter_rules()
            if "POST" in rule.methods and not rule.rule.startswith("/api/")
            and rule.endpoint != "static" and rule.endpoint not in CSRF_EXEMPT]


def test_every_html_post_route_requires_a_csrf_token(custom_app: Callable[..., Flask]) -> None:
    app = custom_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        community = create_community("csrf", "CSRF 小区")
        create_user("zhang", "password123")
        db.session.commit()
        slug = community.slug
    rules = html_post_rules(app)
    assert {"accounts.login", "accounts.logout", "accounts.set_language"} <= {
        r.endpoint for r in rules}
    client = app.test_client()
    for rule in rules:
        url = rule.build(_url_args(rule, slug))[1]
        response = client.post(url, data={"anything": "1"})
        assert response.status_code == 400, f"POST {url} ({rule.endpoint}) without CSRF token"
        assert CSRF_PAGE_TEXT in response.get_data(as_text=True), rule.endpoint
        multipart = client.post(url, data={"file": (b"x", "x.csv")},
                                content_type="multipart/form-data")
        assert multipart.status_code == 400, f"multipart POST {url} ({rule.endpoint})"
    with app.app_context():
        db.engine.dispose()


def test_csrf_token_from_the_form_is_accepted(custom_app: Callable[..., Flask]) -> None:
    app = custom_app(WTF_CSRF_ENABLED=True)
    _add_user(app)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    forged = client.post("/login", data={"username": "zhang", "password": "password123",
                                         "csrf_token": token + "x"})
    assert forged.status_code == 400
    response = client.post("/login", data={"username": "zhang", "password": "password123",
                                           "csrf_token": token})
    assert response.status_code == 302


def test_api_takes_no_cookie_credentials(custom_app: Callable[..., Flask]) -> None:
    """The API is CSRF-exempt because only a bearer token authenticates there."""
    app = custom_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        create_community("spj", "尚品居")
        db.session.commit()
    _add_user(app)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "zhang", "password": "password123",
                                "csrf_token": token})
    assert client.get("/api/v1/communities/spj").status_code == 401
