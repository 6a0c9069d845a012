"""The public register of decisions past 500 records (issue 9, item 11): filtered by text, year
and matter and paged in SQL, so the oldest legal record is still found; the page and the
community home run the same number of queries whatever the size of the register."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import insert, select

from app.accounts.models import User
from app.extensions import db
from app.register.models import Community
from meetings.models import Minutes, MinutesState
from tests.factories import count_queries, login
from tests.meetings.helpers import build

OLDEST = "二〇一九年第一次业委会会议纪要"
#: the first bulk record, published at noon Beijing time on 2 January 2019
START = datetime(2019, 1, 2, 4, tzinfo=UTC)


def _publish_minutes(community_id: int, first: int, count: int) -> list[int]:
    """`count` published minutes (advisory: no proposal), one every three days from START;
    the ids of all the community's minutes, oldest first."""
    rows = []
    for number in range(first, first + count):
        text = f"# 第 {number} 号纪要\n"
        rows.append({"community_id": community_id, "state": MinutesState.PUBLISHED,
                     "title": OLDEST if number == 0 else f"第 {number} 号业委会会议纪要",
                     "text": text, "sha256": hashlib.sha256(text.encode()).hexdigest(),
                     "published_at": START + timedelta(days=3 * number)})
    db.session.execute(insert(Minutes), rows)
    db.session.commit()
    return list(db.session.execute(select(Minutes.id).where(
        Minutes.community_id == community_id).order_by(Minutes.published_at)).scalars())


@pytest.fixture
def community_id(client: FlaskClient, make_community: Callable[..., Community],
                 make_user: Callable[..., User]) -> int:
    with client.application.test_request_context("/"):
        return build(make_community, make_user).community.id


def _page(client: FlaskClient, query: str = "") -> str:
    response = client.get(f"/c/spj/decisions?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _queries(client: FlaskClient, path: str) -> int:
    with count_queries() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_the_oldest_of_600_records_is_found_by_text_year_and_page(
        client: FlaskClient, community_id: int) -> None:
    ids = _publish_minutes(community_id, 0, 600)
    link = f'href="/c/spj/minutes/{ids[0]}"'  # the oldest record
    first = _page(client)
    assert "共 600 条" in first
    years = [f'<option value="{y}">{y}</option>' in first for y in range(2018, 2025)]
    assert years == [False, True, True, True, True, True, False]  # 2019 to 2023
    assert link not in _page(client)  # the first page shows the newest
    assert link in _page(client, "q=二〇一九年第一次")
    assert link in _page(client, "q=二〇一九年第一次&year=2019")
    assert "共 1 条" in _page(client, "q=二〇一九年第一次&year=2019")
    assert "共 122 条" in _page(client, "year=2019")  # one every three days from 2 January
    assert link in _page(client, "year=2019&page=7")
    assert link in _page(client, "page=30")  # the last page
    assert link in _page(client, "page=99999999999999999999")  # clamped to the last page
    assert link in _page(client, "matter=0&q=二〇一九")  # advisory records
    assert link not in _page(client, "matter=7&q=二〇一九")
    assert "没有符合条件的公示。" in _page(client, "kind=result_notice")


def test_register_and_home_query_counts_do_not_grow_with_the_register(
        client: FlaskClient, community_id: int) -> None:
    login(client, "spj-o1")
    _publish_minutes(community_id, 0, 30)
    small = {path: _queries(client, path)
             for path in ("/c/spj/decisions", "/c/spj/decisions?q=纪要&year=2019&matter=0",
                          "/c/spj/decisions.atom", "/c/spj/")}
    ids = _publish_minutes(community_id, 30, 570)
    large = {path: _queries(client, path) for path in small}
    assert large == small
    home = client.get("/c/spj/").get_data(as_text=True)
    shown = [f'href="/c/spj/minutes/{ident}"' in home for ident in reversed(ids[-6:])]
    assert shown == [True, True, True, True, True, False]  # the five newest
