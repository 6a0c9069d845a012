"""Shared setup of the voting tests: a community, a proposal in deliberation, accounts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, g

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.jobs import drain
from app.register.models import Community
from proposals.models import Proposal, ProposalOption, ProposalState
from voting.models import Vote
from voting.services import open_vote


@dataclass
class World:
    """Everything a voting test needs."""

    community: Community
    proposal: Proposal
    committee: User
    owner1: User  #: o1: two flats, 179.50 m²
    coowner_a: User  #: o2 (two co-owners, one person): 100 m²
    coowner_b: User
    parking: User  #: o3: a parking space, 12.50 m²
    outsider: User  #: a resident, not an owner

    @property
    def option_ids(self) -> list[int]:
        """The proposal's option ids."""
        return [o.id for o in self.proposal.options]


def make_proposal(community: Community, *, matters: list[int] | None = None,
                  options: int = 2, scope: list[str] | None = None) -> Proposal:
    """A proposal in deliberation with a few options."""
    proposal = Proposal(community_id=community.id, title="充电棚选址",
                        matters=[7] if matters is None else matters, scope_buildings=scope,
                        state=ProposalState.DELIBERATION)
    for i in range(options):
        proposal.options.append(ProposalOption(title=f"方案{chr(65 + i)}", position=i))
    db.session.add(proposal)
    db.session.commit()
    return proposal


def build_world(make_community: Callable[..., Community], make_user: Callable[..., User],
                **settings: object) -> World:
    """A community with the small register, a proposal and one account per role."""
    community = make_community(**settings)
    return World(
        community=community,
        proposal=make_proposal(community),
        committee=make_user("committee", community, "committee"),
        owner1=make_user("owner1", community, "owner", owner_ref="o1"),
        coowner_a=make_user("coa", community, "owner", owner_ref="o2"),
        coowner_b=make_user("cob", community, "owner", owner_ref="o2"),
        parking=make_user("parking", community, "owner", owner_ref="o3"),
        outsider=make_user("resident", community, "resident"),
    )


def open_for(world: World, method: str = "approve_each", hours: int = 24) -> Vote:
    """Open a vote on the world's proposal and commit."""
    vote = open_vote(world.proposal, world.committee, method,
                     utcnow() + timedelta(hours=hours))
    db.session.commit()
    return vote


PDF = b"%PDF-1.4\n% signed mandate\n"


def run_jobs(app: Flask) -> int:
    """Run every due job (`flask jobs drain`: closing due votes among them) with the test's
    session out of the way, then read afresh."""
    db.session.commit()
    db.session.remove()
    g.pop("_login_user", None)  # the test's app context outlives its requests: drop their user
    ran = drain(app)
    db.session.remove()
    return ran
