"""Demo accounts: who they are, which community and role, which register owner."""

from __future__ import annotations

from dataclasses import dataclass

from app.accounts.models import Role, User
from app.accounts.services import create_user, grant_membership
from app.register.models import Community
from app.register.services import get_owner
from app.signals import contacts_given, emit
from demo.data.communities import COMMUNITIES, CommunitySpec, Featured, featured_owners

#: the password of every demo account (documented in README.md)
DEMO_PASSWORD = "yishi-demo"


@dataclass(frozen=True)
class Seat:
    """A membership of a demo account: community, role and which owner it is linked to.

    `owner` is "named:N" (the plan's N-th named owner), "multi" (an owner of several units),
    "co" (co-owners of one unit) or "" (not linked).
    """

    code: str
    role: Role
    owner: str = ""


@dataclass(frozen=True)
class DemoAccount:
    """One demo account; its display name is the linked owner's when it has none."""

    username: str
    display_name: str
    seats: tuple[Seat, ...]
    note: str


def _per_community(code: str, committee: str, admin: str, resident: str) -> list[DemoAccount]:
    """A community's committee member, admin, two owners (one a co-owner) and a tenant."""
    return [
        DemoAccount(f"{code}-committee", committee, (Seat(code, Role.COMMITTEE, "named:0"),),
                    "业委会委员（本人也是业主）"),
        DemoAccount(f"{code}-admin", admin, (Seat(code, Role.ADMIN),), "物业/社区工作人员"),
        DemoAccount(f"{code}-owner", "", (Seat(code, Role.OWNER, "multi"),), "业主，名下多套房产"),
        DemoAccount(f"{code}-coowner", "", (Seat(code, Role.OWNER, "co"),),
                    "共有人（夫妻共有一套）"),
        DemoAccount(f"{code}-resident", resident, (Seat(code, Role.RESIDENT),), "租户，不能投票"),
    ]


ACCOUNTS: tuple[DemoAccount, ...] = (
    *_per_community("spj", "刘振华", "睿幸福物业 王敏", "租户 赵晓东"),
    *_per_community("tyc", "周文斌", "科宁社区 蒋蓉", "租户 马丽"),
    *_per_community("jax", "郑茂", "金安岭社区 李红梅", "租户 韩涛"),
    DemoAccount("chen-lixin", "陈立新",
                (Seat("spj", Role.OWNER, "named:1"), Seat("tyc", Role.OWNER, "named:1")),
                "两个小区各有一套房的业主"),
)


def spec_by_code(code: str) -> CommunitySpec:
    """The demo community with this short code."""
    return next(s for s in COMMUNITIES if s.code == code)


def owner_ref_for(spec: CommunitySpec, selector: str, featured: Featured) -> str:
    """The owner_ref a seat links to."""
    if selector.startswith("named:"):
        return f"{spec.plan.ref_prefix}{int(selector[6:]) + 1:04d}"
    return featured.multi_unit if selector == "multi" else featured.co_owned


def create_demo_accounts(communities: dict[str, Community]) -> dict[str, User]:
    """Create every demo account and its memberships (no commit)."""
    featured = {spec.code: featured_owners(spec) for spec in COMMUNITIES}
    users: dict[str, User] = {}
    for account in ACCOUNTS:
        owners = []
        for seat in account.seats:
            spec = spec_by_code(seat.code)
            community = communities[spec.slug]
            owner = None
            if seat.owner:
                ref = owner_ref_for(spec, seat.owner, featured[seat.code])
                owner = get_owner(community, ref)
                if owner is None:
                    raise LookupError(f"demo owner {ref} missing in {spec.slug}")
            owners.append((community, seat.role, owner))
        name = account.display_name or next(
            (o.name_list[0] for _, _, o in owners if o is not None), account.username)
        user = create_user(account.username, DEMO_PASSWORD, display_name=name)
        for community, role, owner in owners:
            grant_membership(user, community, role, owner=owner)
        # a verified demo address, so that with YISHI_SMTP_URL set the demo sends e-mail
        emit(contacts_given, user=user, contacts={"email": f"{account.username}@demo.yishi.test"},
             verified=True, actor=None)
        users[account.username] = user
    return users
