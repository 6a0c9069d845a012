"""Issue 5 in a real browser: the committee schedules an owners' assembly, ticks attendance,
the vote closes, the committee edits, signs and publishes the minutes and the result notice;
an anonymous visitor finds the decision in the register, opens the notice, downloads the PDF."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.register.models import Community
from meetings.services import assembly_meetings_of, check_vote_may_open
from proposals.models import Proposal
from tests.browser.conftest import assert_no_axe_violations, browser_login, screenshot
from tests.meetings.helpers import World, build
from voting.services import cast_ballot, close_vote, open_vote

pytestmark = pytest.mark.browser


def _close_vote(world: World) -> None:
    """The vote on the agenda's proposal: opened, two owners vote, closed (voting feature)."""
    db.session.rollback()  # drop this thread's stale read snapshot: the server wrote since
    proposal = db.session.get(Proposal, world.proposal.id)
    for meeting in assembly_meetings_of(proposal):  # time passes: the notice period elapses
        meeting.notice_published_at -= timedelta(days=16)
    check_vote_may_open(proposal, utcnow() + timedelta(days=1))
    vote = open_vote(proposal, world.chair, "approve_each", utcnow() + timedelta(days=1))
    a, b = (o.id for o in proposal.options)
    cast_ballot(vote, world.owner1, {str(a): "agree", str(b): "oppose"})
    cast_ballot(vote, world.owner2, {str(a): "agree", str(b): "abstain"})
    close_vote(vote, world.chair)
    db.session.commit()


def test_assembly_to_public_register(page: Any, browser: Any, live_server: str, ctx: Flask,
                                     make_community: Callable[..., Community],
                                     make_user: Callable[..., User]) -> None:
    with ctx.test_request_context("/"):
        world = build(make_community, make_user)
    base = f"{live_server}/c/spj"
    browser_login(page, live_server, "spj-chair")

    page.goto(f"{base}/meetings/new")
    page.select_option("select[name=kind]", "owners_assembly")
    page.fill("input[name=title]", "2027年第一次业主大会")
    when = (utcnow() + timedelta(days=20)).astimezone(ZoneInfo("Asia/Shanghai"))
    page.fill("input[name=starts_at]", when.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=place]", "会所二楼")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    page.select_option("select[name=proposal_id]", str(world.proposal.id))
    page.get_by_role("button", name="加入议程").click()
    page.get_by_role("button", name="发布会议通知（锁定议程）").click()
    page.wait_for_load_state()
    assert "发布后议程锁定，通知不能修改或撤回" in page.content()  # it asks first
    assert_no_axe_violations(page, "meeting notice confirmation")
    screenshot(page, "meetings-notice-confirm")
    page.get_by_role("button", name="确认发布（锁定议程）").click()
    page.wait_for_load_state()
    assert "议程已锁定" in page.content()

    page.get_by_role("link", name="签到表").click()
    page.locator("tr", has_text="1栋-101").get_by_role("button", name="签到").click()
    page.locator("tr", has_text="1栋-201").get_by_role("button", name="签到").click()
    page.wait_for_load_state()
    assert "2 / 4" in page.content()
    screenshot(page, "meetings-attendance")

    _close_vote(world)
    page.get_by_role("link", name="返回会议").click()
    page.get_by_role("button", name="起草会议纪要").click()
    page.wait_for_load_state()
    text = page.input_value("textarea[name=text]")
    assert "出席业主 2/4 人" in text
    assert "同意：2 人" in text
    page.fill("textarea[name=text]", text.replace("由记录人补充：责任人、完成时限。",
                                                  "物业公司 30 日内完成施工招标。"))
    page.fill("input[name=note]", "补充后续事项")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="签署当前版本").click()
    page.get_by_role("button", name="发布纪要（发布后不可修改）").click()
    page.wait_for_load_state()
    # a confirmation page first: what becomes public, and that it cannot be changed
    assert page.locator("h1").first.inner_text() == "确认发布纪要"
    assert "发布后不能修改或撤回" in page.content()
    assert "物业公司 30 日内完成施工招标。" in page.locator("article.preview").inner_text()
    screenshot(page, "meetings-confirm-minutes")
    page.get_by_role("button", name="确认发布（不可修改）").click()
    page.wait_for_load_state()
    assert "校验一致" in page.content()

    page.goto(f"{base}/decisions")
    page.get_by_role("button", name="预览并发布结果公告").click()
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text() == "确认发布结果公告"
    assert "表决结果：未通过" in page.locator("article.preview").inner_text()
    screenshot(page, "meetings-confirm-notice")
    page.get_by_role("button", name="确认发布（不可修改）").click()
    page.wait_for_load_state()
    assert "表决结果公告" in page.content()

    anonymous = browser.new_context(locale="zh-CN")
    visitor = anonymous.new_page()
    visitor.goto(f"{base}/decisions")
    visitor.fill("input[name=q]", "充电棚")
    visitor.get_by_role("button", name="筛选").click()
    visitor.get_by_role("link", name="电动车充电棚选址 表决结果公告").click()
    visitor.wait_for_load_state()
    assert visitor.locator("figure.qr svg").count() == 1
    assert "表决结果：未通过" in visitor.content()  # two of four owners: no quorum
    assert "492.25 m²" in visitor.content()
    screenshot(visitor, "meetings-notice")
    pdf = visitor.request.get(visitor.get_by_role("link", name="下载 PDF").get_attribute("href")
                              .replace("/c/", f"{live_server}/c/", 1))
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    anonymous.close()
