"""Issue 12's pages on a 390 px phone and on a desktop, in Chinese and English: result charts
(text at least 12 CSS px, not scaled down; a legend; no table cell wrapping one character per
line), receipts typed with spaces, the proxy's screen after casting, the publication statement
before voting, and the public register (matters in words, a notice and its minutes on one card,
the English notice without Chinese labels)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page

from app.accounts.models import User
from app.extensions import db
from app.register.models import Community
from tests.browser.conftest import browser_login, screenshot
from tests.browser.test_voting_browser import SHED_A, SHED_B, _charging_shed_vote
from voting.services import cast_ballot, close_vote

SCREENS = {"phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True,
                     "has_touch": True, "device_scale_factor": 2},
           "desktop": {"viewport": {"width": 1200, "height": 900}}}
LOCALES = {"zh": "zh-CN", "en": "en-US"}
pytestmark = pytest.mark.browser

#: every text of every chart: its computed size and its rendered height, and how much the
#: chart is scaled (1 where no viewBox shrinks it)
CHART_TEXT = """() => [...document.querySelectorAll('svg.chart text')].map(t => ({
  text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize),
  height: t.getBoundingClientRect().height, scale: t.getScreenCTM().a }))"""
#: every cell of the figure tables: its line height and its rendered height and width
CELLS = """() => [...document.querySelectorAll('table.figures th, table.figures td')]
  .filter(c => c.textContent.trim()).map(c => ({
    text: c.textContent.trim(), height: c.getBoundingClientRect().height,
    width: c.getBoundingClientRect().width,
    line: parseFloat(getComputedStyle(c).lineHeight),
    pad: parseFloat(getComputedStyle(c).paddingTop) + parseFloat(getComputedStyle(c).paddingBottom)
  }))"""


@pytest.fixture
def pages(browser: Browser) -> Iterator[Callable[[str, str], Page]]:
    contexts = []

    def make(screen: str, lang: str) -> Page:
        ctx = browser.new_context(locale=LOCALES[lang], **SCREENS[screen])  # type: ignore[arg-type]
        ctx.set_default_timeout(15000)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.mark.parametrize("screen", ["phone", "desktop"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_result_charts_and_tables_read_on_phone_and_desktop(
        pages: Callable[[str, str], Page], live_server: str, screen: str, lang: str,
        make_community: Callable[..., Community], make_user: Callable[..., User]) -> None:
    community, proposal, vote, owner = _charging_shed_vote(make_community, make_user)
    a, b = [o.id for o in proposal.options]
    cast_ballot(vote, owner, {str(a): "agree", str(b): "oppose"})
    assert vote.opened_by is not None
    close_vote(vote, vote.opened_by)
    db.session.commit()
    page = pages(screen, lang)
    browser_login(page, live_server, "zhang")
    page.goto(f"{live_server}/c/{community.slug}/votes/{vote.id}/results")
    heading = page.locator("h1").inner_text()
    current = page.locator(".vote-nav a[aria-current=page]").inner_text()
    assert current in heading  # the tab and the heading say the same

    texts = page.evaluate(CHART_TEXT)
    assert len(texts) >= 2 * 2 + 2 * 3  # two turnout bars, two options of two rows
    for t in texts:
        assert t["scale"] == 1, t
        assert t["size"] >= 12 and t["height"] >= 12, t
    legends = page.locator("figure.chart-figure figcaption .chart-legend")
    assert legends.count() == 2
    words = ("同意", "反对", "弃权") if lang == "zh" else ("Agree", "Oppose", "Abstain")
    for word in words:
        assert word in legends.first.inner_text()
    assert page.locator("svg.chart[role=img] title").count() == 4

    cells = page.evaluate(CELLS)
    assert cells
    for c in cells:  # one line per cell: nothing wraps one character per line
        assert c["height"] - c["pad"] <= c["line"] * 1.5 + 1, c
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen][
        "viewport"]["width"]  # type: ignore[index]
    screenshot(page, f"results-{screen}-{lang}")

    # the ballots by unit: no column squeezed to a character or two
    page.goto(f"{live_server}/c/{community.slug}/votes/{vote.id}/ballots")
    widths = page.evaluate("""() => [...document.querySelectorAll(
        'table.ballots th, table.ballots td')].map(c => c.getBoundingClientRect().width
        / parseFloat(getComputedStyle(c).fontSize))""")
    assert widths and min(widths) >= 4, widths
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen][
        "viewport"]["width"]  # type: ignore[index]
    screenshot(page, f"ballots-{screen}-{lang}")


@pytest.mark.parametrize("screen", ["phone", "desktop"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_receipt_typed_with_spaces_and_the_proxy_sees_what_was_cast(
        pages: Callable[[str, str], Page], live_server: str, screen: str, lang: str,
        make_community: Callable[..., Community], make_user: Callable[..., User]) -> None:
    community, proposal, vote, owner = _charging_shed_vote(make_community, make_user)
    a, b = [o.id for o in proposal.options]
    receipt = cast_ballot(vote, owner, {str(a): "agree", str(b): "oppose"}).receipt
    db.session.commit()
    slug = community.slug

    page = pages(screen, lang)
    browser_login(page, live_server, "zhang")
    # before voting (or changing the vote) the ballot page says what will be public
    page.goto(f"{live_server}/c/{slug}/votes/{vote.id}/ballot")
    statement = page.locator("details.publication")
    assert statement.is_visible()
    words = ("按房号查看每张计入的选票" if lang == "zh"
             else "can read each counted ballot by unit number")
    assert words in statement.inner_text()
    box, form = statement.bounding_box(), page.locator("form.ballot").bounding_box()
    assert box is not None and form is not None and box["y"] < form["y"]
    screenshot(page, f"ballot-publication-{screen}-{lang}")
    page.goto(f"{live_server}/c/{slug}/votes/{vote.id}/receipt")
    typed = " ".join(receipt.replace("-", "").lower()[i:i + 2] for i in range(0, 12, 2))
    page.fill("input[name=code]", typed)  # "ab cd ef gh jk mn"
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    status = page.locator("#receipt-status").inner_text()
    assert status == ("已计入" if lang == "zh" else "Counted"), status
    assert page.locator(".receipt-outcome code").inner_text() == receipt
    screenshot(page, f"receipt-spaces-{screen}-{lang}")

    proxy = pages(screen, lang)
    browser_login(proxy, live_server, "daili")
    proxy.goto(f"{live_server}/c/{slug}/votes/{vote.id}/proxy")
    form = proxy.locator("section.mandator form").first
    form.locator(f"input[name$='-opt_{a}'][value=oppose]").check()
    form.locator(f"input[name$='-opt_{b}'][value=abstain]").check()
    with proxy.expect_navigation():
        form.locator("button[type=submit]").click()
    section = proxy.locator("section.mandator").first
    assert section.locator(f"input[name$='-opt_{a}'][value=oppose]").is_checked()
    assert section.locator(f"input[name$='-opt_{b}'][value=abstain]").is_checked()
    heading = section.locator("h2").inner_text()
    assert "李四、王五" in heading and "1栋-201" in heading, heading  # by name and unit
    cast = section.locator(".cast-choices").inner_text()
    assert ("反对" if lang == "zh" else "Oppose") in cast
    screenshot(proxy, f"proxy-after-cast-{screen}-{lang}")


@pytest.mark.parametrize("screen", ["phone", "desktop"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_public_register_and_notice_read_on_phone_and_desktop(
        pages: Callable[[str, str], Page], live_server: str, screen: str, lang: str,
        make_community: Callable[..., Community], make_user: Callable[..., User]) -> None:
    import re

    from app.law import matter_name
    from meetings import minutes as minutes_svc
    from meetings import result_notices

    community, proposal, vote, owner = _charging_shed_vote(make_community, make_user)
    a, b = [o.id for o in proposal.options]
    cast_ballot(vote, owner, {str(a): "agree", str(b): "oppose"})
    assert vote.opened_by is not None
    close_vote(vote, vote.opened_by)
    notice = result_notices.publish_result_notice(proposal, actor=vote.opened_by)
    minutes = minutes_svc.draft_proposal_minutes(proposal, actor=vote.opened_by)
    minutes_svc.publish_minutes(minutes, actor=vote.opened_by)
    db.session.commit()

    visitor = pages(screen, lang)  # anonymous
    visitor.goto(f"{live_server}/c/{community.slug}/decisions")
    options = visitor.locator("select[name=matter] option").all_inner_texts()
    assert not any(re.search(r"第 \d+ 项|Item \d+", o) for o in options), options
    assert matter_name(7, lang) in options  # the matter in words, in the page's language
    cards = visitor.locator("li.card.decision")
    assert cards.count() == 1  # the notice and its minutes: one card
    card = cards.first
    assert card.locator(f"a[href$='/notices/{notice.id}']").count() == 1
    assert card.locator(f"a[href$='/minutes/{minutes.id}']").count() == 1
    assert visitor.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen][
        "viewport"]["width"]  # type: ignore[index]
    screenshot(visitor, f"register-{screen}-{lang}")

    card.locator(f"a[href$='/notices/{notice.id}']").click()
    visitor.wait_for_load_state()
    article = visitor.locator("article.a4-notice")
    words = article.inner_text()
    if lang == "en":
        assert "Result of the vote: Failed" in words
        for name in (proposal.title, SHED_A, SHED_B, community.name, "1栋"):
            words = words.replace(name, "")
        qr = article.locator("figcaption").inner_text()
        words = words.replace(qr, "")
        assert re.findall(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", words) == [], words
    else:
        assert "表决结果：未通过" in words
    # the option titles are not squeezed to a few characters a line; the page does not
    # scroll sideways (the figures table scrolls inside its wrapper)
    widths = visitor.evaluate("""() => [...document.querySelectorAll(
        '.a4-notice table.figures th[scope=row]')].map(th => th.getBoundingClientRect().width
        / parseFloat(getComputedStyle(th).fontSize))""")
    assert widths and min(widths) >= 8, widths
    assert visitor.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen][
        "viewport"]["width"]  # type: ignore[index]
    screenshot(visitor, f"notice-{screen}-{lang}")
