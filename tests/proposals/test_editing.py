"""Editing a proposal and its options; the home section and the navigation link."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from proposals.errors import ProposalError
from proposals.models import ProposalState
from proposals.services import add_option, transition_proposal, update_proposal
from tests.factories import login
from tests.proposals.conftest import MakeProposal, World


def test_edit_scope_and_matters(client: FlaskClient, world: World,
                                make_proposal: MakeProposal) -> None:
    proposal = make_proposal(state="draft")
    login(client, "weiyuan")
    url = f"/c/spj/proposals/{proposal.id}/edit"
    assert "1栋" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"title": "新标题", "summary": "s", "body": "b",
                                      "matters": ["5"], "scope": "buildings",
                                      "buildings": ["1栋"]})
    assert response.status_code == 302
    db.session.refresh(proposal)
    assert (proposal.title, proposal.matters, proposal.scope_buildings) == \
        ("新标题", [5], ["1栋"])
    page = client.get(f"/c/spj/proposals/{proposal.id}").get_data(as_text=True)
    assert "需参与表决的专有部分面积和人数均过半数同意" in page


def test_options_added_edited_removed(client: FlaskClient, world: World,
                                      make_proposal: MakeProposal) -> None:
    proposal = make_proposal(state="draft")
    login(client, "weiyuan")
    base = f"/c/spj/proposals/{proposal.id}/options"
    assert "维持现状" in client.get(base + "/new?status_quo=1").get_data(as_text=True)
    response = client.post(base + "/new", data={"title": "维持现状", "cost_cny": "0",
                                                "funding_source": "none", "is_status_quo": "y"})
    assert response.status_code == 302
    db.session.refresh(proposal)
    assert proposal.options[-1].is_status_quo
    bad = client.post(base + f"/{proposal.options[0].id}/edit",
                      data={"title": "A", "cost_cny": "1.234", "funding_source": "none"})
    assert bad.status_code == 400
    client.post(base + f"/{proposal.options[0].id}/edit",
                data={"title": "A 改", "cost_cny": "190000", "funding_source": "subsidy"})
    db.session.refresh(proposal)
    assert proposal.options[0].title == "A 改"
    client.post(base + f"/{proposal.options[2].id}/remove")
    db.session.refresh(proposal)
    assert len(proposal.options) == 2
    actions = set(db.session.execute(select(AuditEntry.action)).scalars())
    assert {"proposal.option.add", "proposal.option.update", "proposal.option.remove"} <= actions


def test_nothing_changes_once_voting(world: World, make_proposal: MakeProposal) -> None:
    proposal = make_proposal()
    transition_proposal(proposal, ProposalState.VOTING, world.committee)
    with pytest.raises(ProposalError) as exc:
        update_proposal(proposal, world.committee, title="x")
    assert exc.value.code == "not_editable"
    with pytest.raises(ProposalError):
        add_option(proposal, world.committee, title="C")
    for target in ("deliberation", "draft", "adopted"):
        with pytest.raises(ProposalError):
            transition_proposal(proposal, target, world.committee)
    transition_proposal(proposal, "closed", world.committee)
    transition_proposal(proposal, "adopted", world.committee, note="通过")
    assert [t.to_state.value for t in proposal.transitions] == \
        ["draft", "deliberation", "voting", "closed", "adopted"]


def test_publishing_needs_an_option(world: World, make_proposal: MakeProposal) -> None:
    proposal = make_proposal(state="draft", options=[])
    with pytest.raises(ProposalError) as exc:
        transition_proposal(proposal, "deliberation", world.committee)
    assert exc.value.code == "no_options"


def test_home_section_and_nav(client: FlaskClient, world: World,
                              make_proposal: MakeProposal) -> None:
    make_proposal(title="公开讨论的议题")
    make_proposal(title="还在起草", state="draft")
    login(client, "zhang")
    home = client.get("/c/spj/").get_data(as_text=True)
    assert "公开讨论的议题" in home and "还在起草" not in home
    assert 'href="/c/spj/proposals"' in home
