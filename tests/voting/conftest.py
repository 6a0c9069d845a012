"""Fixtures of the voting tests (a module may override `world` with other settings)."""

from __future__ import annotations

import pytest

from tests.voting.voting_helpers import World, build_world


@pytest.fixture
def world(make_community, make_user) -> World:  # noqa: ANN001
    """The small register, a proposal (方案A, 方案B) in deliberation, one account per role."""
    return build_world(make_community, make_user)
