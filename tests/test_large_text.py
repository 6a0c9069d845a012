"""Issue 12: the elderly-friendly large text — remembered on the account (or in a cookie for an
anonymous visitor), switched by a plain form POST, shown on every page as a body class; times
to the minute; roles named as they are (an admin is property-management staff)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient
from flask_babel import refresh

from app.accounts.display import TEXT_COOKIE
from app.accounts.models import Role, User
from app.extensions import db
from app.i18n import format_when
from app.register.models import Community
from app.web.nav import role_badge, role_label
from tests.factories import login

LARGE = '<body class="large-text">'


def test_anonymous_choice_lives_in_a_cookie(client: FlaskClient,
                                            make_community: Callable[..., Community]) -> None:
    make_community()
    assert LARGE not in client.get("/").get_data(as_text=True)
    response = client.post("/text-size/large", data={"next": "/c/spj/decisions"})
    assert response.status_code == 302 and response.headers["Location"] == "/c/spj/decisions"
    cookie = client.get_cookie(TEXT_COOKIE)
    assert cookie is not None and cookie.value == "large"
    assert LARGE in client.get("/c/spj/decisions").get_data(as_text=True)
    assert 'aria-pressed="true"' in client.get("/").get_data(as_text=True)
    client.post("/text-size/normal", data={"next": "/"})
    assert client.get_cookie(TEXT_COOKIE) is None
    assert LARGE not in client.get("/").get_data(as_text=True)


def test_a_users_choice_is_remembered_on_the_account(
        app: Flask, client: FlaskClient, make_community: Callable[..., Community],
        make_user: Callable[..., User]) -> None:
    community = make_community()
    make_user("zhang", community, "owner", owner_ref="o1")
    login(client, "zhang")
    client.post("/text-size/large", data={"next": "/"})
    assert client.get_cookie(TEXT_COOKIE) is None            # on the account, not a cookie
    with app.app_context():
        user = db.session.query(User).filter_by(username="zhang").one()
        assert user.large_text is True
    other = app.test_client()                                 # another device
    login(other, "zhang")
    assert LARGE in other.get("/c/spj/").get_data(as_text=True)
    other.post("/text-size/normal", data={"next": "/"})
    assert LARGE not in client.get("/c/spj/").get_data(as_text=True)


def test_unknown_size_changes_nothing(client: FlaskClient) -> None:
    response = client.post("/text-size/huge", data={"next": "/"})
    assert response.status_code == 302 and client.get_cookie(TEXT_COOKIE) is None


def test_times_are_shown_to_the_minute(app: Flask) -> None:
    moment = datetime(2026, 12, 2, 1, 57, 47, tzinfo=UTC)  # 09:57:47 in Beijing
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert format_when(moment) == "2026年12月2日 09:57"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()
        shown = format_when(moment)
        assert shown == "Dec 2, 2026, 09:57" and not re.search(r"\d:\d\d:\d\d", shown)


def test_roles_are_named_as_they_are(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert role_label(Role.ADMIN) == "物业/社区工作人员"
        assert role_label(Role.COMMITTEE) == "业委会委员"
        assert role_badge("admin") == "物业/社区" and role_badge("committee") == "业委会"
        assert role_badge("owner") == ""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()
        assert role_label(Role.ADMIN) == "Property management / community staff"
