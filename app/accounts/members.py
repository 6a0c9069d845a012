"""Members of a community: list them and change their roles."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.accounts.errors import AccountError
from app.accounts.models import Membership, Role, User
from app.accounts.services import grant_membership
from app.errors import N_
from app.extensions import db
from app.register.models import Community


def list_members(community: Community) -> list[Membership]:
    """Every membership of the community with its user and linked owner (two queries)."""
    return list(db.session.execute(
        select(Membership).join(User, Membership.user_id == User.id)
        .where(Membership.community_id == community.id)
        .options(selectinload(Membership.user), selectinload(Membership.owner))
        .order_by(Membership.role, User.username)).scalars())


def get_member(community: Community, member_id: int) -> Membership | None:
    """A membership of this community by id."""
    member = db.session.get(Membership, member_id)
    return member if member is not None and member.community_id == community.id else None


def change_member_role(member: Membership, role: Role, actor: User) -> Membership:
    """Change a member's role (the caller checked the actor may); audit-logged.

    Refused: making someone an owner who is not linked to the register, and removing the
    community's last administrator.
    """
    if member.role == role:
        raise AccountError("same_role", N_("该成员已经是这个角色"), field="role")
    if role == Role.OWNER and member.owner_id is None:
        raise AccountError("owner_link_required",
                           N_("只有已关联名册业主的账户才能设为业主，请通过认领码关联"),
                           field="role")
    if member.role == Role.ADMIN:
        admins = db.session.execute(
            select(func.count(Membership.id)).where(
                Membership.community_id == member.community_id, Membership.role == Role.ADMIN)
        ).scalar_one()
        if admins <= 1:
            raise AccountError("last_admin", N_("这是本小区最后一位管理员，不能更改其角色"),
                               field="role")
    return grant_membership(member.user, member.community, role, actor=actor)


def linked_members(owner_id: int) -> list[Membership]:
    """The memberships (accounts) linked to a register owner."""
    return list(db.session.execute(
        select(Membership).where(Membership.owner_id == owner_id)
        .options(selectinload(Membership.user)).order_by(Membership.id)).scalars())
