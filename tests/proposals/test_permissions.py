"""Who reaches which proposal page: committee, owner, resident, another community's member,
anonymous; drafts, public communities, residents' setting."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.extensions import db
from proposals import discussion
from tests.proposals.conftest import MakeProposal, World, switch_user

GET_ROUTES = ["", "/compare"]
COMMITTEE_ONLY_GET = ["/edit", "/options/new"]


def _expect(client: FlaskClient, method: str, url: str, status: int) -> None:
    response = client.open(url, method=method, data={})
    got = response.status_code
    if status == 302:
        assert got == 302, (method, url, got)
    else:
        assert got == status, (method, url, got)


@pytest.mark.parametrize("who, view, committee", [
    ("weiyuan", 200, 200), ("zhang", 200, 403), ("zuhu", 200, 403), ("waiju", 403, 403),
])
def test_published_proposal_routes(client: FlaskClient, world: World, make_proposal: MakeProposal,
                                   who: str, view: int, committee: int) -> None:
    proposal = make_proposal()
    switch_user(client, who)
    base = f"/c/spj/proposals/{proposal.id}"
    for path in GET_ROUTES:
        _expect(client, "GET", base + path, view)
    for path in COMMITTEE_ONLY_GET:
        _expect(client, "GET", base + path, committee if view == 200 else 403)
    _expect(client, "GET", "/c/spj/proposals", view)
    _expect(client, "GET", "/c/spj/proposals/new", committee if view == 200 else 403)
    option = proposal.options[0]
    posts = [f"/options/{option.id}/edit", f"/options/{option.id}/remove", "/transition",
             "/attachments"]
    for path in posts:
        got = client.post(base + path, data={}).status_code
        assert (got != 403) == (committee == 200), (path, got)


def test_drafts_only_for_committee(client: FlaskClient, world: World,
                                   make_proposal: MakeProposal) -> None:
    draft = make_proposal(state="draft")
    for who, status in (("zhang", 403), ("zuhu", 403), ("waiju", 403), ("weiyuan", 200)):
        switch_user(client, who)
        assert client.get(f"/c/spj/proposals/{draft.id}").status_code == status, who
        listing = client.get("/c/spj/proposals").get_data(as_text=True)
        assert ("电动车充电棚选址" in listing) == (who == "weiyuan"), who


def test_anonymous_redirected_unless_public(client: FlaskClient, world: World,
                                            make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    url = f"/c/spj/proposals/{proposal.id}"
    assert client.get(url).status_code == 302
    world.community.public_proposals = True
    db.session.commit()
    page = client.get(url)
    assert page.status_code == 200
    assert "发表评论" not in page.get_data(as_text=True)
    assert client.post(url + "/comments", data={"body": "x"}).status_code == 302  # to login
    draft = make_proposal(state="draft")
    assert client.get(f"/c/spj/proposals/{draft.id}").status_code == 302


def test_residents_excluded_when_community_says_so(client: FlaskClient, world: World,
                                                   make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    world.community.residents_may_discuss = False
    db.session.commit()
    switch_user(client, "zuhu")
    assert client.get(f"/c/spj/proposals/{proposal.id}").status_code == 403
    assert client.post(f"/c/spj/proposals/{proposal.id}/comments",
                       data={"body": "x"}).status_code == 403


def test_other_community_cannot_reach_through_its_own_slug(client: FlaskClient, world: World,
                                                           make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    switch_user(client, "waiju")
    assert client.get(f"/c/other/proposals/{proposal.id}").status_code == 404
    assert client.post(f"/c/other/proposals/{proposal.id}/comments",
                       data={"body": "x"}).status_code == 404


def test_comment_moderation_routes(client: FlaskClient, world: World,
                                   make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    comment = discussion.post_comment(proposal, world.owner, role="owner", body="意见")
    db.session.commit()
    base = f"/c/spj/proposals/{proposal.id}/comments/{comment.id}"
    matrix = {
        "zhang": {"/edit": 200, "/history": 200, "/hide": 403, "/restore": 403, "/pin": 403,
                  "/report": 403},
        "li": {"/edit": 403, "/history": 200, "/hide": 403, "/restore": 403, "/pin": 403},
        "waiju": {"/edit": 403, "/history": 403, "/hide": 403, "/report": 403, "/delete": 403},
        "weiyuan": {"/edit": 403, "/pin": 403},  # not a committee answer: cannot be pinned
    }
    for who, routes in matrix.items():
        switch_user(client, who)
        for path, status in routes.items():
            method = "GET" if path in ("/edit", "/history") else "POST"
            assert client.open(base + path, method=method).status_code == status, (who, path)
