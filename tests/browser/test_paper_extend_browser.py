"""The turnout drive in a real browser (issue 11): the committee prepares a building's
pre-filled ballots, enters one paper ballot by its pre-assigned number and sees the owner read
back before saving and the saved ballot after, then extends the vote with a published notice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from playwright.sync_api import Page

from app.accounts.models import User
from app.extensions import db
from app.i18n import utc_to_local
from app.register.models import Community
from tests.browser.conftest import assert_no_axe_violations, browser_login, screenshot
from tests.browser.test_voting_browser import SHED_A, SHED_B, _charging_shed_vote
from tests.voting.voting_helpers import run_jobs
from voting.models import Ballot, Vote


def test_enter_a_paper_ballot_by_number_then_extend(
        page: Page, live_server: str, app: Flask,
        make_community: Callable[..., Community], make_user: Callable[..., User]) -> None:
    community, proposal, vote, _owner = _charging_shed_vote(make_community, make_user)
    a, _b = [o.id for o in proposal.options]
    slug, vote_id = community.slug, vote.id
    new_close = utc_to_local(vote.closes_at + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    base = f"{live_server}/c/{slug}/votes/{vote_id}"
    browser_login(page, live_server, "weiyuan")

    # the committee asks for building 1栋's ballots; the worker prepares them
    page.goto(f"{base}/printing")
    with page.expect_navigation():
        page.click("button:has-text('分配选票编号')")
    assert "已分配 4 个选票编号" in page.content()
    with page.expect_navigation():
        page.locator("form.inline:has(input[value='1栋']) button").click()
    assert "正在准备…" in page.content()
    run_jobs(app)
    page.reload()
    link = page.locator("a:has-text('下载 PDF')")
    assert "2 页" in link.inner_text()
    assert_no_axe_violations(page, "printing with a batch and the language choice")

    # a paper ballot by its number: the owner is read back before anything is saved
    from voting.services.printing import ballot_sheets

    with app.app_context():
        sheet = ballot_sheets(db.session.get_one(Vote, vote_id), "1栋")[0]
    page.goto(f"{base}/paper")
    page.fill("form.lookup input[name=no]", sheet.ballot_no)
    with page.expect_navigation():
        page.click("form.lookup button[type=submit]")
    read_back = page.locator("section.read-back")
    assert sheet.names in read_back.inner_text()
    assert "179.50 m²" in read_back.locator(".owner-area").inner_text()
    assert "1栋-101" in read_back.locator(".owner-units").inner_text()
    page.check(f"input[name=opt_{a}][value=agree]")  # B left unmarked on the paper
    with page.expect_navigation():
        page.click("form.entry button[type=submit]")
    assert SHED_B in page.locator(".unmarked").inner_text()  # listed, not saved quietly
    page.check(f"input[name=opt_{a}][value=agree]")
    page.check("input[name=confirm_unmarked]")
    with page.expect_navigation():
        page.click("form.entry button[type=submit]")
    saved = page.content()
    assert f"纸质票 {sheet.ballot_no} 已录入并计入" in saved
    assert f"{SHED_A}：同意" in saved and f"{SHED_B}：弃权" in saved
    screenshot(page, "paper-ballot-read-back")
    with app.app_context():
        assert db.session.query(Ballot).filter_by(ballot_no=sheet.ballot_no).count() == 1

    # the committee extends the vote; the notice is published
    page.goto(f"{base}/desk")
    with page.expect_navigation():
        page.click("a:has-text('延长表决')")
    page.fill("input[name=closes_at]", new_close)
    page.fill("textarea[name=reason]", "部分业主外出，延长收集纸质票")
    with page.expect_navigation():
        page.click("button:has-text('确认延期并发布公告')")
    notice = page.content()
    assert "延期公告" in page.locator("h1").inner_text()
    assert "部分业主外出，延长收集纸质票" in notice and "第 1 次延期" in notice
    screenshot(page, "vote-extension-notice")
