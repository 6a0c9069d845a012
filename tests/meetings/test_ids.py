"""Ids out of range (issue 9, item 1): every meetings route takes `<id:...>` (1..2^31-1), so 2^31
(past PostgreSQL's INTEGER) and 2^63 (past SQLite's) are a 404 before any query, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.register.models import Community
from meetings import services
from meetings.models import Attendance
from tests.factories import login
from tests.meetings.helpers import build, token

OUT_OF_RANGE = ("2147483648", "9223372036854775808", "0")
C = "/c/jinanxiaozhu"
PAGES = [
    ("GET", C + "/minutes/{n}"), ("GET", C + "/minutes/{n}.md"), ("GET", C + "/minutes/{n}.pdf"),
    ("GET", C + "/minutes/{n}/edit"), ("POST", C + "/minutes/{n}/edit"),
    ("POST", C + "/minutes/{n}/sign"), ("POST", C + "/minutes/{n}/publish"),
    ("POST", C + "/minutes/{n}/correct"), ("POST", C + "/minutes/from-proposal/{n}"),
    ("GET", C + "/notices/{n}"), ("GET", C + "/notices/{n}.pdf"),
    ("POST", C + "/notices/from-proposal/{n}"),
    ("GET", C + "/meetings/{n}"), ("POST", C + "/meetings/{n}/agenda"),
    ("POST", C + "/meetings/1/agenda/{n}/remove"), ("GET", C + "/meetings/{n}/notice"),
    ("POST", C + "/meetings/{n}/notice/publish"), ("GET", C + "/meetings/{n}/notice.pdf"),
    ("POST", C + "/meetings/{n}/held"), ("POST", C + "/meetings/{n}/cancel"),
    ("GET", C + "/meetings/{n}/attendance"), ("POST", C + "/meetings/{n}/minutes"),
    ("POST", C + "/meetings/1/attendance/{n}/remove"),
]
API = [("GET", "/api/v1/minutes/{n}"), ("POST", "/api/v1/minutes/{n}/publish"),
       ("POST", "/api/v1/proposals/{n}/minutes")]


@pytest.fixture
def jinanxiaozhu(client: FlaskClient, make_community: Callable[..., Community],
                 make_user: Callable[..., User]) -> None:
    """金安小筑 with its committee."""
    with client.application.test_request_context("/"):
        build(make_community, make_user, slug="jinanxiaozhu", name="金安小筑")


@pytest.mark.parametrize("number", OUT_OF_RANGE)
def test_anonymous_pages_with_ids_out_of_range_are_not_found(
        client: FlaskClient, jinanxiaozhu: None, number: str) -> None:
    response = client.get(f"{C}/minutes/{number}")
    assert response.status_code == 404
    assert client.get(f"{C}/notices/{number}.pdf").status_code == 404


@pytest.mark.parametrize("number", OUT_OF_RANGE)
def test_committee_pages_with_ids_out_of_range_are_not_found(
        client: FlaskClient, jinanxiaozhu: None, number: str) -> None:
    login(client, "jinanxiaozhu-chair")
    for method, path in PAGES:
        url = path.format(n=number)
        response = client.get(url) if method == "GET" else client.post(url, data={})
        assert response.status_code == 404, f"{method} {url}"


@pytest.mark.parametrize("number", OUT_OF_RANGE)
def test_api_ids_out_of_range_are_not_found(client: FlaskClient, jinanxiaozhu: None,
                                            number: str) -> None:
    headers = token(client, "jinanxiaozhu-chair")
    for method, path in API:
        url = path.format(n=number)
        response = client.open(url, method=method, headers=headers)
        assert response.status_code == 404, f"{method} {url}"
        assert response.get_json()["error"]["code"] == "not_found", f"{method} {url}"


@pytest.mark.parametrize("number", ("2147483648", "9223372036854775808", "0", "-1"))
def test_an_attendee_id_out_of_range_in_the_form_is_refused(
        client: FlaskClient, jinanxiaozhu: None, number: str) -> None:
    """The attendance form's committee member id is bounded like a URL id: a form error, no
    query with a number past the column (PostgreSQL raised DataError: a 500)."""
    with client.application.test_request_context("/"):
        community = db.session.execute(select(Community).where(
            Community.slug == "jinanxiaozhu")).scalar_one()
        chair = db.session.execute(select(User).where(
            User.username == "jinanxiaozhu-chair")).scalar_one()
        meeting = services.schedule_meeting(
            community, kind="committee_meeting", title="业委会会议",
            starts_at=utcnow() + timedelta(days=3), place="会所", actor=chair)
        db.session.commit()
        meeting_id = meeting.id
    login(client, "jinanxiaozhu-chair")
    response = client.post(f"{C}/meetings/{meeting_id}/attendance",
                           data={"user_id": number, "mode": "in_person"})
    assert response.status_code == 400  # the attendance page again, nothing ticked
    with client.application.app_context():
        assert db.session.execute(select(Attendance)).first() is None
