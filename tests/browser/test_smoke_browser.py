"""The browser harness works: a member signs in and sees the community home in Chinese."""

from __future__ import annotations

from tests.browser.conftest import browser_login, screenshot


def test_member_sees_community_home(page, live_server, make_community, make_user) -> None:
    community = make_community()
    make_user("zhang", community, "owner", owner_ref="o1")
    browser_login(page, live_server, "zhang")
    page.goto(f"{live_server}/c/{community.slug}/")
    assert page.locator("h1").inner_text() == "尚品居"
    assert "492.25 m²" in page.content()
    assert screenshot(page, "smoke-community-home").stat().st_size > 0
