"""Register pages: totals with developer grouping and co-owners, re-import, units, owner detail."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from flask import g
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.register.electorate import Electorate
from app.register.models import Community, Unit
from app.register.services import import_register, register_totals
from tests.factories import HEADER, SMALL_REGISTER, count_queries, login, upload_register


def switch_user(client: FlaskClient, username: str) -> None:
    """Sign out and in as another user; forget the membership cached in the shared `g`."""
    client.post("/logout")
    g.pop("_memberships", None)
    login(client, username)


def _totals(e: Electorate) -> tuple[int, int, Decimal]:
    return e.units, e.headcount, e.area_m2


def test_totals_group_developer_and_co_owners(make_community: Callable[..., Community]) -> None:
    community = make_community()
    totals = register_totals(community)
    # o1 (two units) is one person, o2 (co-owners 李四;王五) one, the developer's unsold and
    # undelivered units one, o3 one.
    assert _totals(totals.overall) == (6, 4, Decimal("492.25"))
    assert {b: _totals(e) for b, e in totals.by_building} == {
        "1栋": (3, 2, Decimal("279.50")),
        "2栋": (2, 1, Decimal("200.25")),
        "P": (1, 1, Decimal("12.50")),
    }
    assert {k: _totals(e) for k, e in totals.by_kind} == {
        "residence": (5, 3, Decimal("479.75")),
        "parking": (1, 1, Decimal("12.50")),
    }


def test_totals_without_parking(make_community: Callable[..., Community]) -> None:
    community = make_community(parking_area="excluded")
    assert _totals(register_totals(community).overall) == (5, 3, Decimal("479.75"))


def test_overview_page_shows_totals(client: FlaskClient, make_community: Callable[..., Community],
                                    make_user: Callable[..., User]) -> None:
    community = make_community()
    make_user("boss", community, "committee")
    login(client, "boss")
    page = client.get("/c/spj/register/").get_data(as_text=True)
    assert "492.25 m²" in page and "4 人" in page and "6 户" in page
    assert "279.50 m²" in page and "车位" in page


def test_reimport_updates_by_building_and_unit_and_never_deletes(
        make_community: Callable[..., Community]) -> None:
    community = make_community()
    before = _unit_id("1栋", "101")
    second = HEADER + (
        "1栋,101,95.00,registry,residence,delivered,o1,张三,13800000001\n"  # area changed
        "1栋,102,90.00,registry,residence,delivered,o1,张三,\n"  # unchanged
        "3栋,101,70,registry,residence,delivered,o4,孙八,\n"  # new
    )
    report = import_register(community, second)
    db.session.commit()
    assert (report.created, report.updated, report.unchanged, report.not_in_file) == (1, 1, 1, 4)
    units = db.session.execute(select(func.count(Unit.id))).scalar_one()
    assert units == 7
    assert _unit_id("1栋", "101") == before
    unit = db.session.get(Unit, before)
    assert unit.area_m2 == Decimal("95.00")
    assert _totals(register_totals(community).overall) == (7, 5, Decimal("567.75"))


def _unit_id(building: str, number: str) -> int:
    from app.register.models import Building

    return db.session.execute(
        select(Unit.id).join(Building).where(Building.name == building, Unit.number == number)
    ).scalar_one()


def test_upload_twice_is_idempotent(client: FlaskClient, make_community: Callable[..., Community],
                                    make_user: Callable[..., User]) -> None:
    community = make_community()
    make_user("boss", community, "committee")
    login(client, "boss")
    preview = upload_register(client, "spj", SMALL_REGISTER.encode(), confirm=False)
    assert "将新增房屋：0" in preview.get_data(as_text=True)
    assert "不变：6" in preview.get_data(as_text=True)
    page = upload_register(client, "spj", SMALL_REGISTER.encode()).get_data(as_text=True)
    assert "新增房屋：0" in page and "未变化：6" in page


def _big_register(n: int) -> str:
    return HEADER + "".join(
        f"{1 + i % 3}栋,{100 + i},50.5,registry,residence,delivered,o{i},业主{i},\n"
        for i in range(n))


def test_units_page_constant_queries(client: FlaskClient, make_community: Callable[..., Community],
                                     make_user: Callable[..., User]) -> None:
    small = make_community("small", "小", register=_big_register(3))
    big = make_community("big", "大", register=_big_register(120))
    make_user("boss", small, "committee")
    from app.accounts.models import Role, User
    from app.accounts.services import grant_membership

    grant_membership(db.session.execute(select(User)).scalar_one(), big, Role.COMMITTEE)
    db.session.commit()
    login(client, "boss")
    for slug in ("small", "big"):  # warm up: the first request per community caches membership
        client.get(f"/c/{slug}/register/units")
    counts = []
    for slug in ("small", "big", "big"):
        with count_queries() as statements:
            response = client.get(f"/c/{slug}/register/units"
                                  + ("?page=2" if len(counts) == 2 else ""))
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] == counts[2]
    page = client.get("/c/big/register/units?page=3").get_data(as_text=True)
    assert '<span aria-current="page">3</span>' in page and "共 120 户" in page
    assert 'href="/c/big/register/units?page=4"' not in page  # the last page


def test_units_filter_and_search(client: FlaskClient, make_community: Callable[..., Community],
                                 make_user: Callable[..., User]) -> None:
    community = make_community()
    make_user("boss", community, "committee")
    login(client, "boss")
    page = client.get("/c/spj/register/units?building=2栋").get_data(as_text=True)
    assert "共 2 户" in page and "2栋-101" in page and "1栋-101" not in page
    assert "未售" in page and "developer" in page and "名册所列：o9" in page
    page = client.get("/c/spj/register/units?q=王五").get_data(as_text=True)
    assert "共 1 户" in page and "1栋-201" in page
    page = client.get("/c/spj/register/units?q=o1").get_data(as_text=True)
    assert "共 2 户" in page
    page = client.get("/c/spj/register/units?q=201").get_data(as_text=True)
    assert "共 1 户" in page
    page = client.get("/c/spj/register/units?q=%25").get_data(as_text=True)
    assert "共 0 户" in page
    assert client.get("/c/spj/register/units?page=abc").status_code == 200
    page = client.get("/c/spj/register/units?page=" + "9" * 30).get_data(as_text=True)
    assert "共 6 户" in page and "1栋-101" in page  # clamped to the last page


def test_owner_detail(client: FlaskClient, make_community: Callable[..., Community],
                      make_user: Callable[..., User]) -> None:
    community = make_community()
    make_user("boss", community, "committee")
    make_user("zhang", community, "owner", owner_ref="o1")
    login(client, "boss")
    page = client.get("/c/spj/register/owners/o1").get_data(as_text=True)
    assert "张三" in page and "13800000001" in page
    assert "1栋-101" in page and "1栋-102" in page and "179.50 m²" in page
    assert "zhang" in page and "未发放" in page
    page = client.get("/c/spj/register/owners/o2").get_data(as_text=True)
    assert "共有人，计为一人" in page
    assert client.get("/c/spj/register/owners/nobody").status_code == 404


def test_nav_link_only_for_staff(client: FlaskClient, make_community: Callable[..., Community],
                                 make_user: Callable[..., User]) -> None:
    community = make_community()
    make_user("boss", community, "committee")
    make_user("zhang", community, "owner", owner_ref="o1")
    login(client, "zhang")
    assert "/c/spj/register/" not in client.get("/c/spj/").get_data(as_text=True)
    switch_user(client, "boss")
    page = client.get("/c/spj/").get_data(as_text=True)
    assert page.count('href="/c/spj/register/"') == 1
    assert 'href="/c/spj/members"' in page
