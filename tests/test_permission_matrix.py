"""The permission matrix: every route, every role, the expected answer (tables in tests/matrix/).

A route registered without a matrix entry (or a PUBLIC entry with its reason) fails
`test_every_route_is_in_the_matrix`, so no page or endpoint ships without its permission check.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import _create_identifier
from sqlalchemy import event
from werkzeug.test import TestResponse

from app.extensions import db
from tests.matrix import (
    ANONYMOUS,
    OTHER_COMMITTEE,
    ROLES,
    SIGNED_IN,
    Route,
    World,
    build_world,
    load,
)

ROUTES, PUBLIC = load()
IGNORED_METHODS = {"HEAD", "OPTIONS"}
#: GETs that write through `app.uow.write_during_read`, the one documented exception (the
#: audit entry of a personal-data export)
WRITING_READS = {"voting.export_csv", "api_voting.get_ballots"}
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def sign_in(app: Flask, client: FlaskClient, user_id: int) -> None:
    """Put a signed-in session in the client's cookie (no password hashing per request)."""
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
        session["_id"] = identifier


def prepare(app: Flask, route: Route) -> tuple[World, str, Any]:
    """A fresh world, the route's setup, its URL and the data to send."""
    with app.app_context():
        world = build_world()
        params: dict[str, Any] = route.setup(world) if route.setup else {}
        db.session.commit()
        url = route.path.format(slug=world.slug, other_slug=world.other_slug, **params)
        data = route.data(world, params) if callable(route.data) else route.data
        db.session.remove()
    return world, url, data


def request_as(app: Flask, route: Route, role: str, world: World, url: str,
               data: Any) -> TestResponse:
    """Send the route's request as a role: a session for pages, a bearer token for the API."""
    client = app.test_client()
    headers: dict[str, str] = {}
    api = url.startswith("/api/")
    if role != ANONYMOUS:
        if api:
            headers["Authorization"] = f"Bearer {world.tokens[role]}"
        else:
            sign_in(app, client, world.user_ids[role])
    body: dict[str, Any] = {}
    if data is not None:
        body = {"json": data} if api else {"data": _fresh_files(data)}
    return client.open(url, method=route.method, headers=headers, **body)


@contextmanager
def writes_recorded(app: Flask) -> Iterator[list[str]]:
    """The INSERT, UPDATE and DELETE statements sent to the database meanwhile."""
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if WRITE.match(statement):
            seen.append(statement.split("\n", 1)[0][:120])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _fresh_files(data: Any) -> Any:
    """Form data whose uploaded files can be read again (one request closes its file)."""
    if not isinstance(data, dict):
        return data
    return {key: (io.BytesIO(value[0].getvalue()), *value[1:])
            if isinstance(value, tuple) and value and isinstance(value[0], io.BytesIO)
            else value for key, value in data.items()}


def is_login_redirect(response: TestResponse) -> bool:
    """A redirect to the sign-in page."""
    return response.status_code in (301, 302, 303) and \
        urlsplit(response.headers.get("Location", "")).path == "/login"


def expectation(route: Route, role: str, api: bool) -> str:
    """What the role should get, in words."""
    if role in route.allowed:
        return "2xx/3xx (not the login redirect)"
    if role == ANONYMOUS:
        return "401" if api else "login redirect"
    return str(route.outsider if role == OTHER_COMMITTEE else route.denied)


def meets(route: Route, role: str, api: bool, response: TestResponse) -> bool:
    """Whether the response is what the matrix says the role gets."""
    status = response.status_code
    if role in route.allowed:
        return 200 <= status < 400 and not is_login_redirect(response)
    if role == ANONYMOUS:
        return status == 401 if api else is_login_redirect(response)
    return status == (route.outsider if role == OTHER_COMMITTEE else route.denied)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_route_answers_each_role_as_declared(app: Flask, route: Route) -> None:
    adapter = app.url_map.bind("localhost")
    failures = []
    for role in ROLES:
        world, url, data = prepare(app, route)
        endpoint, _ = adapter.match(urlsplit(url).path, method=route.method)
        assert endpoint == route.endpoint, f"{url} is {endpoint}, not {route.endpoint}"
        api = url.startswith("/api/")
        with writes_recorded(app) as writes:
            response = request_as(app, route, role, world, url, data)
        if route.method == "GET" and writes and route.endpoint not in WRITING_READS:
            failures.append(f"{role}: a GET wrote {writes}")  # reads never write (issue 8)
        if not meets(route, role, api, response):
            failures.append(f"{role}: got {response.status_code} "
                            f"{response.headers.get('Location', '')} "
                            f"{response.get_data(as_text=True)[:200]!r}, "
                            f"expected {expectation(route, role, api)}")
    assert not failures, f"{route}:\n" + "\n".join(failures)


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    """Each registered route and method has a matrix entry or a PUBLIC entry with a reason."""
    declared = {route.key for route in ROUTES}
    public = {(p.endpoint, method) for p in PUBLIC for method in p.methods}
    missing = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - IGNORED_METHODS):
            if (rule.endpoint, method) not in declared | public:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, ("routes without a permission-matrix entry (add them to "
                         "tests/matrix/<feature>.py):\n" + "\n".join(missing))


def test_matrix_names_only_existing_routes(app: Flask) -> None:
    registered = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
                  for method in rule.methods}
    stale = [str(route) for route in ROUTES if route.key not in registered]
    stale += [p.endpoint for p in PUBLIC for m in p.methods if (p.endpoint, m) not in registered]
    assert not stale, f"matrix entries for routes that do not exist: {stale}"
    assert all(p.reason.strip() for p in PUBLIC)


def test_other_committee_never_gets_into_a_members_route() -> None:
    """The committee of another community is an outsider: only routes open to any account."""
    for route in ROUTES:
        assert route.allowed <= set(ROLES), route
        if OTHER_COMMITTEE in route.allowed:
            assert route.allowed >= SIGNED_IN, f"{route}: outsiders in, but not every member"
        assert route.denied in (403, 404) and route.outsider in (403, 404), route
