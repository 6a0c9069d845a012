"""Fixtures of the turnout tests: the notification tests' servers, app and town (for the
reminders, which go through the real queue); modules define their own `town` otherwise."""

from __future__ import annotations

from tests.notifications.conftest import (  # noqa: F401 - fixtures, used by name
    day,
    napp,
    nctx,
    servers,
    town,
)
