"""The deliberation flow through the pages: create, publish, compare, comment, lean, pin."""

from __future__ import annotations

from decimal import Decimal

from flask.testing import FlaskClient
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from proposals.comment_models import Comment
from proposals.models import Leaning, Proposal, ProposalState
from tests.factories import login
from tests.proposals.conftest import MakeProposal, World, switch_user


def _new_form(**extra: str) -> dict[str, str]:
    data = {
        "title": "电动车充电棚选址", "summary": "两个选址", "body": "**背景**",
        "matters": "7", "scope": "all",
        "options-0-title": "A 方案", "options-0-cost_cny": "186000", "options-0-funding_source":
        "owners_by_area", "options-0-description": "东侧绿地",
        "options-1-title": "B 方案", "options-1-cost_cny": "98000.50",
        "options-1-funding_source": "maintenance_fund",
    }
    data.update(extra)
    return data


def test_committee_creates_and_publishes(client: FlaskClient, world: World) -> None:
    login(client, "weiyuan")
    response = client.post("/c/spj/proposals/new", data=_new_form(add_status_quo="y"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    proposal = db.session.execute(select(Proposal)).scalar_one()
    assert proposal.state == ProposalState.DRAFT
    assert [o.title for o in proposal.options] == ["A 方案", "B 方案", "维持现状"]
    assert proposal.options[1].cost_cny == Decimal("98000.50")
    assert proposal.options[2].is_status_quo
    page = client.get(f"/c/spj/proposals/{proposal.id}").get_data(as_text=True)
    assert "需参与表决的专有部分面积和人数均达到四分之三同意" in page
    response = client.post(f"/c/spj/proposals/{proposal.id}/transition",
                           data={"to_state": "deliberation", "note": "开始征求意见"})
    assert response.status_code == 302
    db.session.refresh(proposal)
    assert proposal.state == ProposalState.DELIBERATION
    page = client.get(f"/c/spj/proposals/{proposal.id}").get_data(as_text=True)
    assert "开始征求意见" in page and "讨论中" in page
    actions = set(db.session.execute(select(AuditEntry.action)).scalars())
    assert {"proposal.create", "proposal.transition"} <= actions


def test_owner_cannot_create_or_transition(client: FlaskClient, world: World,
                                           make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    login(client, "zhang")
    assert client.get("/c/spj/proposals/new").status_code == 403
    assert client.post("/c/spj/proposals/new", data=_new_form()).status_code == 403
    response = client.post(f"/c/spj/proposals/{proposal.id}/transition",
                           data={"to_state": "withdrawn"})
    assert response.status_code == 403


def test_manual_move_to_voting_refused(client: FlaskClient, world: World,
                                       make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    login(client, "weiyuan")
    client.post(f"/c/spj/proposals/{proposal.id}/transition", data={"to_state": "voting"})
    db.session.refresh(proposal)
    assert proposal.state == ProposalState.DELIBERATION


def test_owner_sees_share_comments_and_leans(client: FlaskClient, world: World,
                                             make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    a, b = proposal.options
    login(client, "zhang")
    compare = client.get(f"/c/spj/proposals/{proposal.id}/compare").get_data(as_text=True)
    # o1 holds 179.50 of 492.25 m²: 186000 × 179.5 / 492.25 = 67825.29 (half-up)
    assert "¥67,825.29" in compare
    assert "differs" in compare and "compare-grid" in compare
    response = client.post(f"/c/spj/proposals/{proposal.id}/comments",
                           data={"body": "绿地太宝贵了", "option_id": str(a.id),
                                 "stance": "oppose"})
    assert response.status_code == 302
    comment = db.session.execute(select(Comment)).scalar_one()
    assert comment.option_id == a.id and comment.stance.value == "oppose"
    response = client.post(f"/c/spj/proposals/{proposal.id}/leaning",
                           data={"option_id": str(b.id)})
    assert response.status_code == 302
    leaning = db.session.execute(select(Leaning)).scalar_one()
    assert leaning.option_id == b.id
    page = client.get(f"/c/spj/proposals/{proposal.id}").get_data(as_text=True)
    assert "绿地太宝贵了" in page and "业主意向（不具约束力）" in page
    leanings = page[page.index('id="leanings"'):page.index('id="discussion"')]
    assert "投票" not in leanings and "表决" not in leanings
    assert f"您目前倾向：{b.title}" in leanings


def test_committee_pins_an_answer(client: FlaskClient, world: World,
                                  make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    login(client, "zhang")
    client.post(f"/c/spj/proposals/{proposal.id}/comments", data={"body": "费用谁出？",
                                                                  "stance": "question"})
    question = db.session.execute(select(Comment)).scalar_one()
    switch_user(client, "weiyuan")
    client.post(f"/c/spj/proposals/{proposal.id}/comments",
                data={"body": "按面积分摊", "parent_id": str(question.id)})
    answer = db.session.execute(select(Comment).where(Comment.parent_id == question.id)) \
        .scalar_one()
    response = client.post(f"/c/spj/proposals/{proposal.id}/comments/{answer.id}/pin",
                           data={"pinned": "1"})
    assert response.status_code == 302
    db.session.refresh(answer)
    assert answer.is_official
    page = client.get(f"/c/spj/proposals/{proposal.id}").get_data(as_text=True)
    assert "官方回复" in page


def test_pages_in_english(client: FlaskClient, world: World, make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    login(client, "zhang")
    client.post("/lang/en", data={"next": "/"})
    page = client.get(f"/c/spj/proposals/{proposal.id}").get_data(as_text=True)
    assert "Owners' leanings (non-binding)" in page
    assert ("Needs the agreement of at least three quarters of the participating exclusive area"
            " and at least three quarters of the participating owners. Owners holding at least"
            " two thirds of the exclusive area and at least two thirds of the headcount must"
            " take part") in page
    compare = client.get(f"/c/spj/proposals/{proposal.id}/compare").get_data(as_text=True)
    assert "Your share" in compare and "¥67,825.29" in compare


def test_english_catalogue_is_complete() -> None:
    from pathlib import Path

    from babel.messages.pofile import read_po

    path = Path(__file__).parents[2] / "proposals/translations/en/LC_MESSAGES/messages.po"
    with path.open(encoding="utf-8") as handle:
        catalogue = read_po(handle)
    empty = [m.id for m in catalogue if m.id and not m.string]
    assert empty == []
