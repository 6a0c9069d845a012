"""Issue 12 items 2, 3, 7 and 8 on the proposal pages, in Chromium, on a 390 px phone and a
desktop, in Chinese and English (no JavaScript of ours):

- the comparison is a table with the options as columns side by side, on the phone too, where
  it scrolls sideways inside its frame with the row labels pinned; only rows where the options
  differ are highlighted, and a legend says so; from it the owner goes to the ballot of the
  open vote, or to the leaning when no vote is open;
- "your share" of a mixed option says exactly what the owner pays and their fund share;
- no leaning is pre-checked; once chosen the page says which, and it can be changed or
  withdrawn;
- "修改" (a link) and "删除" (a button) are the same size, side by side, ≥ 44 px; "举报" too.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.register.models import Community
from proposals.discussion import post_comment
from proposals.models import Proposal
from proposals.services import create_proposal
from proposals.shares import to_fen
from tests.browser.conftest import browser_login, screenshot
from voting.services import open_vote

pytestmark = pytest.mark.browser

A = "A 方案：东侧绿地建充电棚"
B = "B 方案：北门车位改建"
#: zhang (o1) holds 179.50 m² of the 492.25 m² in scope (the whole 尚品居 register)
MINE, TOTAL = Fraction("179.50"), Fraction("492.25")
OPTIONS: list[dict[str, Any]] = [
    {"title": A, "description": "占用东侧绿地。", "cost_cny": "186500", "timeline": "两个月",
     "funding_source": "mixed",
     "split": {"unit": "amount", "fund": "40000", "owners": "96500", "subsidy": "50000"}},
    {"title": B, "description": "改建 8 个车位。", "cost_cny": "100000", "timeline": "两个月",
     "funding_source": "mixed",
     "split": {"unit": "percent", "owners": "25", "common_income": "75"}},
]
#: what zhang pays: the owners' part × 179.50 / 492.25, rounded half-up to the fen once
PAYS_A = Decimal("35188.93")  # 96,500 × 179.50 / 492.25 = 35,188.928...
FUND_A = Decimal("14586.08")  # 40,000 × 179.50 / 492.25 = 14,586.084...
PAYS_B = Decimal("9116.30")  # 25% of 100,000 × 179.50 / 492.25 = 9,116.302...
SHARE_A_ZH = (f"¥{PAYS_A:,}（业主按面积分摊 ¥96,500.00 中您的部分；另从专项维修资金支出您的份额 "
              f"¥{FUND_A:,}；补贴和公共收益支付的 ¥50,000.00 无需您出资）")
SHARE_B_ZH = (f"¥{PAYS_B:,}（业主按面积分摊 ¥25,000.00 中您的部分；"
              "补贴和公共收益支付的 ¥75,000.00 无需您出资）")
SHARE_A_EN = (f"¥{PAYS_A:,} (your part, by area, of the ¥96,500.00 the owners pay; plus your "
              f"share of the maintenance fund: ¥{FUND_A:,}; the ¥50,000.00 paid by subsidy and "
              "common income costs you nothing)")
MIN_TARGET = 44  # WCAG 2.5.5 (AAA); 2.5.8 asks 24


def _proposal(ctx: Flask, community: Community, committee: User, owner: User) -> Proposal:
    """The proposal in deliberation, with a comment by the committee and one by the owner."""
    with ctx.test_request_context("/"):
        proposal = create_proposal(community, committee, title="电动车充电棚选址", matters=[7],
                                   options=OPTIONS, state="deliberation")
        post_comment(proposal, committee, role="committee", body="欢迎大家发表意见。")
        post_comment(proposal, owner, role="owner", body="我倾向于不占绿地。")
        db.session.commit()
    return proposal


def _submit(page: Page, button: Locator) -> None:
    with page.expect_navigation():
        button.click()


def _box(locator: Locator) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, locator
    return box


def _assert_side_by_side(page: Page, width: int) -> None:
    """The option columns sit side by side (same top, left to right), both on the screen;
    the page never scrolls sideways."""
    heads = page.locator(".compare-grid thead th")
    assert heads.all_inner_texts()[1:] == [A, B]
    label, first, second = (_box(heads.nth(i)) for i in range(3))
    assert abs(first["y"] - second["y"]) < 1 and abs(label["y"] - first["y"]) < 1
    assert label["x"] < first["x"] < second["x"]
    assert first["x"] + first["width"] <= second["x"] + 1
    assert second["x"] + second["width"] <= width, "both options are on the screen"
    cell_a = _box(page.locator(".compare-grid tr.row-cost td").nth(0))
    cell_b = _box(page.locator(".compare-grid tr.row-cost td").nth(1))
    assert abs(cell_a["y"] - cell_b["y"]) < 1 and cell_a["x"] < cell_b["x"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _assert_scrolls_with_labels_pinned(page: Page) -> None:
    """Where the options do not fit, the frame (not the page) scrolls sideways and the row
    labels stay in view."""
    frame = page.locator(".compare-scroll")
    sticky = page.locator(".compare-grid tr.row-cost th")
    option = page.locator(".compare-grid tr.row-cost td").nth(1)
    before, option_before = _box(sticky)["x"], _box(option)["x"]
    frame.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    assert frame.evaluate("e => e.scrollLeft") > 0, "the table is wider than the screen"
    assert _box(option)["x"] < option_before, "the options move"
    assert abs(_box(sticky)["x"] - before) < 1, "the row labels stay pinned"
    inner = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= inner
    frame.evaluate("e => { e.scrollLeft = 0; }")


def _highlighted(page: Page) -> dict[str, bool]:
    rows = page.locator(".compare-grid tbody tr")
    return {(rows.nth(i).get_attribute("class") or "").split()[1]:
            "differs" in (rows.nth(i).get_attribute("class") or "").split()
            for i in range(rows.count())}


def _assert_only_differing_rows_highlighted(page: Page) -> None:
    rows = _highlighted(page)
    assert rows == {"row-description": True, "row-cost": True, "row-share": True,
                    "row-funding": True, "row-timeline": False, "row-green": False,
                    "row-parking": False, "row-risks": False, "row-pros": False,
                    "row-cons": False}
    same = page.locator(".compare-grid tr.row-timeline td").first
    differing = page.locator(".compare-grid tr.row-cost td").first
    assert same.evaluate("e => getComputedStyle(e).backgroundColor") != \
        differing.evaluate("e => getComputedStyle(e).backgroundColor")


def _assert_targets(page: Page, comment: Locator) -> None:
    """The link and the button are the same size, on one line, each ≥ 44×44 px."""
    edit = _box(comment.get_by_role("link", name="修改", exact=True))
    delete = _box(comment.get_by_role("button", name="删除", exact=True))
    for box in (edit, delete):
        assert box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET, box
    assert abs(edit["height"] - delete["height"]) < 1
    assert abs(edit["y"] - delete["y"]) < 1, "side by side, aligned"


def test_comparison_side_by_side_shares_leaning_and_targets_on_a_phone_in_chinese(
    phone_page: Page, live_server: str, ctx: Flask, make_community: Callable[..., Community],
    make_user: Callable[..., User]
) -> None:
    community = make_community()
    committee = make_user("weiyuan", community, "committee")
    owner = make_user("zhang", community, "owner", owner_ref="o1")
    proposal = _proposal(ctx, community, committee, owner)
    page = phone_page
    url = f"{live_server}/c/{community.slug}/proposals/{proposal.id}"
    browser_login(page, live_server, "zhang")

    # leaning: nothing pre-checked, nothing said yet
    page.goto(url)
    leanings = page.locator("#leanings")
    assert [leanings.get_by_label(t, exact=True).is_checked() for t in (A, B)] == [False, False]
    assert leanings.locator("#my-leaning").inner_text() == "您还没有表达意向。"
    # the controls of the owner's comment and the report row of the committee's
    mine = page.locator("article.comment", has_text="我倾向于不占绿地")
    _assert_targets(page, mine)
    report = page.locator("article.comment", has_text="欢迎大家").locator(
        "summary", has_text="举报")
    assert _box(report)["height"] >= MIN_TARGET
    card_a = page.locator("li.option", has_text=A)
    assert card_a.locator(".your-share dd").inner_text() == SHARE_A_ZH
    screenshot(page, "issue12-phone-show-zh")

    # the comparison: side by side, only differing rows highlighted, the exact share
    _submit(page, page.get_by_role("link", name="并排对比各方案"))
    assert page.locator("h1").inner_text() == "方案对比"
    _assert_side_by_side(page, 390)
    _assert_only_differing_rows_highlighted(page)
    assert page.locator("#compare-legend").inner_text().strip() == \
        "标黄色底色和左侧粗线的 4 项各方案不同，其余各项各方案相同。"
    shares = page.locator(".compare-grid tr.row-share td").all_inner_texts()
    assert shares == [SHARE_A_ZH, SHARE_B_ZH]
    assert "最多" not in page.locator("main").inner_text()
    funding = page.locator(".compare-grid tr.row-funding td").all_inner_texts()
    assert funding == ["专项维修资金 ¥40,000.00；业主按面积分摊 ¥96,500.00；补贴 ¥50,000.00",
                       "业主按面积分摊 25.00%，¥25,000.00；公共收益 75.00%，¥75,000.00"]
    screenshot(page, "issue12-phone-compare-zh")
    page.set_viewport_size({"width": 300, "height": 700})  # a narrower phone: it scrolls
    _assert_scrolls_with_labels_pinned(page)
    screenshot(page, "issue12-narrow-phone-compare-zh")
    page.set_viewport_size({"width": 390, "height": 844})

    # no vote open: from the comparison to the leaning
    _submit(page, page.get_by_role("link", name="表达我的意向"))
    assert page.url.endswith("#leanings")
    leanings = page.locator("#leanings")
    leanings.get_by_label(B, exact=True).check()
    _submit(page, leanings.get_by_role("button", name="记录我的意向"))
    leanings = page.locator("#leanings")
    assert leanings.locator("#my-leaning strong").inner_text() == f"您目前倾向：{B}"
    assert leanings.get_by_label(B, exact=True).is_checked()
    leanings.get_by_label(A, exact=True).check()
    _submit(page, leanings.get_by_role("button", name="改为这个意向"))
    leanings = page.locator("#leanings")
    assert leanings.locator("#my-leaning strong").inner_text() == f"您目前倾向：{A}"
    screenshot(page, "issue12-phone-leaning-zh")
    _submit(page, leanings.get_by_role("button", name="撤回我的意向"))
    leanings = page.locator("#leanings")
    assert leanings.locator("#my-leaning").inner_text() == "您还没有表达意向。"
    assert [leanings.get_by_label(t, exact=True).is_checked() for t in (A, B)] == [False, False]

    # a vote opens: the comparison leads to the ballot
    db.session.rollback()  # a fresh snapshot: the server has written since (SQLite WAL)
    with ctx.test_request_context("/"):
        vote = open_vote(db.session.get(Proposal, proposal.id), committee, "approve_each",
                         utcnow() + timedelta(days=7))
        db.session.commit()
        vote_id = vote.id
    page.goto(f"{url}/compare")
    _submit(page, page.get_by_role("link", name="去投票"))
    assert page.url.endswith(f"/votes/{vote_id}/ballot")


def test_comparison_on_a_desktop_in_english(
    page: Page, live_server: str, ctx: Flask, make_community: Callable[..., Community],
    make_user: Callable[..., User]
) -> None:
    community = make_community()
    committee = make_user("weiyuan", community, "committee")
    owner = make_user("zhang", community, "owner", owner_ref="o1")
    proposal = _proposal(ctx, community, committee, owner)
    browser_login(page, live_server, "zhang")
    page.goto(f"{live_server}/c/{community.slug}/")
    _submit(page, page.get_by_role("button", name="English"))
    page.goto(f"{live_server}/c/{community.slug}/proposals/{proposal.id}/compare")
    assert page.locator("h1").inner_text() == "Compare options"
    _assert_side_by_side(page, 1200)
    _assert_only_differing_rows_highlighted(page)
    assert page.locator("#compare-legend").inner_text().strip() == (
        "The 4 rows with a yellow background and a thick bar on the left are where the "
        "options differ; in every other row they are the same.")
    assert page.locator(".compare-grid tr.row-share th").inner_text().startswith("Your share")
    assert page.locator(".compare-grid tr.row-share td").first.inner_text() == SHARE_A_EN
    link = page.get_by_role("link", name="Say which option I lean towards")
    assert _box(link)["height"] >= MIN_TARGET
    screenshot(page, "issue12-desktop-compare-en")

    page.goto(f"{live_server}/c/{community.slug}/proposals/{proposal.id}")
    leanings = page.locator("#leanings")
    assert leanings.locator("#my-leaning").inner_text() == \
        "You have not said which option you lean towards."
    leanings.get_by_label(B, exact=True).check()
    _submit(page, leanings.get_by_role("button", name="Note my leaning"))
    assert page.locator("#my-leaning strong").inner_text() == \
        f"You currently lean towards: {B}"
    mine = page.locator("article.comment", has_text="我倾向于不占绿地")
    edit = _box(mine.locator("a.control"))
    delete = _box(mine.locator("button.control"))
    assert min(edit["height"], delete["height"], edit["width"], delete["width"]) >= MIN_TARGET
    assert abs(edit["y"] - delete["y"]) < 1 and abs(edit["height"] - delete["height"]) < 1
    screenshot(page, "issue12-desktop-show-en")


def test_the_share_figures_are_the_exact_ratio() -> None:
    # the constants above, worked out exactly from the register's areas
    assert to_fen(Fraction(96500) * MINE / TOTAL) == PAYS_A
    assert to_fen(Fraction(40000) * MINE / TOTAL) == FUND_A
    assert to_fen(Fraction(100000) * Fraction(25, 100) * MINE / TOTAL) == PAYS_B


def test_committee_states_the_split_and_is_told_when_it_does_not_add_up(
    phone_page: Page, live_server: str, ctx: Flask, make_community: Callable[..., Community],
    make_user: Callable[..., User]
) -> None:
    community = make_community()
    committee = make_user("weiyuan", community, "committee")
    owner = make_user("zhang", community, "owner", owner_ref="o1")
    proposal = _proposal(ctx, community, committee, owner)
    page = phone_page
    browser_login(page, live_server, "weiyuan")
    page.goto(f"{live_server}/c/{community.slug}/proposals/{proposal.id}")
    _submit(page, page.get_by_role("link", name="添加方案"))
    page.get_by_label("方案名称").fill("C 方案：西门空地")
    page.get_by_label("总费用（元）").fill("120000")
    page.get_by_label("资金来源", exact=True).select_option(label="混合来源")
    split = page.locator("fieldset.funding-split")
    assert split.get_by_label("按金额（元），合计须等于总费用").is_checked()
    split.get_by_label("专项维修资金", exact=True).fill("20000")
    split.get_by_label("业主按面积分摊", exact=True).fill("90000")
    _submit(page, page.get_by_role("button", name="保存方案"))
    errors = page.locator("fieldset.funding-split .errors")
    assert errors.inner_text() == \
        "各来源的金额合计为 ¥110,000.00，与总费用 ¥120,000.00 不符（相差 ¥10,000.00）"
    assert page.get_by_label("业主按面积分摊", exact=True).input_value() == "90000"
    radio = _box(page.get_by_label("按比例（%），合计须为 100%"))
    assert radio["width"] >= 20 and radio["height"] >= 20
    row = _box(split.locator("li", has_text="按比例（%）"))
    assert row["height"] >= MIN_TARGET and abs(row["y"] + row["height"] / 2
                                               - radio["y"] - radio["height"] / 2) < 2
    screenshot(page, "issue12-phone-split-error-zh")
    # the same parts as percentages of the cost
    page.get_by_label("按比例（%），合计须为 100%").check()
    page.get_by_label("专项维修资金", exact=True).fill("25")
    page.get_by_label("业主按面积分摊", exact=True).fill("75")
    _submit(page, page.get_by_role("button", name="保存方案"))
    assert "方案已保存" in page.get_by_role("status").inner_text()
    card = page.locator("li.option", has_text="C 方案")
    assert card.locator("div", has_text="资金来源").locator("dd").inner_text() == \
        "专项维修资金 25.00%，¥30,000.00；业主按面积分摊 75.00%，¥90,000.00"
