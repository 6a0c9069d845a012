"""The community navigation bar, to which each feature adds its links."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from app.accounts.models import Role
from app.context import current_member
from app.hooks import hooks
from app.register.models import Community


@dataclass(frozen=True)
class NavItem:
    """A link in the community navigation."""

    url: str
    label: str


def community_nav_items(community: Community) -> list[NavItem]:
    """The links the current user may follow in this community."""
    member = current_member(community)
    items = [provider(community, member) for provider in hooks().nav]
    return [item for item in items if item is not None]


def role_label(role: Role) -> str:
    """A role's name in the UI language: an admin is property-management or community staff
    (物业/社区), never the committee (业委会)."""
    return {
        Role.RESIDENT: _("住户"),
        Role.OWNER: _("业主"),
        Role.COMMITTEE: _("业委会委员"),
        Role.ADMIN: _("物业/社区工作人员"),
    }[Role(role)]


def role_badge(role: str) -> str:
    """The short tag beside a staff member's name (comments): "" for owners and residents."""
    return {Role.COMMITTEE.value: _("业委会"), Role.ADMIN.value: _("物业/社区")}.get(role, "")
