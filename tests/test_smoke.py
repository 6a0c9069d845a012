"""The app starts, migrates, and serves its home pages."""

from __future__ import annotations

from tests.factories import login


def test_site_home_anonymous(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "登录" in response.get_data(as_text=True)


def test_community_home_for_member(client, make_community, make_user) -> None:
    community = make_community()
    make_user("zhang", community, "owner", owner_ref="o1")
    login(client, "zhang")
    page = client.get(f"/c/{community.slug}/").get_data(as_text=True)
    assert "尚品居" in page
    assert "492.25 m²" in page
