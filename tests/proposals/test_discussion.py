"""Discussion: replies, edit history, tombstones, reports, hide/restore, stance and leanings."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.extensions import db
from proposals import discussion, queries
from proposals.comment_models import Comment, CommentRevision
from proposals.errors import ProposalError
from proposals.models import Proposal
from proposals.services import transition_proposal
from tests.factories import login
from tests.proposals.conftest import MakeProposal, World, switch_user


def _post(proposal: Proposal, user: User, role: str = "owner", **kw: Any) -> Comment:
    comment = discussion.post_comment(proposal, user, role=role, body=kw.pop("body", "意见"), **kw)
    db.session.commit()
    return comment


def test_replies_nest_three_levels_then_refuse(world: World, make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    top = _post(proposal, world.owner)
    r1 = _post(proposal, world.owner2, parent=top)
    r2 = _post(proposal, world.owner, parent=r1)
    r3 = _post(proposal, world.owner2, parent=r2)
    assert (r1.depth, r2.depth, r3.depth) == (1, 2, 3)
    assert {r1.root_id, r2.root_id, r3.root_id} == {top.id}
    with pytest.raises(ProposalError) as exc:
        _post(proposal, world.owner, parent=r3)
    assert exc.value.code == "reply_too_deep"
    page = queries.comment_threads(proposal)
    assert page.items[0].replies[0].replies[0].replies[0].comment.id == r3.id


def test_reply_inherits_option_and_foreign_parent_refused(world: World,
                                                          make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    other = make_proposal(title="另一个")
    top = _post(proposal, world.owner, option=proposal.options[1], stance="support")
    reply = _post(proposal, world.owner2, parent=top)
    assert reply.option_id == proposal.options[1].id
    with pytest.raises(ProposalError):
        _post(other, world.owner, parent=top)
    with pytest.raises(ProposalError):
        _post(other, world.owner, option=proposal.options[0])


def test_edit_keeps_history_and_delete_leaves_tombstone(client: FlaskClient, world: World,
                                                        make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    comment = _post(proposal, world.owner, body="第一版")
    login(client, "zhang")
    base = f"/c/spj/proposals/{proposal.id}/comments/{comment.id}"
    assert client.post(base + "/edit", data={"body": "第二版", "stance": "support"}) \
        .status_code == 302
    history = client.get(base + "/history").get_data(as_text=True)
    assert "第一版" in history and "第二版" in history
    page = client.get(f"/c/spj/proposals/{proposal.id}").get_data(as_text=True)
    assert "已编辑" in page
    switch_user(client, "li")
    assert client.post(base + "/edit", data={"body": "篡改"}).status_code == 403
    assert client.post(base + "/delete").status_code == 403
    switch_user(client, "zhang")
    assert client.post(base + "/delete").status_code == 302
    db.session.refresh(comment)
    assert comment.is_deleted and comment.body == ""
    assert db.session.execute(select(CommentRevision)).first() is None
    page = client.get(f"/c/spj/proposals/{proposal.id}").get_data(as_text=True)
    assert "此评论已被作者删除" in page and "第二版" not in page


def test_report_hide_restore(client: FlaskClient, world: World,
                             make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    comment = _post(proposal, world.owner, body="骂人的话")
    base = f"/c/spj/proposals/{proposal.id}/comments/{comment.id}"
    login(client, "li")
    assert client.post(base + "/report", data={"reason": "人身攻击"}).status_code == 302
    client.post(base + "/report", data={"reason": "再次"})  # refused: already reported
    assert client.post(base + "/hide", data={"reason": "x"}).status_code == 403
    switch_user(client, "weiyuan")
    page = client.get(f"/c/spj/proposals/{proposal.id}").get_data(as_text=True)
    assert "被举报 1 次" in page
    assert client.post(base + "/hide", data={"reason": ""}).status_code == 302
    db.session.refresh(comment)
    assert not comment.is_hidden  # a reason is required
    client.post(base + "/hide", data={"reason": "含有人身攻击"})
    db.session.refresh(comment)
    assert comment.is_hidden
    switch_user(client, "li")
    page = client.get(f"/c/spj/proposals/{proposal.id}").get_data(as_text=True)
    assert "含有人身攻击" in page and "骂人的话" not in page
    api = client.get(f"/api/v1/proposals/{proposal.id}/comments")
    assert api.status_code == 401  # the API wants a token, not a session
    switch_user(client, "weiyuan")
    client.post(base + "/restore")
    db.session.refresh(comment)
    assert not comment.is_hidden
    actions = list(db.session.execute(select(AuditEntry.action)).scalars())
    assert "comment.hide" in actions and "comment.restore" in actions


def test_stance_summary_ignores_hidden_and_deleted(world: World,
                                                   make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    a = proposal.options[0]
    _post(proposal, world.owner, option=a, stance="support")
    _post(proposal, world.owner2, option=a, stance="oppose")
    gone = _post(proposal, world.owner2, option=a, stance="oppose")
    discussion.delete_comment(gone, world.owner2)
    _post(proposal, world.owner, stance="question")
    db.session.commit()
    summary = queries.stance_summary(proposal)
    assert summary[a.id] == {"support": 1, "oppose": 1, "question": 0}
    assert summary[None]["question"] == 1


def test_leanings_change_and_close_with_voting(client: FlaskClient, world: World,
                                               make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    a, b = proposal.options
    login(client, "zhang")
    client.post(f"/c/spj/proposals/{proposal.id}/leaning", data={"option_id": a.id})
    client.post(f"/c/spj/proposals/{proposal.id}/leaning", data={"option_id": b.id})
    assert queries.leaning_counts(proposal) == {b.id: 1}
    client.post(f"/c/spj/proposals/{proposal.id}/leaning", data={"withdraw": "1"})
    assert queries.leaning_counts(proposal) == {}
    switch_user(client, "zuhu")  # residents have no leaning
    assert client.post(f"/c/spj/proposals/{proposal.id}/leaning",
                       data={"option_id": a.id}).status_code == 403
    transition_proposal(proposal, "voting", world.committee)
    db.session.commit()
    switch_user(client, "zhang")
    assert client.post(f"/c/spj/proposals/{proposal.id}/leaning",
                       data={"option_id": a.id}).status_code == 403


def test_official_reply_only_for_committee(world: World, make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    with pytest.raises(ProposalError):
        _post(proposal, world.owner, official=True)
    official = _post(proposal, world.committee, role="committee", official=True)
    _post(proposal, world.owner)
    first = queries.comment_threads(proposal).items[0].comment
    assert first.id == official.id and first.is_official


def test_pagination_of_threads(world: World, make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    for i in range(25):
        _post(proposal, world.owner, body=f"第{i}条")
    page2 = queries.comment_threads(proposal, page=2)
    assert page2.pages == 2 and len(page2.items) == 5
    assert queries.comment_threads(proposal, page=99).page == 2


def test_discussion_closed_outside_deliberation(world: World, make_proposal: MakeProposal) -> None:
    draft = make_proposal(state="draft")
    with pytest.raises(ProposalError) as exc:
        _post(draft, world.committee, role="committee")
    assert exc.value.code == "discussion_closed"
    assert db.session.execute(select(Comment)).first() is None
