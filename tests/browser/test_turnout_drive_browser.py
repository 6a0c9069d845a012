"""The whole turnout drive in a real browser (issue 11): the committee opens the dashboard,
prints a building's door-to-door sheet and its pre-filled ballots, a volunteer logs a visit,
the committee enters a paper ballot by its number and sees it read back, extends the vote, and
the turnout on the dashboard moves — in Chinese on a phone-sized screen and in English."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect

from app.accounts.models import User
from app.extensions import db
from app.i18n import utc_to_local
from app.register.models import Community
from tests.browser.conftest import browser_login, screenshot
from tests.pdf import pdf_text
from tests.turnout.helpers import agree_all, build_town
from tests.voting.voting_helpers import run_jobs
from turnout.services import assign_volunteer
from voting.models import Ballot, Vote
from voting.services import cast_ballot

#: what each language calls the controls the flow uses, and the two "missing" lines: 1栋's
#: b1 has voted online (3 of 5 owners and 173.34 m² to go); b2's paper ballot (150 m²)
#: leaves 2 owners and 23.34 m².
WORDS = {
    "zh": {"dashboard": "参与率看板", "sheet": "打印入户走访单（PDF）",
           "assign": "分配选票编号", "record": "记录", "extend": "延长表决",
           "confirm_extend": "确认延期并发布公告", "before": "还差 3 人、173.34 m²",
           "after": "还差 2 人、23.34 m²", "saved": "已录入并计入"},
    "en": {"dashboard": "Turnout dashboard",
           "sheet": "Print the door-to-door sheet (PDF)", "assign": "Assign ballot numbers",
           "record": "Log", "extend": "Extend the vote",
           "confirm_extend": "Extend and publish the notice",
           "before": "3 more people and 173.34 m² needed",
           "after": "2 more people and 23.34 m² needed", "saved": "was entered and counts"},
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_turnout_drive(lang: str, browser: Browser, live_server: str, app: Flask,
                           make_community: Callable[..., Community],
                           make_user: Callable[..., User]) -> None:
    words = WORDS[lang]
    town = build_town(make_community, make_user)
    cast_ballot(town.vote, town.owners["b1"], agree_all(town.vote))
    helper = make_user("louzhang", town.community, "resident")
    assign_volunteer(town.community, town.committee, town.membership(helper),
                     town.building("2栋"))
    building_id = town.building("2栋").id
    db.session.commit()
    slug, vote_id, option_ids = town.community.slug, town.vote.id, list(town.vote.option_ids)
    committee_name, volunteer_name = town.committee.username, helper.username
    base = f"{live_server}/c/{slug}/votes/{vote_id}"
    new_close = utc_to_local(town.vote.closes_at + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")
    locale = "zh-CN" if lang == "zh" else "en-US"
    size = {"width": 390, "height": 844} if lang == "zh" else {"width": 1280, "height": 900}
    committee = browser.new_context(locale=locale, viewport=size, accept_downloads=True).new_page()
    volunteer_context = browser.new_context(locale=locale)
    volunteer = volunteer_context.new_page()
    try:
        # the committee opens the dashboard: what is missing, building by building
        browser_login(committee, live_server, committee_name)
        committee.goto(f"{base}/turnout")
        expect(committee.get_by_role("heading", level=1)).to_contain_text(words["dashboard"])
        expect(committee.locator("p.missing")).to_contain_text(words["before"])
        screenshot(committee, f"turnout-drive-dashboard-{lang}")

        # prints 2栋's door-to-door sheet: its outstanding owner, with a tick column
        committee.locator(f"a[href$='/turnout/buildings/{building_id}']").first.click()
        sheet_link = committee.get_by_role("link", name=words["sheet"])
        sheet = committee.request.get(live_server + (sheet_link.get_attribute("href") or ""))
        assert sheet.ok and sheet.headers["content-type"] == "application/pdf"
        assert "乙二" in pdf_text(sheet.body()) and "2-0102" in pdf_text(sheet.body())

        # and 2栋's pre-filled ballots, prepared by the worker
        committee.goto(f"{base}/printing")
        with committee.expect_navigation():
            committee.get_by_role("button", name=words["assign"]).click()
        with committee.expect_navigation():
            committee.locator("form.inline:has(input[value='2栋']) button").click()
        run_jobs(app)
        committee.reload()
        download = committee.locator("a[href*='/printing/batches/']").first
        batch = committee.request.get(live_server + (download.get_attribute("href") or ""))
        assert batch.ok and batch.body().startswith(b"%PDF-")
        from voting.services.printing import ballot_sheets

        with app.app_context():
            paper = ballot_sheets(db.session.get_one(Vote, vote_id), "2栋")[0]
        assert paper.ballot_no in pdf_text(batch.body())

        # the building's volunteer logs a visit: a paper ballot handed out
        browser_login(volunteer, live_server, volunteer_name)
        volunteer.goto(f"{base}/turnout/buildings/{building_id}")
        row = volunteer.locator("tr", has_text="2-0102")
        row.locator("select").select_option("paper_handed_out")
        row.get_by_role("button", name=words["record"]).click()
        expect(volunteer.locator("tr", has_text="2-0102")).to_contain_text("louzhang")

        # the committee enters b2's paper ballot by its number and sees it read back
        committee.goto(f"{base}/paper")
        committee.fill("form.lookup input[name=no]", paper.ballot_no)
        with committee.expect_navigation():
            committee.click("form.lookup button[type=submit]")
        read_back = committee.locator("section.read-back")
        expect(read_back).to_contain_text(paper.names)
        expect(read_back.locator(".owner-area")).to_contain_text("150.00 m²")
        for option_id in option_ids:
            committee.check(f"input[name=opt_{option_id}][value=agree]")
        with committee.expect_navigation():
            committee.click("form.entry button[type=submit]")
        expect(committee.locator("main")).to_contain_text(words["saved"])
        expect(committee.locator("main")).to_contain_text(paper.ballot_no)
        screenshot(committee, f"turnout-drive-paper-read-back-{lang}")
        with app.app_context():
            assert db.session.query(Ballot).filter_by(ballot_no=paper.ballot_no).count() == 1

        # extends the vote with a published reason
        committee.goto(f"{base}/desk")
        with committee.expect_navigation():
            committee.get_by_role("link", name=words["extend"]).click()
        committee.fill("input[name=closes_at]", new_close)
        committee.fill("textarea[name=reason]", "部分业主外出，延长收集纸质票")
        with committee.expect_navigation():
            committee.get_by_role("button", name=words["confirm_extend"]).click()
        expect(committee.locator("main")).to_contain_text("部分业主外出，延长收集纸质票")

        # and the turnout moves
        committee.goto(f"{base}/turnout")
        expect(committee.locator("p.missing")).to_contain_text(words["after"])
        screenshot(committee, f"turnout-drive-after-{lang}")
    finally:
        committee.context.close()
        volunteer_context.close()
