"""Turnout pages: the dashboard (committee), a building's outstanding owners (committee and
that building's volunteers), the door-to-door PDF, the visit log, the volunteers page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.i18n import utc_to_local
from app.register.models import Community
from notifications.models import ChannelName, Contact
from tests.factories import count_queries, login
from tests.pdf import pdf_fonts, pdf_page_sizes, pdf_text
from tests.turnout.helpers import Town, agree_all, build_town
from turnout.models import Visit, VisitOutcome, VolunteerAssignment
from turnout.services import assign_volunteer
from voting.services import cast_ballot


@pytest.fixture
def town(make_community: Callable[..., Community], make_user: Callable[..., User]) -> Town:
    town = build_town(make_community, make_user)
    cast_ballot(town.vote, town.owners["b1"], agree_all(town.vote))
    db.session.commit()
    return town


@pytest.fixture
def helper(town: Town, make_user: Callable[..., User]) -> User:
    """A resident who volunteers for 2栋."""
    user = make_user("helper", town.community, "resident")
    assign_volunteer(town.community, town.committee, town.membership(user), town.building("2栋"))
    db.session.commit()
    return user


def _building_url(town: Town, name: str, tail: str = "") -> str:
    return (f"/c/{town.community.slug}/votes/{town.vote.id}/turnout/buildings/"
            f"{town.building(name).id}{tail}")


def test_the_dashboard_shows_what_is_missing_and_links_the_lists(client: FlaskClient,
                                                                 town: Town) -> None:
    login(client, town.committee.username)
    desk = client.get(f"/c/{town.community.slug}/votes/{town.vote.id}/desk").get_data(
        as_text=True)
    assert f"/votes/{town.vote.id}/turnout" in desk
    response = client.get(f"/c/{town.community.slug}/votes/{town.vote.id}/turnout")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    # 5 people, 710 m²; b1 took part with 300 m²: ceil(10/3)=4 - 1 = 3, 473.34 - 300 = 173.34
    assert "还差 3 人、173.34 m²" in page
    assert page.count('<svg class="chart') >= 3
    assert '<svg class="chart over-time" role="img"' in page  # drawn on the server
    assert _building_url(town, "2栋") in page
    assert "<dt>剩余天数</dt><dd>3 天</dd>" in page
    assert '<th scope="row">在线</th><td class="num">1</td><td class="num">300.00 m²</td>' in page
    assert '<th scope="row">纸质票</th><td class="num">0</td>' in page
    # per building: 1栋 has 4 owners and 350 m² (b1 took part with 100 m²): 3 - 1, 233.34 - 100
    assert "还差 2 人、133.34 m² · 未参与 3 人" in page
    # nobody has a verified contact yet: the five owners need paper; a verified phone reaches one
    assert "/notifications/unreached\">5</a>" in page
    db.session.add(Contact(user_id=town.owners["a1"].id, channel=ChannelName.SMS,
                           address="13800000011", verified_at=utcnow()))
    db.session.commit()
    page = client.get(f"/c/{town.community.slug}/votes/{town.vote.id}/turnout").get_data(
        as_text=True)
    assert "/notifications/unreached\">4</a>" in page
    assert "agree" not in page and "同意" not in page


def test_the_dashboard_in_english(client: FlaskClient, town: Town) -> None:
    login(client, town.committee.username)
    page = client.get(f"/c/{town.community.slug}/votes/{town.vote.id}/turnout",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "3 more people and 173.34 m² needed" in page


def test_a_volunteer_sees_their_building_and_nothing_else(client: FlaskClient, town: Town,
                                                          helper: User) -> None:
    login(client, helper.username)
    home = client.get(f"/c/{town.community.slug}/").get_data(as_text=True)
    assert _building_url(town, "2栋") in home
    page = client.get(_building_url(town, "2栋")).get_data(as_text=True)
    assert "2-0102" in page and "乙二" in page and "13800000022" in page
    assert "2-0101" not in page  # b1 has voted
    assert "agree" not in page and "同意" not in page  # never a choice
    assert client.get(_building_url(town, "1栋")).status_code == 403
    assert client.get(f"/c/{town.community.slug}/votes/{town.vote.id}/turnout"
                      ).status_code == 403


def test_a_volunteer_logs_a_visit_shown_with_who_and_when(client: FlaskClient, town: Town,
                                                          helper: User) -> None:
    login(client, helper.username)
    page = client.get(_building_url(town, "2栋")).get_data(as_text=True)
    elector = page.split('name="elector" value="')[1].split('"')[0]
    response = client.post(_building_url(town, "2栋", "/visits"), data={
        "elector": elector, "outcome": "paper_handed_out",
        "note": "周末回收"})
    assert response.status_code == 302
    visit = db.session.execute(select(Visit)).scalar_one()
    assert visit.outcome == VisitOutcome.PAPER_HANDED_OUT and visit.visited_by_id == helper.id
    page = client.get(_building_url(town, "2栋")).get_data(as_text=True)
    assert "已发放纸质票 · helper" in page and "周末回收" in page
    assert utc_to_local(visit.visited_at).strftime("%H:%M") in page  # and when
    collected = client.post(_building_url(town, "2栋", "/visits"), data={
        "elector": elector, "outcome": "paper_collected", "note": "已交业委会"})
    assert collected.status_code == 302
    page = client.get(_building_url(town, "2栋")).get_data(as_text=True)
    assert "已收回纸质票 · helper" in page and "已交业委会" in page
    # an owner of another building: not found in this one
    other = client.post(_building_url(town, "2栋", "/visits"), data={
        "elector": "999", "outcome": "refused"})
    assert other.status_code == 302
    assert len(db.session.execute(select(Visit)).scalars().all()) == 2


def test_a_paper_ballot_handed_out_on_a_visit_enters_the_distribution_log(
        client: FlaskClient, town: Town, helper: User) -> None:
    from voting.models import PaperNumber
    from voting.services.printing import assign_ballot_numbers

    assign_ballot_numbers(town.committee, town.vote)
    db.session.commit()
    login(client, helper.username)
    page = client.get(_building_url(town, "2栋")).get_data(as_text=True)
    elector = int(page.split('name="elector" value="')[1].split('"')[0])
    client.post(_building_url(town, "2栋", "/visits"),
                data={"elector": elector, "outcome": "not_home"})
    number = db.session.execute(select(PaperNumber).where(
        PaperNumber.elector_id == elector)).scalar_one()
    assert number.handed_out_at is None  # not at home: nothing handed out
    client.post(_building_url(town, "2栋", "/visits"),
                data={"elector": elector, "outcome": "paper_handed_out"})
    db.session.refresh(number)
    assert number.handed_out_at is not None
    assert (number.received_by, number.handed_out_by) == ("乙二", helper.name or helper.username)
    assert number.recorded_by_id == helper.id


def test_the_door_to_door_sheet_is_a_pdf(client: FlaskClient, town: Town) -> None:
    login(client, town.committee.username)
    response = client.get(_building_url(town, "1栋", "/sheet.pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    # 1栋's outstanding owners (b1 voted) in Chinese, in a CJK font, under the tick column
    for unit, name, phone in (("1-0101", "甲一", "13800000011"), ("1-0102", "甲二", "13800000012"),
                              ("1-0201", "甲三", "13800000013")):
        assert unit in text and name in text and phone in text
    assert "1-0202" not in text and "乙一" not in text
    assert "已访" in text and "入户走访单" in text
    assert any("CJK" in font for font in pdf_fonts(response.data))
    assert all(size.endswith("(A4)") for size in pdf_page_sizes(response.data))
    assert "同意" not in text and "agree" not in text  # never a choice


def test_the_door_to_door_sheet_in_english(client: FlaskClient, town: Town) -> None:
    login(client, town.committee.username)
    response = client.get(_building_url(town, "2栋", "/sheet.pdf"),
                          headers={"Accept-Language": "en"})
    text = pdf_text(response.data)
    assert "Door-to-door sheet" in text and "2-0102" in text and "乙二" in text


def test_the_committee_assigns_and_removes_a_volunteer(client: FlaskClient, town: Town,
                                                       make_user: Callable[..., User]) -> None:
    make_user("grid", town.community, "owner", owner_ref=None)
    login(client, town.committee.username)
    assert "还没有指定楼栋志愿者" in client.get(f"/c/{town.community.slug}/volunteers").get_data(
        as_text=True)
    token = ""
    response = client.post(f"/c/{town.community.slug}/volunteers", data={
        "csrf_token": token, "username": "grid", "building": str(town.building("1栋").id)})
    assert response.status_code == 302
    assignment = db.session.execute(select(VolunteerAssignment)).scalar_one()
    again = client.post(f"/c/{town.community.slug}/volunteers", data={
        "csrf_token": token, "username": "grid", "building": str(town.building("1栋").id)})
    assert again.status_code == 400 and "已是 1栋 的楼栋志愿者" in again.get_data(as_text=True)
    unknown = client.post(f"/c/{town.community.slug}/volunteers", data={
        "csrf_token": token, "username": "nobody", "building": str(town.building("1栋").id)})
    assert "此用户不是本小区成员" in unknown.get_data(as_text=True)
    client.post(f"/c/{town.community.slug}/volunteers/{assignment.id}/remove",
                data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.execute(select(VolunteerAssignment)).first() is None


def test_the_pages_cost_the_same_queries_whatever_the_outstanding(
        client: FlaskClient, town: Town) -> None:
    login(client, town.committee.username)
    urls = [f"/c/{town.community.slug}/votes/{town.vote.id}/turnout", _building_url(town, "1栋")]
    before = []
    for url in urls:
        db.session.commit()  # each request starts from a fresh transaction
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        before.append(len(statements))
    for ref in ("a1", "a2"):
        cast_ballot(town.vote, town.owners[ref], agree_all(town.vote))
    db.session.commit()
    after = []
    for url in urls:
        db.session.commit()  # each request starts from a fresh transaction
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        after.append(len(statements))
    assert before == after


def test_the_committee_reminds_a_building_once_in_twelve_hours(client: FlaskClient,
                                                               town: Town) -> None:
    login(client, town.committee.username)
    url = _building_url(town, "1栋", "/remind")
    first = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "已发出提醒" in first and "上次提醒" in first
    again = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "小时内只能提醒一次" in again


def _page_queries(app: Flask, make_community: Callable[..., Community],
                  make_user: Callable[..., User], units: int, slug: str) -> list[int]:
    """The SQL statements of each turnout page and the API for a register of `units` flats
    in 7 buildings, a third of them voted, a volunteer for the first building."""
    from app.accounts.services import issue_api_token
    from tests.turnout.test_turnout_services import _register

    town = build_town(make_community, make_user, register=_register(units), slug=slug)
    for user in list(town.owners.values())[: units // 3]:
        cast_ballot(town.vote, user, agree_all(town.vote))
    first = town.building("1栋")
    volunteer = make_user(f"{slug}-helper", town.community, "resident")
    assign_volunteer(town.community, town.committee, town.membership(volunteer), first)
    token = issue_api_token(town.committee)
    db.session.commit()
    base = f"/c/{slug}/votes/{town.vote.id}/turnout"
    counts = []
    for username, url in ((town.committee.username, base),
                          (town.committee.username, f"{base}/buildings/{first.id}"),
                          (volunteer.username, f"{base}/buildings/{first.id}"),
                          (town.committee.username, f"{base}/buildings/{first.id}/sheet.pdf"),
                          (None, f"/api/v1/votes/{town.vote.id}/turnout")):
        client = app.test_client()
        g.pop("_login_user", None)  # the test's app context outlives its requests
        if username:
            login(client, username)
        g.pop("_login_user", None)
        db.session.commit()  # each request starts from a fresh transaction
        headers = {} if username else {"Authorization": f"Bearer {token}"}
        with count_queries() as statements:
            assert client.get(url, headers=headers).status_code == 200, url
        counts.append(len(statements))
    return counts


def test_the_pages_and_the_api_cost_the_same_queries_at_any_register_size(
        app: Flask, make_community: Callable[..., Community],
        make_user: Callable[..., User]) -> None:
    small = _page_queries(app, make_community, make_user, 14, "qs")
    large = _page_queries(app, make_community, make_user, 70, "ql")
    assert small == large, (small, large)
