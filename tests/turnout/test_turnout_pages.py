"""Turnout pages: the dashboard (committee), a building's outstanding owners (committee and
that building's volunteers), the door-to-door PDF, the visit log, the volunteers page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.register.models import Community
from tests.factories import count_queries, login
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
    assert _building_url(town, "2栋") in page
    assert "无任何联系方式的业主" in page
    assert "agree" not in page


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
    # an owner of another building: not found in this one
    other = client.post(_building_url(town, "2栋", "/visits"), data={
        "elector": "999", "outcome": "refused"})
    assert other.status_code == 302 and db.session.execute(select(Visit)).scalar_one()


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
