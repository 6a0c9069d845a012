"""The permission matrix: who may use each route, declared per feature.

Each module in this package may define `MATRIX: list[Route]` (routes checked for every role) and
`PUBLIC: list[Public]` (routes anyone may use, with the reason); `tests/test_permission_matrix.py`
collects them all, checks every entry for every role, and fails for any registered route that
appears in neither list. See CONTRIBUTING.md, "Permission matrix".
"""

from __future__ import annotations

import importlib
import itertools
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.accounts.models import Membership, Role, User
from app.accounts.services import create_user, grant_membership, issue_api_token
from app.extensions import db
from app.register.models import Building, Community, Owner
from app.register.services import create_community, import_register
from tests.factories import SMALL_REGISTER
from turnout.models import VolunteerAssignment

ANONYMOUS = "anonymous"
RESIDENT = "resident"
OWNER = "owner"  #: linked to register owner o1 (two flats, 179.50 m²)
COMMITTEE = "committee"
ADMIN = "admin"
OTHER_COMMITTEE = "other_committee"  #: committee of the other community: never gets in
#: a resident serving as building volunteer (楼长、网格员) for 1栋 (o1's and o2's flats); a
#: resident everywhere else
VOLUNTEER = "volunteer"
VOLUNTEER_BUILDING = "1栋"
ROLES = (ANONYMOUS, RESIDENT, OWNER, COMMITTEE, ADMIN, OTHER_COMMITTEE, VOLUNTEER)

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
MEMBERS = frozenset({RESIDENT, OWNER, COMMITTEE, ADMIN, VOLUNTEER})
STAFF = frozenset({COMMITTEE, ADMIN})
NOBODY: frozenset[str] = frozenset()

PASSWORD = "password123"


@dataclass
class World:
    """Two communities with the small register; one account per role (ids, not objects).

    `slug` is the community under test; OTHER_COMMITTEE sits on the committee of `other_slug`.
    Setup functions run inside an app context: use `community()`, `user(role)` and
    `membership(role)` to get live objects.
    """

    slug: str
    other_slug: str
    community_id: int
    other_id: int
    user_ids: dict[str, int] = field(default_factory=dict)
    member_ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def community(self) -> Community:
        """The community under test."""
        return db.session.get(Community, self.community_id)

    def other(self) -> Community:
        """The other community."""
        return db.session.get(Community, self.other_id)

    def user(self, role: str) -> User:
        """The account of a role."""
        return db.session.get(User, self.user_ids[role])

    def membership(self, role: str) -> Membership:
        """The membership of a role (in `other` for OTHER_COMMITTEE)."""
        return db.session.get(Membership, self.member_ids[role])

    def owner(self, owner_ref: str = "o1") -> Owner:
        """A register owner of the community under test."""
        return db.session.execute(select(Owner).where(
            Owner.community_id == self.community_id, Owner.owner_ref == owner_ref)).scalar_one()


Setup = Callable[[World], dict[str, Any]]
Data = Callable[[World, dict[str, Any]], Any]


@dataclass(frozen=True)
class Route:
    """One route and method, and the roles allowed to use it.

    - `path`: a template formatted with `slug`, `other_slug` and what `setup` returns,
      e.g. "/c/{slug}/proposals/{proposal_id}".
    - `setup(world) -> dict`: creates what the route needs (in an app context; the harness
      commits) and returns the URL parameters (and anything `data` needs).
    - `data`: the form fields (HTML) or JSON body (API) a permitted user sends for the request
      to succeed; a dict, or `data(world, params)`.
    - `denied`: the status a member without permission gets (403; 404 where deliberate).
    - `outsider`: the status OTHER_COMMITTEE gets (403, or 404 where deliberate).
    Anonymous visitors who are not allowed get the login redirect (pages) or 401 (API).
    Allowed roles get a 2xx or 3xx that is not the login redirect.
    """

    endpoint: str
    method: str
    path: str
    allowed: frozenset[str]
    setup: Setup | None = None
    data: dict[str, Any] | Data | None = None
    denied: int = 403
    outsider: int = 403

    @property
    def key(self) -> tuple[str, str]:
        """(endpoint, method)."""
        return (self.endpoint, self.method)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Public:
    """A route anyone may use, left out of the matrix on purpose, with the reason."""

    endpoint: str
    methods: tuple[str, ...]
    reason: str


def load() -> tuple[list[Route], list[Public]]:
    """Every feature module's MATRIX and PUBLIC entries."""
    routes: list[Route] = []
    public: list[Public] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        routes += getattr(module, "MATRIX", [])
        public += getattr(module, "PUBLIC", [])
    return routes, public


_worlds = itertools.count(1)


def build_world() -> World:
    """Create a fresh world (unique slugs and usernames) and commit it.

    Accounts are hashed with the tests' cheap `PASSWORD_HASH_METHOD` (see tests/conftest.py).
    """
    return _build_world()


def _build_world() -> World:
    n = next(_worlds)
    home = create_community(f"mx{n}a", "甲小区")
    import_register(home, SMALL_REGISTER)
    other = create_community(f"mx{n}b", "乙小区")
    import_register(other, SMALL_REGISTER)
    world = World(slug=home.slug, other_slug=other.slug, community_id=home.id,
                  other_id=other.id)
    accounts = [(RESIDENT, home, Role.RESIDENT), (OWNER, home, Role.OWNER),
                (COMMITTEE, home, Role.COMMITTEE), (ADMIN, home, Role.ADMIN),
                (OTHER_COMMITTEE, other, Role.COMMITTEE), (VOLUNTEER, home, Role.RESIDENT)]
    for role, community, member_role in accounts:
        user = create_user(f"{role}-{n}", PASSWORD)
        owner = world.owner("o1") if role == OWNER else None
        member = grant_membership(user, community, member_role, owner=owner)
        world.user_ids[role] = user.id
        world.member_ids[role] = member.id
        world.tokens[role] = issue_api_token(user)
    building = db.session.execute(select(Building).where(
        Building.community_id == home.id, Building.name == VOLUNTEER_BUILDING)).scalar_one()
    db.session.add(VolunteerAssignment(community_id=home.id, building_id=building.id,
                                       membership_id=world.member_ids[VOLUNTEER]))
    db.session.commit()
    return world
