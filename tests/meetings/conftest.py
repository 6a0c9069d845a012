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
