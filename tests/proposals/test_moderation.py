"""The committee's moderation queue of reported comments: listing, dismissing, hiding."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import insert, select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.db import utcnow
from app.extensions import db
from proposals import discussion, moderation
from proposals.comment_models import Comment, CommentReport
from proposals.errors import ProposalError
from proposals.models import Proposal
from tests.factories import count_queries, login
from tests.proposals.conftest import MakeProposal, World, switch_user

QUEUE = "/c/spj/proposals/reports"


def _post(proposal: Proposal, user: User, body: str = "意见", **kw: Any) -> Comment:
    comment = discussion.post_comment(proposal, user, role="owner", body=body, **kw)
    db.session.commit()
    return comment


def _report(comment: Comment, user: User, reason: str) -> CommentReport:
    report = discussion.report_comment(comment, user, reason=reason)
    db.session.commit()
    return report


def test_queue_lists_reported_comments_newest_first(client: FlaskClient, world: World,
                                                    make_proposal: MakeProposal) -> None:
    proposal = make_proposal(title="电梯加装议题")
    old = _post(proposal, world.owner, body="早先被举报的评论", stance="oppose")
    new = _post(proposal, world.owner2, body="后来被举报的评论")
    _post(proposal, world.owner, body="没人举报的评论")
    _report(old, world.owner2, "广告")
    _report(old, world.resident, "刷屏")
    _report(new, world.owner, "人身攻击")
    login(client, "weiyuan")
    page = client.get(QUEUE).get_data(as_text=True)
    assert "电梯加装议题" in page and "没人举报的评论" not in page
    assert page.index("后来被举报的评论") < page.index("早先被举报的评论")
    assert "被举报 2 次" in page and "被举报 1 次" in page
    assert "广告" in page and "刷屏" in page and "人身攻击" in page
    assert f"/c/spj/proposals/{proposal.id}#comment-{old.id}" in page
    assert "反对" in page  # the stance
    index = client.get("/c/spj/proposals").get_data(as_text=True)
    assert QUEUE in index and '<span class="badge bad">2</span>' in index


def test_dismiss_resolves_reports_and_audits(client: FlaskClient, world: World,
                                             make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    comment = _post(proposal, world.owner, body="有争议但合规")
    _report(comment, world.owner2, "不同意")
    login(client, "weiyuan")
    response = client.post(f"{QUEUE}/{comment.id}/dismiss")
    assert response.status_code == 302 and response.headers["Location"].endswith(QUEUE)
    report = db.session.execute(select(CommentReport)).scalar_one()
    db.session.refresh(report)
    assert report.resolved_at is not None and report.resolved_by_id == world.committee.id
    db.session.refresh(comment)
    assert not comment.is_hidden
    assert "有争议但合规" not in client.get(QUEUE).get_data(as_text=True)
    entry = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "comment.reports_dismiss")).scalar_one()
    assert entry.target == f"comment:{comment.id}"
    assert entry.community_id == world.community.id
    # the badge on the proposal page counts open reports only
    page = client.get(f"/c/spj/proposals/{proposal.id}").get_data(as_text=True)
    assert "被举报" not in page
    with pytest.raises(ProposalError) as exc:
        moderation.dismiss_reports(comment, world.committee)
    assert exc.value.code == "no_open_reports"
    db.session.rollback()


def test_hide_from_queue_resolves_reports(client: FlaskClient, world: World,
                                          make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    comment = _post(proposal, world.owner, body="骂人的话")
    _report(comment, world.owner2, "骂人")
    login(client, "weiyuan")
    assert client.post(f"{QUEUE}/{comment.id}/hide", data={"reason": ""}).status_code == 302
    db.session.refresh(comment)
    assert not comment.is_hidden  # a reason is required
    assert client.post(f"{QUEUE}/{comment.id}/hide",
                       data={"reason": "人身攻击"}).status_code == 302
    db.session.refresh(comment)
    assert comment.is_hidden and comment.hidden_reason == "人身攻击"
    report = db.session.execute(select(CommentReport)).scalar_one()
    db.session.refresh(report)
    assert report.resolved_by_id == world.committee.id
    assert moderation.open_report_count(world.community.id) == 0
    assert "没有待处理的举报" in client.get(QUEUE).get_data(as_text=True)


def test_hide_on_proposal_page_also_resolves(world: World, make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    comment = _post(proposal, world.owner)
    _report(comment, world.owner2, "离题")
    discussion.hide_comment(comment, world.committee, reason="离题",
                            community_id=world.community.id)
    db.session.commit()
    assert moderation.open_report_count(world.community.id) == 0
    entry = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "comment.hide")).scalar_one()
    assert json.loads(entry.details)["reports_resolved"] == 1


def test_queue_permissions(client: FlaskClient, world: World, make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    comment = _post(proposal, world.owner)
    _report(comment, world.owner2, "广告")
    assert client.get(QUEUE).status_code == 302  # to the login page
    login(client, "li")
    assert client.get(QUEUE).status_code == 403
    assert client.post(f"{QUEUE}/{comment.id}/dismiss").status_code == 403
    assert QUEUE not in client.get("/c/spj/proposals").get_data(as_text=True)
    switch_user(client, "waiju")  # the committee of another community
    assert client.get(QUEUE).status_code == 403
    assert client.get("/c/other/proposals/reports").get_data(as_text=True).count("广告") == 0
    assert client.post(f"/c/other/proposals/reports/{comment.id}/dismiss").status_code == 404
    assert client.post(f"/c/other/proposals/reports/{comment.id}/hide",
                       data={"reason": "x"}).status_code == 404
    assert moderation.open_report_count(world.community.id) == 1


def _seed_reported(proposal: Proposal, reporter_ids: list[int], author_id: int, count: int,
                   base: int) -> None:
    start = utcnow() - timedelta(hours=1)
    db.session.execute(insert(Comment), [
        {"id": base + i, "proposal_id": proposal.id, "root_id": base + i, "depth": 0,
         "author_id": author_id, "author_role": "owner", "stance": "oppose",
         "body": f"被举报 {i}", "body_html": f"<p>被举报 {i}</p>",
         "created_at": start + timedelta(seconds=i)} for i in range(count)])
    db.session.execute(insert(CommentReport), [
        {"comment_id": base + i, "reporter_id": rid, "reason": f"理由 {i}",
         "created_at": start + timedelta(seconds=i, milliseconds=j)}
        for i in range(count) for j, rid in enumerate(reporter_ids)])
    db.session.commit()


def test_queue_query_count_is_constant(client: FlaskClient, world: World,
                                       make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    reporters = [world.owner2.id, world.resident.id]
    login(client, "weiyuan")

    def measure() -> int:
        with count_queries() as statements:
            response = client.get(QUEUE)
        assert response.status_code == 200
        return len(statements)

    _seed_reported(proposal, reporters, world.owner.id, 5, 1_000_000)
    small = measure()
    _seed_reported(proposal, reporters, world.owner.id, 45, 2_000_000)
    large = measure()
    assert small == large
    page = moderation.reported_comments(world.community.id, 1)
    assert page.total == 50 and page.pages == 3 and len(page.items) == 20
    assert page.items[0].comment.id == 2_000_044 and page.items[0].count == 2
    assert len(page.items[0].reports) == 2
    last = moderation.reported_comments(world.community.id, 3)
    assert len(last.items) == 10
    assert "理由 0" in client.get(QUEUE + "?page=3").get_data(as_text=True)
