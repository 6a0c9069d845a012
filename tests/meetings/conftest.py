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
def _fresh_request_caches(app: Flask) -> None:
    """Give every test request fresh per-request caches, as production's per-request `g` does.

    The `ctx` fixture keeps one app context (and its `g`) open across the client's requests;
    `app.context.membership_of` caches memberships and Flask-Babel the locale on `g`: without
    this, a second request in the same test would see the first one's membership and language.
    """
    from flask import g

    def forget() -> None:
        g.pop("_memberships", None)
        g.pop("_flask_babel", None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget)
