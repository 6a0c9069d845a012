"""Fixtures of the voting tests (a module may override `world` with other settings)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.accounts.models import User
from app.register.models import Community
from tests.voting.voting_helpers import World, build_world


@pytest.fixture
def world(make_community: Callable[..., Community], make_user: Callable[..., User]) -> World:
    """The small register, a proposal (方案A, 方案B) in deliberation, one account per role."""
    return build_world(make_community, make_user)
