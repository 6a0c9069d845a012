"""Who may do what in a vote. Pure predicates over a membership (None: not a member).

Whether an owner is in a vote's electorate is a fact of the frozen snapshot, checked by the
services (403 `not_in_electorate`); these predicates decide roles and states only.
"""

from __future__ import annotations

from typing import Protocol

from app.accounts.models import Role
from app.permissions import MemberLike, is_member, is_staff

#: the roles whose membership, linked to a register owner, votes for that owner; a member
#: demoted to resident keeps the link but no longer votes (the current role decides)
VOTING_ROLES = frozenset({Role.OWNER, Role.COMMITTEE, Role.ADMIN})


class VoteLike(Protocol):
    """What the predicates read of a vote."""

    @property
    def community_id(self) -> int:
        """The vote's community."""

    @property
    def state(self) -> object:
        """Open or closed."""


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


def votes_as_owner(member: MemberLike | None) -> bool:
    """The membership votes for its linked owner: linked, and its current role may vote."""
    return member is not None and member.owner_id is not None and member.role in VOTING_ROLES


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
    """An owner who votes authorises proxies for themselves; the committee records any owner's
    mandate."""
    if is_staff(member):
        return True
    return votes_as_owner(member) and member is not None and member.owner_id == mandator_owner_id


class PublicityLike(Protocol):
    """Whether the community's proposals (and so their votes' notices) are public."""

    public_proposals: bool


def can_extend_vote(member: MemberLike | None) -> bool:
    """The committee extends an open vote."""
    return is_staff(member)


def can_view_extensions(member: MemberLike | None, community: PublicityLike) -> bool:
    """The extension notices (延期公告): members; anyone where the community's proposals are
    public."""
    return community.public_proposals or is_member(member)


def can_edit_vote_settings(member: MemberLike | None) -> bool:
    """The committee sets the voting window's bounds and double paper entry."""
    return is_staff(member)


def can_print_ballots(member: MemberLike | None) -> bool:
    """The committee prints pre-filled ballots and logs their distribution."""
    return is_staff(member)
