"""Pure permission predicates of the platform core: who may do what in a community.

Each takes the actor's membership in the community (None for a non-member or anonymous visitor)
and returns a bool; views and API endpoints call them before any work.
"""

from __future__ import annotations

from typing import Protocol

from app.accounts.models import Role

STAFF_ROLES = frozenset({Role.COMMITTEE, Role.ADMIN})


class MemberLike(Protocol):
    """What the predicates read of a membership."""

    role: Role
    owner_id: int | None


def is_member(member: MemberLike | None) -> bool:
    """Any role in the community."""
    return member is not None


def is_staff(member: MemberLike | None) -> bool:
    """Committee member or administrator of the community."""
    return member is not None and member.role in STAFF_ROLES


def can_view_community(member: MemberLike | None) -> bool:
    """Members see their community's home page and register summary."""
    return is_member(member)


def can_manage_register(member: MemberLike | None) -> bool:
    """The committee imports and browses the owner register."""
    return is_staff(member)


def can_view_owner_details(member: MemberLike | None) -> bool:
    """Names and phone numbers of owners are for the committee only."""
    return is_staff(member)


def can_issue_claim_codes(member: MemberLike | None) -> bool:
    """The committee prints claim codes and confirms claims."""
    return is_staff(member)


def can_manage_members(member: MemberLike | None) -> bool:
    """The committee changes members' roles (an admin is needed to grant admin)."""
    return is_staff(member)


def can_grant_role(member: MemberLike | None, role: Role) -> bool:
    """Only an admin grants the admin role; the committee grants the others."""
    if not is_staff(member):
        return False
    return role != Role.ADMIN or member.role == Role.ADMIN  # type: ignore[union-attr]


def can_vote(member: MemberLike | None) -> bool:
    """Only an owner linked to the register votes; residents never do."""
    return member is not None and member.role == Role.OWNER and member.owner_id is not None


def can_change_role(member: MemberLike | None, target: MemberLike, role: Role) -> bool:
    """Staff change roles; only an admin grants admin or changes an admin's role."""
    if not can_grant_role(member, role):
        return False
    return target.role != Role.ADMIN or member.role == Role.ADMIN  # type: ignore[union-attr]
