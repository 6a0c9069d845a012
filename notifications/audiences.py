"""Who an event reaches, in SQL: the accounts of register owners, the proxies of a vote, those
who have not taken part, a community's members. Reads only; one query per audience."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select

from app.accounts.models import Membership, Role
from app.extensions import db
from app.register.models import DEVELOPER_REF, Owner
from notifications.kinds.base import Recipient
from voting.models import Ballot, BallotConflict, ProxyMandate, Vote, VoteElector


def unique(recipients: Iterable[Recipient]) -> list[Recipient]:
    """One entry per person (the first owner they are reached as wins), in order."""
    seen: dict[int, Recipient] = {}
    for recipient in recipients:
        seen.setdefault(recipient.user_id, recipient)
    return list(seen.values())


def _accounts(statement: Select) -> list[Recipient]:
    return [Recipient(user_id, owner_id) for user_id, owner_id in db.session.execute(statement)]


def _electors(vote: Vote, *, not_taken_part: bool = False) -> Select:
    """The vote's electors (VoteElector ids and owner ids), optionally only the absent."""
    statement = select(VoteElector.id, VoteElector.owner_id).where(VoteElector.vote_id == vote.id)
    if not_taken_part:
        statement = statement.where(
            ~exists().where(Ballot.vote_id == vote.id, Ballot.elector_id == VoteElector.id),
            ~exists().where(BallotConflict.vote_id == vote.id,
                            BallotConflict.elector_id == VoteElector.id))
    return statement


def electorate_accounts(vote: Vote, *, not_taken_part: bool = False) -> list[Recipient]:
    """Every account linked to an owner of the vote's electorate (co-owners each)."""
    electors = _electors(vote, not_taken_part=not_taken_part).subquery()
    return _accounts(
        select(Membership.user_id, Membership.owner_id)
        .join(electors, electors.c.owner_id == Membership.owner_id)
        .where(Membership.community_id == vote.community_id)
        .order_by(Membership.owner_id, Membership.user_id))


def _covers(vote: Vote) -> ColumnElement[bool]:
    """SQL: an unrevoked mandate for this vote, or for a period overlapping it."""
    return and_(ProxyMandate.revoked_at.is_(None), ProxyMandate.community_id == vote.community_id,
                or_(ProxyMandate.vote_id == vote.id,
                    and_(ProxyMandate.vote_id.is_(None),
                         ProxyMandate.valid_from <= vote.closes_at,
                         ProxyMandate.valid_until >= vote.opened_at)))


def proxies(vote: Vote, *, not_taken_part: bool = False) -> list[Recipient]:
    """The holders of mandates from the vote's electors (only for absent electors if asked)."""
    electors = _electors(vote, not_taken_part=not_taken_part).subquery()
    return [Recipient(user_id) for (user_id,) in db.session.execute(
        select(ProxyMandate.holder_id).distinct()
        .join(electors, electors.c.owner_id == ProxyMandate.mandator_id)
        .where(_covers(vote)).order_by(ProxyMandate.holder_id))]


def electorate_owner_ids(vote_id: int) -> list[int]:
    """The register owners of a vote's electorate."""
    return list(db.session.execute(
        select(VoteElector.owner_id).where(VoteElector.vote_id == vote_id)).scalars())


def owner_accounts(community_id: int, owner_ids: Iterable[int]) -> list[Recipient]:
    """The accounts linked to these owners in the community."""
    ids = list(owner_ids)
    if not ids:
        return []
    return _accounts(select(Membership.user_id, Membership.owner_id).where(
        Membership.community_id == community_id, Membership.owner_id.in_(ids))
        .order_by(Membership.owner_id, Membership.user_id))


def community_owner_accounts(community_id: int) -> list[Recipient]:
    """Every account of the community linked to a register owner (not the developer)."""
    return _accounts(
        select(Membership.user_id, Membership.owner_id)
        .join(Owner, Owner.id == Membership.owner_id)
        .where(Membership.community_id == community_id, Owner.owner_ref != DEVELOPER_REF)
        .order_by(Membership.owner_id, Membership.user_id))


def community_owner_ids(community_id: int) -> list[int]:
    """The community's register owners (not the developer)."""
    return list(db.session.execute(select(Owner.id).where(
        Owner.community_id == community_id, Owner.owner_ref != DEVELOPER_REF)).scalars())


def community_members(community_id: int, *, staff_only: bool = False) -> list[Recipient]:
    """The community's members (its committee and admins only, if asked)."""
    statement = select(Membership.user_id, Membership.owner_id).where(
        Membership.community_id == community_id)
    if staff_only:
        statement = statement.where(Membership.role.in_((Role.COMMITTEE, Role.ADMIN)))
    return _accounts(statement.order_by(Membership.user_id))
