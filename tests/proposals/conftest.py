"""Fixtures of the proposals tests: a community with a committee, owners, a resident, an outsider,
and a proposal with two costed options."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import User
from app.extensions import db
from app.register.models import Community
from proposals.models import Proposal
from proposals.services import create_proposal


@dataclass
class World:
    """Who is who."""

    community: Community
    other: Community
    committee: User
    owner: User
    owner2: User
    resident: User
    outsider: User


@pytest.fixture(autouse=True)
def fresh_request_globals(app: Flask) -> None:
    """Each request starts with empty per-request caches.

    The tests' outer app context outlives requests, so the caches kept in `g` (the bearer
    token's user, memberships, the locale) would leak from one request into the next.
    """
    from flask import g

    @app.before_request
    def _forget() -> None:
        g.pop("api_user", None)
        g.pop("_memberships", None)
        g.pop("_flask_babel", None)  # the locale Flask-Babel chose for the last request


@pytest.fixture
def world(make_community: Callable[..., Community], make_user: Callable[..., User]) -> World:
    """The 尚品居 register (492.25 m²) with one member of each kind, and another community."""
    community = make_community()
    other = make_community("other", "别的小区")
    return World(
        community=community, other=other,
        committee=make_user("weiyuan", community, "committee"),
        owner=make_user("zhang", community, "owner", owner_ref="o1"),
        owner2=make_user("li", community, "owner", owner_ref="o2"),
        resident=make_user("zuhu", community, "resident"),
        outsider=make_user("waiju", other, "committee"),
    )


OPTIONS = [
    {"title": "A 方案：东侧绿地建充电棚", "description": "占用**绿地** 120 平方米",
     "cost_cny": "186000.00", "funding_source": "owners_by_area", "green_area_lost_m2": "120",
     "parking_delta": 0, "timeline": "两个月"},
    {"title": "B 方案：地面车位改建", "description": "减少 6 个车位", "cost_cny": "98000",
     "funding_source": "maintenance_fund", "parking_delta": -6, "timeline": "一个月"},
]


#: the `make_proposal` fixture: `make_proposal(state="deliberation", **create_proposal kwargs)`
MakeProposal = Callable[..., Proposal]


@pytest.fixture
def make_proposal(world: World) -> MakeProposal:
    """A proposal with two options (in deliberation unless told otherwise)."""

    def factory(state: str = "deliberation", **kwargs: Any) -> Proposal:
        values: dict[str, Any] = {"title": "电动车充电棚选址", "summary": "在东侧绿地或车位上建",
                                  "body": "## 背景\n电动车上楼充电有火灾风险。",
                                  "matters": [7], "options": OPTIONS}
        values.update(kwargs)
        proposal = create_proposal(world.community, world.committee, state=state, **values)
        db.session.commit()
        return proposal

    return factory


def switch_user(client: FlaskClient, username: str) -> None:
    """Sign out and in as someone else.

    The test's outer app context outlives requests, so the per-request membership cache in `g`
    (app.context.membership_of) must be dropped when the user changes.
    """
    from flask import g

    from tests.factories import login

    client.post("/logout")
    g.pop("_memberships", None)
    login(client, username)
