"""Shared fixtures of the voting page tests (imported by tests/voting/test_pages_*.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.factories import login


@pytest.fixture(autouse=True)
def fresh_request_globals(app: Flask) -> None:
    """Each request starts without the previous request's cached user and memberships.

    The tests' outer app context outlives requests, so `g` would leak between them.
    """

    @app.before_request
    def _forget() -> None:
        g.pop("_login_user", None)
        g.pop("_memberships", None)
        g.pop("api_user", None)


#: a factory of signed-in test clients (None: an anonymous one)
AsUser = Callable[[str | None], FlaskClient]


@pytest.fixture
def as_user(app: Flask) -> Iterator[AsUser]:
    """A factory of signed-in test clients, one per username."""

    def factory(username: str | None) -> FlaskClient:
        client = app.test_client()
        if username:
            login(client, username)
        return client

    yield factory


def html(response: TestResponse) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)
