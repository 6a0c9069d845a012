"""The proposal page and the comments API issue a constant number of queries, whatever the
size of the discussion."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import insert

from app.accounts.services import issue_api_token
from app.db import utcnow
from app.extensions import db
from proposals.comment_models import Comment, CommentRevision
from proposals.models import Proposal
from tests.factories import count_queries, login
from tests.proposals.conftest import World


def seed_comments(proposal: Proposal, user_ids: list[int], count: int,
                  base: int = 1_000_000) -> None:
    """`count` comments: a third top-level, the rest replies nested up to three deep."""
    options = [o.id for o in proposal.options]
    start = utcnow() - timedelta(days=1)
    rows = []
    next_id = base
    parents: list[tuple[int, int, int]] = []  # (id, root, depth)
    for i in range(count):
        cid = next_id + i
        if i % 3 == 0 or not parents:
            root, depth, parent = cid, 0, None
        else:
            pid, root, pdepth = parents[(i * 7) % len(parents)]
            if pdepth >= 3:
                pid, root, pdepth = next(p for p in parents if p[0] == root)
            parent, depth = pid, pdepth + 1
        parents.append((cid, root, depth))
        rows.append({"id": cid, "proposal_id": proposal.id, "parent_id": parent, "root_id": root,
                     "depth": depth, "author_id": user_ids[i % len(user_ids)],
                     "author_role": "owner", "option_id": options[i % 2] if i % 4 else None,
                     "stance": ("support", "oppose", "question", None)[i % 4],
                     "body": f"评论 {i}", "body_html": f"<p>评论 {i}</p>",
                     "created_at": start + timedelta(seconds=i),
                     "edited_at": start if i % 10 == 0 else None,
                     "hidden_at": start if i % 50 == 7 else None,
                     "hidden_reason": "人身攻击" if i % 50 == 7 else "",
                     "pinned_at": start if i == 3 else None,
                     "deleted_at": start if i % 40 == 5 else None})
    db.session.execute(insert(Comment), rows)
    db.session.execute(insert(CommentRevision), [
        {"comment_id": r["id"], "body": "旧", "replaced_at": start}
        for r in rows if r["edited_at"]])
    db.session.commit()


def _measure(client: FlaskClient, url: str, headers: dict[str, str]) -> tuple[int, str]:
    with count_queries() as statements:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


#: pages both discussions have, and one past the end of both (clamped to the last page)
PATHS = ("/c/spj/proposals/{}", "/c/spj/proposals/{}?page=2",
         "/c/spj/proposals/{}?page=999999", "/api/v1/proposals/{}/comments",
         "/api/v1/proposals/{}/comments?page=3", "/api/v1/proposals/{}/comments?page=999999")


def test_page_and_api_query_count_is_constant(client: FlaskClient, world: World,
                                              make_proposal: Callable[..., Proposal]) -> None:
    small = make_proposal(title="小讨论")
    large = make_proposal(title="大讨论")
    users = [world.owner.id, world.owner2.id, world.committee.id]
    seed_comments(small, users, 150, base=1_000_000)  # 50 threads: 3 pages; 3 API pages
    seed_comments(large, users, 2000, base=2_000_000)
    login(client, "weiyuan")
    token = issue_api_token(world.committee, days=1)
    db.session.commit()
    for path in PATHS:
        headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api") else {}
        small_count, _ = _measure(client, path.format(small.id), headers)
        large_count, _ = _measure(client, path.format(large.id), headers)
        assert small_count == large_count, (path, small_count, large_count)
    page = client.get(f"/c/spj/proposals/{large.id}").get_data(as_text=True)
    first = page.index('<article class="comment')  # comment 3 is pinned: its thread first
    assert page.startswith('<article class="comment official" id="comment-2000003"', first)
    assert 'aria-label="评论分页"' in page


def test_pages_past_the_end_are_the_last_page(client: FlaskClient, world: World,
                                             make_proposal: Callable[..., Proposal]) -> None:
    proposal = make_proposal()
    seed_comments(proposal, [world.owner.id], 150)
    login(client, "weiyuan")
    token = issue_api_token(world.committee, days=1)
    db.session.commit()
    api = client.get(f"/api/v1/proposals/{proposal.id}/comments?page=999999",
                     headers={"Authorization": f"Bearer {token}"}).json
    assert (api["page"], api["pages"], api["total"], len(api["items"])) == (3, 3, 150, 50)
    page = client.get(f"/c/spj/proposals/{proposal.id}?page=99999999999999999999")
    assert page.status_code == 200
    assert '<span aria-current="page">3</span>' in page.get_data(as_text=True)
