"""Who may do what in a vote. Pure predicates over a membership (None: not a member).

Whether an owner is in a vote's electorate is a fact of the frozen snapshot, checked by the
services (403 `not_in_electorate`); these predicates decide roles and states only.
"""

from __future__ import annotations

from typing import Protocol

from app.permissions import MemberLike, is_member, is_staff


class VoteLike(Protocol):
    """What the predicates read of a vote."""

    community_id: int
    state: object


class CommunityLike(Protocol):
    """The community settings the predicates read."""

    show_ballot_units: bool


def _closed(vote: VoteLike) -> bool:
    return str(getattr(vote.state, "value", vote.state)) == "closed"


def can_open_vote(member: MemberLike | None) -> bool:
    """The committee opens votes."""
    return is_staff(member)


def can_close_vote(member: MemberLike | None) -> bool:
    """The committee closes votes early."""
    return is_staff(member)


def can_enter_paper_ballot(member: MemberLike | None) -> bool:
    """The committee enters paper ballots."""
    return is_staff(member)


def can_resolve_conflict(member: MemberLike | None) -> bool:
    """The committee decides which of a paper and an electronic ballot counts."""
    return is_staff(member)


def can_cast_ballot(member: MemberLike | None) -> bool:
    """Any member may try: an owner for themselves, anyone for their mandators (checked later)."""
    return is_member(member)


def can_view_result(member: MemberLike | None) -> bool:
    """Members see turnout while open and the result after close."""
    return is_member(member)


def can_inspect_ballots(member: MemberLike | None, vote: VoteLike,
                        community: CommunityLike) -> bool:
    """After close members see ballots by unit and area where the community allows it."""
    if is_staff(member):
        return _closed(vote)
    return is_member(member) and _closed(vote) and community.show_ballot_units


def can_export_ballots(member: MemberLike | None) -> bool:
    """The committee exports the ballots as CSV for audit."""
    return is_staff(member)


def can_manage_mandates(member: MemberLike | None, mandator_owner_id: int) -> bool:
    """An owner authorises proxies for themselves; the committee records any owner's mandate."""
    if is_staff(member):
        return True
    return member is not None and member.owner_id == mandator_owner_id
