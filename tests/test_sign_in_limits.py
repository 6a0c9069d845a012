"""Guessing is throttled per account as well as per address, in windows that expire (an
attacker cannot lock an owner out for good), and chosen passwords must not be common."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.accounts.errors import AccountError
from app.accounts.passwords import check_password, is_common
from app.accounts.services import create_user
from app.extensions import db
from app.register.services import create_community

LIMITS = {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "100 per minute",
          "ACCOUNT_LOGIN_RATE_LIMIT": "3 per 15 minutes"}


def _limited_app(custom_app: Callable[..., Flask]) -> Flask:
    app = custom_app(**LIMITS)
    with app.app_context():
        create_user("zhang", "password123")
        create_user("li", "password123")
        db.session.commit()
    return app


def _login(client: FlaskClient, address: str, username: str = "zhang",
           password: str = "wrong-password") -> TestResponse:
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_one_account_guessed_from_many_addresses_is_limited_for_a_window(
        custom_app: Callable[..., Flask], clock: time_machine.Coordinates) -> None:
    app = _limited_app(custom_app)
    client = app.test_client()
    assert [_login(client, f"10.0.0.{i}").status_code for i in range(3)] == [400, 400, 400]
    # the fourth guess, from yet another address, waits — even with the right password
    assert _login(client, "10.0.0.9", password="password123").status_code == 429
    api = client.post("/api/v1/auth/token", json={"username": "zhang", "password": "x"},
                      environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert api.status_code == 429
    assert api.get_json()["error"]["code"] == "too_many_requests"
    # another account is not affected, from any of those addresses
    assert _login(client, "10.0.0.1", username="li").status_code == 400
    # the window ends: the owner signs in from anywhere
    clock.shift(timedelta(minutes=16))
    assert _login(client, "192.168.1.5", password="password123").status_code == 302


def test_successful_sign_ins_do_not_count_against_the_account(
        custom_app: Callable[..., Flask]) -> None:
    app = _limited_app(custom_app)
    for i in range(5):
        client = app.test_client()
        assert _login(client, f"10.0.2.{i}", password="password123").status_code == 302
    client = app.test_client()
    assert [_login(client, "10.0.3.1").status_code for _ in range(4)] == [400, 400, 400, 429]


def test_the_per_address_limit_still_holds(custom_app: Callable[..., Flask]) -> None:
    app = custom_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute",
                     ACCOUNT_LOGIN_RATE_LIMIT="100 per minute")
    client = app.test_client()
    statuses = [_login(client, "10.0.4.1", username=f"user{i}").status_code for i in range(3)]
    assert statuses == [400, 400, 429]


def test_one_claim_code_is_throttled_on_sign_up(custom_app: Callable[..., Flask]) -> None:
    app = custom_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="100 per minute",
                     ACCOUNT_LOGIN_RATE_LIMIT="2 per 15 minutes")
    client = app.test_client()

    def signup(code: str, address: str) -> int:
        return client.post("/signup", data={
            "code": code, "username": "new-owner", "password": "secret-pass-1",
            "confirm": "secret-pass-1"}, environ_base={"REMOTE_ADDR": address}).status_code

    assert [signup("AAAA-BBBB-CCCC", f"10.0.5.{i}") for i in range(3)] == [400, 400, 429]
    assert signup("aaaa bbbb cccc", "10.0.5.9") == 429  # the same code, typed differently
    assert signup("DDDD-EEEE-FFFF", "10.0.5.9") == 400


# --- the password policy ------------------------------------------------------------------

@pytest.mark.parametrize("password", ["password123", "12345678", "Iloveyou", "qwertyuiop",
                                      "aaaaaaaaaa", "abcd1234"])
def test_common_or_guessable_passwords_are_refused(password: str) -> None:
    with pytest.raises(AccountError) as refused:
        check_password(password)
    assert refused.value.code == "common_password"
    assert refused.value.field == "password"
    assert refused.value.message_in("zh") == (
        "这个密码太常见或太容易猜到，请换一个更长、更少见的密码")


def test_short_and_own_name_passwords_are_refused() -> None:
    with pytest.raises(AccountError) as short:
        check_password("x7#Qp2")
    assert short.value.message_in("en") == "The password needs at least 8 characters"
    with pytest.raises(AccountError) as own:
        check_password("zhangwei1987", username="zhangwei1987")
    assert own.value.code == "common_password"
    check_password("secret-pass-1", username="zhang")
    assert is_common("PASSWORD") and not is_common("secret-pass-1")


def test_sign_up_refuses_a_common_password(client: FlaskClient, app: Flask) -> None:
    from app.accounts.claims import find_owners, issue_claim_codes
    from app.register.services import import_register
    from tests.factories import SMALL_REGISTER

    with app.app_context():
        community = create_community("spj", "尚品居")
        import_register(community, SMALL_REGISTER)
        boss = create_user("boss", "password123")
        [issued] = issue_claim_codes(community, find_owners(community, ["o1"]), boss)
        db.session.commit()
    response = client.post("/signup", data={"code": issued.code, "username": "zhang3",
                                            "password": "password123", "confirm": "password123"})
    assert response.status_code == 400
    assert "这个密码太常见或太容易猜到" in response.get_data(as_text=True)
    ok = client.post("/signup", data={"code": issued.code, "username": "zhang3",
                                      "password": "secret-pass-1", "confirm": "secret-pass-1"})
    assert ok.status_code == 302


def test_users_create_refuses_a_common_password(app: Flask) -> None:
    with app.app_context():
        create_community("spj", "尚品居")
        db.session.commit()
    runner = app.test_cli_runner()
    args = ["users", "create", "zhao", "--community", "spj", "--role", "committee"]
    weak = runner.invoke(args=[*args, "--password", "password123"])
    assert weak.exit_code == 1
    assert weak.output.strip() == ("Error: This password is too common or too easy to guess; "
                                   "choose a longer, less common one")
    short = runner.invoke(args=[*args, "--password", "abc"])
    assert short.output.strip() == "Error: The password needs at least 8 characters"
    good = runner.invoke(args=[*args, "--password", "secret-pass-1"])
    assert good.exit_code == 0, good.output
    assert good.output.strip() == "user zhao is committee of spj"
