"""Shared setup of the turnout tests: a two-building register, a vote, accounts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.accounts.models import Membership, User
from app.db import utcnow
from app.extensions import db
from app.register.models import Building, Community
from tests.factories import HEADER
from tests.voting.voting_helpers import make_proposal
from voting.models import Vote
from voting.services import open_vote

#: 1栋: a1 (100), a2 (100), a3 (50) and b1's flat (100); 2栋: b1 (200), b2 (150); P: a1's
#: parking space (10). Five owners, 710 m².
REGISTER = HEADER + (
    "1栋,1-0101,100,registry,residence,delivered,a1,甲一,13800000011\n"
    "1栋,1-0102,100,registry,residence,delivered,a2,甲二,13800000012\n"
    "1栋,1-0201,50,registry,residence,delivered,a3,甲三,13800000013\n"
    "1栋,1-0202,100,registry,residence,delivered,b1,乙一,13800000021\n"
    "2栋,2-0101,200,registry,residence,delivered,b1,乙一,13800000021\n"
    "2栋,2-0102,150,registry,residence,delivered,b2,乙二,13800000022\n"
    "P,P-001,10,registry,parking,delivered,a1,甲一,13800000011\n"
)


@dataclass
class Town:
    """A community, its committee, a vote and one owner account per owner."""

    community: Community
    committee: User
    owners: dict[str, User]
    vote: Vote

    def building(self, name: str) -> Building:
        """A building of the community by name."""
        return db.session.execute(select(Building).where(
            Building.community_id == self.community.id, Building.name == name)).scalar_one()

    def membership(self, user: User) -> Membership:
        """A user's membership in the community."""
        return db.session.execute(select(Membership).where(
            Membership.user_id == user.id,
            Membership.community_id == self.community.id)).scalar_one()


def build_town(make_community: Callable[..., Community], make_user: Callable[..., User],
               register: str = REGISTER, slug: str = "tn") -> Town:
    """The two-building register with an open vote (approve_each, closing in three days)."""
    community = make_community(slug=slug, register=register)
    committee = make_user(f"{slug}-committee", community, "committee")
    refs = sorted({line.split(",")[6] for line in register.splitlines()[1:] if line})
    owners = {ref: make_user(f"{slug}-{ref}", community, "owner", owner_ref=ref)
              for ref in refs if ref and ref != "developer"}
    proposal = make_proposal(community)
    vote = open_vote(proposal, committee, "approve_each", utcnow() + timedelta(days=3))
    db.session.commit()
    return Town(community, committee, owners, vote)


def agree_all(vote: Vote) -> dict[str, str]:
    """A ballot agreeing to every option."""
    return {str(i): "agree" for i in vote.option_ids}


def area(text: str) -> Decimal:
    """A Decimal area."""
    return Decimal(text)
