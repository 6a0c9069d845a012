"""Meetings tests call services inside a request context (messages are translated)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask


@pytest.fixture
def rctx(ctx: Flask) -> Iterator[Flask]:
    """A request context on top of the app context, for services that translate messages."""
    with ctx.test_request_context("/"):
        yield ctx


@pytest.fixture(autouse=True)
def _fresh_membership_cache(app: Flask) -> None:
    """Give every test request a fresh membership cache, as production's per-request `g` does.

    The `ctx` fixture keeps one app context (and its `g`) open across the client's requests, and
    `app.context.membership_of` caches per community on `g`: without this, a second user's
    request in the same test would see the first user's membership.
    """
    from flask import g

    def forget() -> None:
        g.pop("_memberships", None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget)
