"""Issue 3 in a real browser, through the pages' own forms and buttons (no JavaScript of ours):
the committee drafts a proposal with two options and publishes it; an owner compares the options
and sees their share, comments on one option and leans to it; the committee pins an answer as
the official reply; on a phone the comparison stays a table with the options side by side
(issue 12; `test_proposals_compare_browser.py` checks it closely). Chinese, and the owner's part
in English."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.i18n import format_money
from app.register.models import Building, Community, Owner, Unit
from proposals.services import create_proposal
from tests.browser.conftest import browser_login, screenshot

pytestmark = pytest.mark.browser

SHED_A = "A 方案：东侧绿地建充电棚"
SHED_B = "B 方案：地面车位改建"
COST_A = Decimal("86000.00")
COST_B = Decimal("123456.78")
PHONE_WIDTH = 390


def expected_share(community_id: int, owner_ref: str, cost: Decimal,
                   buildings: set[str] | None = None) -> tuple[Decimal, Decimal, Decimal]:
    """(owner's area, area in scope, cost × area ratio to the fen), summed from the register."""
    rows = db.session.execute(
        select(Unit.area_m2, Owner.owner_ref, Building.name)
        .join(Owner, Unit.owner_id == Owner.id).join(Building, Unit.building_id == Building.id)
        .where(Unit.community_id == community_id)).all()
    in_scope = [r for r in rows if buildings is None or r.name in buildings]
    mine = sum((r.area_m2 for r in in_scope if r.owner_ref == owner_ref), Decimal(0))
    total = sum((r.area_m2 for r in in_scope), Decimal(0))
    return mine, total, (cost * mine / total).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _money(value: Decimal, lang: str = "zh") -> str:
    """The page's money format (¥ and grouped digits) in a language."""
    from flask_babel import force_locale

    with force_locale("en" if lang == "en" else "zh_CN"):
        return format_money(value)


def _submit(page: Page, button: Locator) -> None:
    """Click a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        button.click()


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert width <= inner, f"the page scrolls sideways on a phone ({width} > {inner})"


def _no_duplicate_ids(page: Page) -> None:
    """Every id a label or a link can point to is unique (hidden CSRF inputs aside)."""
    duplicates = page.evaluate("""() => {
        const seen = {}, dup = [];
        for (const e of document.querySelectorAll('[id]:not(input[type=hidden])')) {
            if (seen[e.id]) dup.push(e.id); seen[e.id] = true;
        }
        return dup;
    }""")
    assert duplicates == []


def _assert_side_by_side(page: Page) -> None:
    """The comparison is one table, options as columns side by side within the phone's width."""
    page.wait_for_url("**/compare")
    heads = page.locator(".compare-grid thead th")
    heads.first.wait_for()
    assert heads.count() == 3
    first, second = heads.nth(1).bounding_box(), heads.nth(2).bounding_box()
    assert first and second
    assert abs(second["y"] - first["y"]) < 1 and second["x"] >= first["x"] + first["width"] - 1
    for box in (first, second):
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH
    _no_sideways_scroll(page)


def _radio_beside_label(scope: Page | Locator, label: str) -> None:
    """A radio button sits on the same line as its label (not on a bulleted line above it)."""
    radio = scope.get_by_label(label, exact=True)
    box = radio.bounding_box()
    text = scope.locator(f"label[for='{radio.get_attribute('id')}']").bounding_box()
    assert box and text
    middle = box["y"] + box["height"] / 2
    assert text["y"] <= middle <= text["y"] + text["height"], (box, text)
    assert box["x"] + box["width"] <= text["x"]
    assert radio.evaluate("e => getComputedStyle(e.closest('ul')).listStyleType") == "none"


def _fill_option(page: Page, legend: str, values: dict[str, str], funding: str) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    for label, value in values.items():
        group.get_by_label(label, exact=True).fill(value)
    group.get_by_label("资金来源", exact=True).select_option(label=funding)


def test_proposal_compare_comment_lean_pin_and_phone_cards(
    page: Page, phone_page: Page, live_server: str, make_community: Callable[..., Community],
    make_user: Callable[..., User]
) -> None:
    community = make_community()
    make_user("weiyuan", community, "committee")
    make_user("zhang", community, "owner", owner_ref="o1")
    slug = community.slug
    mine, total, share_a = expected_share(community.id, "o1", COST_A, {"1栋"})
    _, _, fund_part_b = expected_share(community.id, "o1", COST_B, {"1栋"})
    assert (mine, total) == (Decimal("179.50"), Decimal("279.50"))  # 1栋-101 and 102 of 1栋

    # the committee drafts the proposal with two options, for 1栋 only
    browser_login(page, live_server, "weiyuan")
    page.goto(f"{live_server}/c/{slug}/")
    page.get_by_role("navigation", name="小区导航").get_by_role("link", name="议题").click()
    page.get_by_role("link", name="新建议题").click()
    page.get_by_label("议题标题").fill("电动车充电棚选址")
    page.get_by_label("摘要").fill("在两个位置中选一个建充电棚。")
    page.get_by_label("正文（支持 Markdown）").fill("**飞线充电**有火灾风险，需要集中充电。")
    page.get_by_label("7. 改建、重建建筑物及其附属设施").check()
    page.get_by_label("指定楼栋", exact=True).check()
    page.get_by_label("1栋", exact=True).check()
    _fill_option(page, "方案 1", {"方案名称": SHED_A, "方案说明": "占用东侧绿地约 60 平方米。",
                                  "总费用（元）": "86000", "工期": "两个月",
                                  "减少的绿地面积（平方米）": "60", "风险": "施工噪音"},
                 "业主按面积分摊")
    _fill_option(page, "方案 2", {"方案名称": SHED_B, "方案说明": "把 8 个地面车位改为充电位。",
                                  "总费用（元）": "123456.78", "工期": "一个月",
                                  "车位变化（增加为正，减少为负）": "-8"},
                 "专项维修资金")
    _submit(page, page.get_by_role("button", name="保存议题"))
    assert "议题已保存" in page.get_by_role("status").inner_text()
    assert page.locator(".proposal header .badge").inner_text() == "草稿"

    # ... and moves it to deliberation
    _submit(page, page.get_by_role("button", name="发布，进入讨论"))
    assert "议题阶段已更新" in page.get_by_role("status").inner_text()
    assert page.locator(".proposal header .badge").inner_text() == "讨论中"
    assert "讨论中" in page.locator("#timeline li").last.inner_text()
    proposal_url = page.url.split("#")[0]
    _submit(page, page.get_by_role("button", name="退出"))

    # an owner opens the comparison page and sees their share of each option
    browser_login(page, live_server, "zhang")
    page.goto(f"{live_server}/c/{slug}/proposals")
    page.get_by_role("link", name="电动车充电棚选址").click()
    page.get_by_role("link", name="并排对比各方案").click()
    assert page.locator("h1").inner_text() == "方案对比"
    basis = page.locator("#share-basis").inner_text()
    assert "179.50 m²" in basis and "279.50 m²" in basis
    table = page.locator(".compare-grid")
    assert table.is_visible()
    heads = table.locator("thead th").all_inner_texts()
    assert heads[1:] == [SHED_A, SHED_B]
    share_row = table.locator("tr.row-share")
    assert share_row.locator("th").inner_text().startswith("您的分摊")
    cells = share_row.locator("td").all_inner_texts()
    assert share_a == Decimal("55230.77")  # 86,000 × 179.50 / 279.50
    assert cells[0] == _money(share_a) == "¥55,230.77"
    assert cells[1] == f"¥0.00（从专项维修资金支出，按面积折合您的份额 {_money(fund_part_b)}）"
    assert "differs" in (share_row.get_attribute("class") or "")
    assert "same" in (table.locator("tr.row-pros").get_attribute("class") or "")  # both empty
    screenshot(page, "proposals-compare-desktop-zh")

    # ... comments on option A, in support
    page.get_by_role("link", name="电动车充电棚选址").click()
    _no_duplicate_ids(page)  # the option select's label once pointed at the leaning radios
    page.get_by_label("评论内容").fill("支持 A 方案，离 1 栋近，晚上充电方便。")
    page.get_by_label("针对的方案").select_option(label=SHED_A)
    page.get_by_label("立场").select_option(label="支持")
    _submit(page, page.get_by_role("button", name="发表评论"))
    assert "评论已发布" in page.get_by_role("status").inner_text()
    owner_comment = page.locator("article.comment", has_text="离 1 栋近")
    meta = owner_comment.locator(".comment-meta").inner_text()
    assert f"关于：{SHED_A}" in meta and "支持" in meta and SHED_B not in meta
    card_a = page.locator("li.option", has_text=SHED_A)
    card_b = page.locator("li.option", has_text=SHED_B)
    assert "支持 1 · 反对 0 · 提问 0" in card_a.inner_text()
    assert "支持 0 · 反对 0 · 提问 0" in card_b.inner_text()
    assert card_a.locator(".your-share dd").inner_text() == "¥55,230.77"

    # ... and leans to option A: counted, non-binding, never called a vote
    leanings = page.locator("#leanings")
    leanings.get_by_label(SHED_A, exact=True).check()
    _submit(page, leanings.get_by_role("button", name="记录我的意向"))
    flash = page.get_by_role("status").inner_text()
    assert "意向已记录（仅供参考，不具约束力）" in flash
    leanings = page.locator("#leanings")
    assert leanings.get_by_label(SHED_A, exact=True).is_checked()
    counts = leanings.locator("ul").first.locator("li").all_inner_texts()
    assert counts == [f"{SHED_A}：1 户倾向", f"{SHED_B}：0 户倾向"]
    assert "不具约束力" in leanings.locator("h2").inner_text()
    lean_row_a = card_a.locator("div", has_text="倾向此方案的业主")
    assert lean_row_a.locator("dd").inner_text() == "1 户"
    for text in (flash, leanings.inner_text(), lean_row_a.inner_text()):
        assert "投票" not in text and "表决" not in text, text
    _submit(page, page.get_by_role("button", name="退出"))

    # the committee answers on option A and pins the answer as the official reply
    browser_login(page, live_server, "weiyuan")
    page.goto(proposal_url)
    page.get_by_label("评论内容").fill("业委会答复：充电桩由供电公司免费安装，业主只分摊棚体费用。")
    page.get_by_label("针对的方案").select_option(label=SHED_A)
    _submit(page, page.get_by_role("button", name="发表评论"))
    roots = page.locator("#discussion > article.comment")
    assert roots.count() == 2 and "离 1 栋近" in roots.first.inner_text()  # oldest first
    answer = page.locator("article.comment", has_text="业委会答复")
    assert "官方回复" not in answer.locator(".comment-meta").inner_text()
    _submit(page, answer.get_by_role("button", name="置顶为官方回复"))
    assert "已置顶为官方回复" in page.get_by_role("status").inner_text()
    first = page.locator("#discussion > article.comment").first
    assert "业委会答复" in first.inner_text()
    first_meta = first.locator(".comment-meta").inner_text()
    assert "官方回复" in first_meta and "业委会" in first_meta
    assert "离 1 栋近" in page.locator("#discussion > article.comment").nth(1).inner_text()
    screenshot(page, "proposals-discussion-pinned-zh")

    # on a phone, the owner sees the options side by side, with their share in each
    browser_login(phone_page, live_server, "zhang")
    phone_page.goto(proposal_url)
    _no_sideways_scroll(phone_page)
    assert phone_page.locator("#discussion > article.comment").first.locator(
        ".badge.ok").inner_text() == "官方回复"
    _radio_beside_label(phone_page.locator("#leanings"), SHED_A)
    screenshot(phone_page, "proposals-phone-show-zh")
    phone_page.get_by_role("link", name="并排对比各方案").click()
    _assert_side_by_side(phone_page)
    grid = phone_page.locator(".compare-grid")
    assert grid.locator("thead th").nth(1).inner_text() == SHED_A
    cells = grid.locator("tr.row-share td")
    assert cells.nth(0).inner_text() == "¥55,230.77"
    assert cells.nth(1).inner_text().startswith("¥0.00")
    screenshot(phone_page, "proposals-phone-compare-zh")


def test_owner_compares_comments_and_leans_in_english_on_a_phone(
    phone_page: Page, live_server: str, ctx: Flask, make_community: Callable[..., Community],
    make_user: Callable[..., User]
) -> None:
    community = make_community()
    committee = make_user("weiyuan", community, "committee")
    make_user("zhang", community, "owner", owner_ref="o1")
    with ctx.test_request_context("/"):
        create_proposal(
            community, committee, title="电动车充电棚选址", matters=[7],
            options=[{"title": SHED_A, "cost_cny": "86000", "funding_source": "owners_by_area"},
                     {"title": SHED_B, "cost_cny": "123456.78",
                      "funding_source": "owners_by_area"}],
            state="deliberation")
        db.session.commit()
    mine, total, share_a = expected_share(community.id, "o1", COST_A)
    _, _, share_b = expected_share(community.id, "o1", COST_B)
    assert (mine, total) == (Decimal("179.50"), Decimal("492.25"))  # the whole community
    page = phone_page

    browser_login(page, live_server, "zhang")
    page.goto(f"{live_server}/c/{community.slug}/")
    _submit(page, page.get_by_role("button", name="English"))
    assert page.locator("html").get_attribute("lang") == "en"
    # (the meetings catalogue's "Proposal" for 议题 once won over the list's "Proposals")
    page.locator(".community-nav").get_by_role("link", name="Proposals", exact=True).click()
    assert page.locator("h1").inner_text() == "Proposals"
    page.get_by_role("link", name="电动车充电棚选址").click()
    assert page.locator("#options-title").inner_text() == "Options"
    page.get_by_role("link", name="Compare the options side by side").click()
    assert page.locator("h1").inner_text() == "Compare options"
    _assert_side_by_side(page)
    grid = page.locator(".compare-grid")
    assert grid.locator("tr.row-share th").inner_text().startswith("Your share")
    cells = grid.locator("tr.row-share td")
    assert cells.nth(0).inner_text() == _money(share_a, "en")
    assert cells.nth(1).inner_text() == _money(share_b, "en")
    assert _money(share_a, "en") == "¥31,360.08"  # 86,000 × 179.50 / 492.25
    screenshot(page, "proposals-phone-compare-en")

    page.get_by_role("link", name="电动车充电棚选址").click()
    page.get_by_label("Comment", exact=True).fill("Option B keeps the lawn; I prefer it.")
    page.get_by_label("About", exact=True).select_option(label=SHED_B)
    page.get_by_label("Stance", exact=True).select_option(label="Oppose")
    _submit(page, page.get_by_role("button", name="Post comment"))
    assert "Comment posted" in page.get_by_role("status").inner_text()
    meta = page.locator("article.comment", has_text="keeps the lawn").locator(
        ".comment-meta").inner_text()
    assert f"On: {SHED_B}" in meta and "Oppose" in meta
    card_b = page.locator("li.option", has_text=SHED_B)
    assert "Support 0 · Oppose 1 · Questions 0" in card_b.inner_text()

    leanings = page.locator("#leanings")
    leanings.get_by_label(SHED_B, exact=True).check()
    _submit(page, leanings.get_by_role("button", name="Note my leaning"))
    flash = page.get_by_role("status").inner_text()
    assert "non-binding" in flash
    leanings = page.locator("#leanings")
    assert "non-binding" in leanings.locator("h2").inner_text()
    counts = leanings.locator("ul").first.locator("li").all_inner_texts()
    assert counts == [f"{SHED_A}: 0 owners lean to it", f"{SHED_B}: 1 owner leans to it"]
    lean_row_b = page.locator("li.option", has_text=SHED_B).locator(
        "div", has_text="Owners leaning to it")
    assert lean_row_b.locator("dd").inner_text() == "1 owner"
    _radio_beside_label(leanings, SHED_B)
    for text in (flash, leanings.inner_text(), lean_row_b.inner_text()):
        lowered = text.lower()
        assert "投票" not in text and "表决" not in text
        assert "vote" not in lowered.replace("not a vote", "") and "ballot" not in lowered, text
    _no_sideways_scroll(page)
    screenshot(page, "proposals-phone-show-en")
