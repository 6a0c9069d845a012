"""The turnout drive in a real browser: the committee opens the vote's dashboard from its desk
and sees what is missing building by building; a building volunteer opens their building's
list from the community home and logs a visit, which the list then shows with who and when."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from app.accounts.models import User
from app.extensions import db
from app.register.models import Community
from tests.browser.conftest import browser_login, screenshot
from tests.turnout.helpers import agree_all, build_town
from turnout.services import assign_volunteer
from voting.services import cast_ballot


def test_committee_dashboard_and_a_volunteers_visit(
        page: Page, live_server: str,
        make_community: Callable[..., Community], make_user: Callable[..., User]) -> None:
    town = build_town(make_community, make_user)
    cast_ballot(town.vote, town.owners["b1"], agree_all(town.vote))
    helper = make_user("louzhang", town.community, "resident")
    assign_volunteer(town.community, town.committee, town.membership(helper),
                     town.building("2栋"))
    db.session.commit()
    slug, vote_id = town.community.slug, town.vote.id

    browser_login(page, live_server, town.committee.username)
    page.goto(f"{live_server}/c/{slug}/")
    page.get_by_role("link", name="表决进行中：充电棚选址").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("参与率看板")
    expect(page.locator("p.missing")).to_contain_text("还差 3 人、173.34 m²")
    expect(page.get_by_role("heading", name="2栋")).to_be_visible()
    assert page.locator("svg.chart").count() >= 3
    screenshot(page, "turnout-dashboard")
    page.get_by_role("link", name="返回表决管理").click()
    page.get_by_role("link", name="参与率看板").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("参与率看板")

    context = page.context.browser.new_context(locale="zh-CN")  # type: ignore[union-attr]
    volunteer = context.new_page()
    try:
        browser_login(volunteer, live_server, helper.username)
        volunteer.goto(f"{live_server}/c/{slug}/")
        volunteer.get_by_role("link", name="2栋").click()
        expect(volunteer.get_by_role("heading", level=1)).to_contain_text("未参与业主：2栋")
        row = volunteer.locator("tr", has_text="2-0102")
        expect(row).to_contain_text("乙二")
        expect(row).to_contain_text("13800000022")
        row.get_by_label("走访结果：2-0102").select_option("will_vote_online")
        row.get_by_label("备注：2-0102").fill("晚上再来")
        row.get_by_role("button", name="记录").click()
        expect(volunteer.locator(".flashes")).to_contain_text(
            "已记录走访")
        row = volunteer.locator("tr", has_text="2-0102")
        expect(row).to_contain_text("将在线投票 · louzhang")
        expect(row).to_contain_text("晚上再来")
        screenshot(volunteer, "turnout-volunteer-visit")
        other = volunteer.goto(f"{live_server}/c/{slug}/votes/{vote_id}/turnout")
        assert other is not None and other.status == 403
    finally:
        context.close()
