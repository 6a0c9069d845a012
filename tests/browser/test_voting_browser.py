"""Voting in a real browser, without JavaScript on our side: an owner votes on a phone and checks
the receipt; a proxy casts for two mandators; the committee enters a paper ballot, closes the
vote and reads the result by area and by headcount."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from playwright.sync_api import Page

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.register.models import Community
from proposals.models import Proposal, ProposalOption, ProposalState
from tests.browser.conftest import browser_login, screenshot
from tests.voting.voting_helpers import PDF
from voting.models import Vote
from voting.services import create_mandate, open_vote

SHED_A = "A 方案：东侧绿地建充电棚"
SHED_B = "B 方案：地面车位改建"


def _charging_shed_vote(make_community: Callable[..., Community], make_user: Callable[..., User]
                        ) -> tuple[Community, Proposal, Vote, User]:
    """The 尚品居 register, the charging-shed proposal with two options, an open vote."""
    community = make_community()
    committee = make_user("weiyuan", community, "committee")
    owner = make_user("zhang", community, "owner", owner_ref="o1")
    coowner = make_user("li", community, "owner", owner_ref="o2")
    parking = make_user("qian", community, "owner", owner_ref="o3")
    proxy = make_user("daili", community, "resident")
    proposal = Proposal(community_id=community.id, title="电动车充电棚选址", matters=[7],
                        state=ProposalState.DELIBERATION)
    proposal.options.append(ProposalOption(title=SHED_A, position=0))
    proposal.options.append(ProposalOption(title=SHED_B, position=1))
    db.session.add(proposal)
    db.session.commit()
    vote = open_vote(proposal, committee, "approve_each", utcnow() + timedelta(days=7))
    for mandator, ref in ((coowner, "o2"), (parking, "o3")):
        from app.register.models import Owner

        owner_row = db.session.query(Owner).filter_by(community_id=community.id,
                                                      owner_ref=ref).one()
        create_mandate(community, mandator, owner_row, proxy, PDF, vote=vote)
    db.session.commit()
    return community, proposal, vote, owner


def test_vote_receipt_proxy_paper_close_and_result(
        page: Page, phone_page: Page, live_server: str,
        make_community: Callable[..., Community], make_user: Callable[..., User]) -> None:
    community, proposal, vote, _owner = _charging_shed_vote(make_community, make_user)
    a, b = [o.id for o in proposal.options]
    slug = community.slug

    # an owner votes on both options on a phone-sized screen, from the proposal page
    browser_login(phone_page, live_server, "zhang")
    phone_page.goto(f"{live_server}/c/{slug}/proposals/{proposal.id}")
    panel = phone_page.locator("#vote")
    assert SHED_A in panel.inner_text() and SHED_B in panel.inner_text()
    panel.locator(f"input[name=opt_{a}][value=agree]").check()
    panel.locator(f"input[name=opt_{b}][value=oppose]").check()
    with phone_page.expect_navigation():
        panel.locator("button[type=submit]").click()
    assert "投票成功" in phone_page.content()
    code = phone_page.locator("#receipt-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must not scroll sideways on a phone"
    screenshot(phone_page, "voting-phone-receipt")

    # ... and checks the receipt
    phone_page.goto(f"{live_server}/c/{slug}/votes/{vote.id}/receipt")
    phone_page.fill("input[name=code]", code.lower())
    with phone_page.expect_navigation():
        phone_page.click("form.form button[type=submit]")
    assert phone_page.locator("#receipt-status").inner_text() == "已计入"
    screenshot(phone_page, "voting-phone-receipt-check")

    # a proxy casts for two mandators on one screen
    browser_login(page, live_server, "daili")
    page.goto(f"{live_server}/c/{slug}/votes/{vote.id}/proxy")
    assert page.locator("section.mandator").count() == 2
    for index, side in enumerate(("agree", "oppose")):
        form = page.locator("section.mandator form").nth(index)
        form.locator(f"input[name$='-opt_{a}'][value={side}]").check()
        form.locator(f"input[name$='-opt_{b}'][value=abstain]").check()
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "回执码" in page.locator(".flashes").inner_text()
    assert page.locator("section.mandator form").count() == 2  # changes still allowed
    assert page.content().count("已代为投票") == 2
    screenshot(page, "voting-proxy-two-mandators")

    # the committee enters a paper ballot, closes the vote and reads the result
    with page.expect_navigation():
        page.click("button:has-text('退出')")
    browser_login(page, live_server, "weiyuan")
    page.goto(f"{live_server}/c/{slug}/votes/{vote.id}/paper")
    page.fill("form.lookup input[name=no]", "P001")
    page.fill("form.lookup input[name=owner_ref]", "developer")
    with page.expect_navigation():
        page.click("form.lookup button[type=submit]")
    page.check(f"input[name=opt_{a}][value=oppose]")
    page.check(f"input[name=opt_{b}][value=agree]")
    with page.expect_navigation():
        page.click("form.entry button[type=submit]")
    assert "纸质票 P001 已录入" in page.content()
    page.goto(f"{live_server}/c/{slug}/votes/{vote.id}/desk")
    with page.expect_navigation():
        page.click("a:has-text('提前结束表决')")
    assert "提前结束的后果" in page.content()  # the confirmation page, quorum state first
    page.check("input[name=understood]")
    with page.expect_navigation():
        page.click("button:has-text('确认提前结束表决')")
    content = page.content()
    assert "表决结果" in page.locator("h1").inner_text()
    assert "占参与面积" in content and "占参与人数" in content
    assert "按面积参与率 100.00%，达到三分之二" in content
    assert "按人数参与率 100.00%，达到三分之二" in content
    assert page.locator("svg.chart").count() == 4
    screenshot(page, "voting-result")
