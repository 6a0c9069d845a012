"""Shared setup of the meetings tests: a community, committee, owners, a closed vote."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.register.models import Community
from proposals.comment_models import Comment, Stance
from proposals.models import Proposal, ProposalOption, ProposalState
from voting.models import Vote
from voting.services import cast_ballot, close_vote, open_vote


@dataclass
class World:
    """A community with the small register (4 owners, 492.25 m²), accounts and a proposal."""

    community: Community
    proposal: Proposal
    chair: User
    member2: User
    member3: User
    owner1: User  #: o1: 1栋-101 and 1栋-102, 179.50 m²
    owner2: User  #: o2: 1栋-201, 100 m²


def make_proposal(community: Community, title: str = "电动车充电棚选址") -> Proposal:
    """A proposal in deliberation with two options, a stance and an official reply."""
    proposal = Proposal(community_id=community.id, title=title, matters=[7],
                        state=ProposalState.DELIBERATION)
    proposal.options.append(ProposalOption(title="方案A：北门", position=0))
    proposal.options.append(ProposalOption(title="方案B：南门", position=1))
    db.session.add(proposal)
    db.session.flush()
    db.session.add(Comment(proposal_id=proposal.id, body="支持北门", stance=Stance.SUPPORT))
    db.session.add(Comment(proposal_id=proposal.id, body="预算由维修资金列支，已核实。",
                           pinned_at=utcnow()))
    db.session.commit()
    return proposal


def build(make_community: Callable[..., Community], make_user: Callable[..., User],
          slug: str = "spj", name: str = "尚品居") -> World:
    """The standard world of these tests."""
    community = make_community(slug=slug, name=name)
    return World(
        community=community, proposal=make_proposal(community),
        chair=make_user(f"{slug}-chair", community, "committee"),
        member2=make_user(f"{slug}-m2", community, "committee"),
        member3=make_user(f"{slug}-m3", community, "committee"),
        owner1=make_user(f"{slug}-o1", community, "owner", owner_ref="o1"),
        owner2=make_user(f"{slug}-o2", community, "owner", owner_ref="o2"),
    )


def closed_vote(world: World) -> Vote:
    """Open a vote, cast two ballots (o1 agrees to A, o2 opposes A), close it."""
    vote = open_vote(world.proposal, world.chair, "approve_each", utcnow() + timedelta(days=1))
    a, b = (o.id for o in world.proposal.options)
    cast_ballot(vote, world.owner1, {str(a): "agree", str(b): "oppose"})
    cast_ballot(vote, world.owner2, {str(a): "oppose", str(b): "abstain"})
    close_vote(vote, world.chair)
    db.session.commit()
    return vote


def at(y: int, m: int, d: int, hh: int = 10) -> datetime:
    """A UTC moment (Beijing is UTC+8: 10:00 UTC is 18:00 the same day there)."""
    return datetime(y, m, d, hh, tzinfo=UTC)


def token(client: FlaskClient, username: str) -> dict[str, str]:
    """A bearer header for the user."""
    body = client.post("/api/v1/auth/token",
                       json={"username": username, "password": "password123"}).get_json()
    return {"Authorization": f"Bearer {body['token']}"}
