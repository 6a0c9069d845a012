"""Read services the voting pages need beyond the core services (no writes, no commits)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.accounts.models import Membership, User
from app.extensions import db
from app.register.models import Community, Owner
from proposals.models import Proposal
from voting.models import Ballot, BallotConflict, Channel, ProxyMandate, Vote, VoteElector


def vote_of_proposal(proposal: Proposal) -> Vote | None:
    """The vote opened on a proposal, if any."""
    return db.session.execute(
        select(Vote).where(Vote.proposal_id == proposal.id)).scalar_one_or_none()


def count_ballots(vote: Vote) -> int:
    """How many counted ballots the vote has."""
    return db.session.execute(
        select(func.count(Ballot.id)).where(Ballot.vote_id == vote.id)).scalar_one()


def recent_paper_ballots(vote: Vote, limit: int = 20) -> list[tuple[Ballot, str]]:
    """The latest counted paper ballots with their owner_ref, newest first."""
    rows = db.session.execute(
        select(Ballot, VoteElector.owner_ref)
        .join(VoteElector, VoteElector.id == Ballot.elector_id)
        .options(joinedload(Ballot.entered_by))
        .where(Ballot.vote_id == vote.id, Ballot.channel == Channel.PAPER)
        .order_by(Ballot.id.desc()).limit(limit)
    ).all()
    return [(ballot, ref) for ballot, ref in rows]


def conflicts_with_ballots(vote: Vote) -> list[BallotConflict]:
    """The vote's conflicts with their counted ballot and elector loaded, pending first."""
    return list(db.session.execute(
        select(BallotConflict)
        .options(joinedload(BallotConflict.ballot), joinedload(BallotConflict.elector))
        .where(BallotConflict.vote_id == vote.id)
        .order_by(BallotConflict.resolved_at.is_not(None), BallotConflict.id)
    ).scalars())


def owner_by_ref(community: Community, owner_ref: str) -> Owner | None:
    """The register owner of this community with this owner_ref."""
    return db.session.execute(
        select(Owner).where(Owner.community_id == community.id,
                            Owner.owner_ref == owner_ref.strip())).scalar_one_or_none()


def member_by_username(community: Community, username: str) -> User | None:
    """A user who is a member of the community, by username."""
    return db.session.execute(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.community_id == community.id, User.username == username.strip())
    ).scalar_one_or_none()


def mandates_given(community: Community, owner_id: int) -> list[ProxyMandate]:
    """Every mandate an owner gave in the community, newest first, with the holder loaded."""
    return list(db.session.execute(
        select(ProxyMandate).options(joinedload(ProxyMandate.holder))
        .where(ProxyMandate.community_id == community.id, ProxyMandate.mandator_id == owner_id)
        .order_by(ProxyMandate.id.desc())
    ).scalars())


def mandate_in(community: Community, mandate_id: int) -> ProxyMandate | None:
    """A mandate of this community by id."""
    mandate = db.session.get(ProxyMandate, mandate_id)
    if mandate is None or mandate.community_id != community.id:
        return None
    return mandate


def owner_names(community: Community, owner_ids: list[int]) -> dict[int, str]:
    """The registered names of these owners ("张三、李四" for co-owners), one query; what a
    proxy holder sees of their mandators (the holder was given the mandate by name)."""
    if not owner_ids:
        return {}
    rows = db.session.execute(select(Owner).where(Owner.community_id == community.id,
                                                  Owner.id.in_(owner_ids))).scalars()
    return {owner.id: "、".join(owner.name_list) for owner in rows}
