"""Ids from outside are 1..2^31-1: any other value in an `<id:...>` URL is a 404, never a 500
(on PostgreSQL 2^31 overflows an INTEGER; on SQLite 2^63 overflows), and page numbers and
ids in bodies are bounded integers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule
from werkzeug.routing.converters import NumberConverter

from app.ids import MAX_ID, IdConverter, IdField, PageField, is_id
from tests.matrix import ADMIN, ANONYMOUS, Route
from tests.test_permission_matrix import ROUTES, prepare, request_as

#: values an `<id>` segment may be given that name no row: 0, 2^31, a 30-digit number
OUT_OF_RANGE = (0, MAX_ID + 1, 10**29)
#: the blueprints of the platform core
CORE = ("web.", "accounts.", "register.", "api_auth.", "api_communities.")


def _id_args(rule: Rule) -> list[str]:
    return sorted(arg for arg, converter in rule._converters.items()
                  if isinstance(converter, IdConverter))


def test_core_routes_name_ids_with_the_id_converter(app: Flask) -> None:
    numeric = [(rule.rule, arg, converter) for rule in app.url_map.iter_rules()
               if rule.endpoint.startswith(CORE)
               for arg, converter in rule._converters.items()
               if isinstance(converter, NumberConverter)]
    assert [rule for rule, _, converter in numeric if isinstance(converter, IdConverter)] == [
        "/c/<slug>/members/<id:member_id>/role",
        "/c/<slug>/register/claims/<id:claim_id>/<any(confirm, reject):decision>"]
    assert [f"{rule} ({arg})" for rule, arg, converter in numeric
            if not isinstance(converter, IdConverter)] == []


def _id_routes() -> list[Route]:
    """The matrix routes whose rule takes an `<id>` (a route of the app under test)."""
    from tests.conftest import make_app

    probe = make_app("sqlite://")
    adapter = probe.url_map.bind("localhost")
    found = []
    for route in ROUTES:
        sample = route.path.replace("{slug}", "s").replace("{other_slug}", "s")
        path = "/".join("1" if part.startswith("{") else part for part in sample.split("/"))
        try:
            rule, _ = adapter.match(path, method=route.method, return_rule=True)
        except HTTPException:  # its sample does not match: not a route with ids
            continue
        if _id_args(rule):
            found.append(route)
    return found


ID_ROUTES = _id_routes()


def test_the_matrix_has_id_routes() -> None:
    assert {"accounts.change_role", "register.decide_claim"} <= {r.endpoint for r in ID_ROUTES}


@pytest.mark.parametrize("route", ID_ROUTES, ids=str)
def test_an_id_out_of_range_is_404_for_someone_allowed(app: Flask, route: Route) -> None:
    """With real data and a caller the route admits, each id replaced by 0, 2^31 or a 30-digit
    number answers 404."""
    world, url, data = prepare(app, route)
    role = ADMIN if ADMIN in route.allowed else sorted(route.allowed - {ANONYMOUS} or
                                                       route.allowed)[0]
    adapter = app.url_map.bind("localhost")
    rule, args = adapter.match(urlsplit(url).path, method=route.method, return_rule=True)
    failures = []
    for arg in _id_args(rule):
        for bad in OUT_OF_RANGE:
            values: dict[str, Any] = {**args, arg: bad}
            bad_url = rule.build(values, append_unknown=False)[1]
            response = request_as(app, route, role, world, bad_url, data)
            if response.status_code != 404:
                failures.append(f"{route.method} {bad_url} as {role}: {response.status_code}")
    assert failures == []


def test_every_id_route_is_404_out_of_range_for_anyone(app: Flask) -> None:
    """Every rule with an `<id>`, every method, anonymous: routing answers 404 before a view."""
    client = app.test_client()
    checked = 0
    for rule in app.url_map.iter_rules():
        ids = _id_args(rule)
        if not ids:
            continue
        for bad in OUT_OF_RANGE:
            values: dict[str, Any] = {arg: 1 for arg in rule.arguments}
            values.update({arg: "x" for arg in rule.arguments if arg == "slug"})
            for arg, converter in rule._converters.items():
                if hasattr(converter, "items"):
                    values[arg] = sorted(converter.items)[0]
            values.update(dict.fromkeys(ids, bad))
            url = rule.build(values, append_unknown=False)[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(url, method=method)
                assert response.status_code == 404, (method, url, response.status_code)
                checked += 1
    assert checked >= 2 * len(OUT_OF_RANGE)


def test_id_and_page_fields_are_bounded() -> None:
    field = IdField(required=True)
    assert field.deserialize(MAX_ID) == MAX_ID
    for bad in (0, -1, MAX_ID + 1, 10**29, "7", 1.5, True):
        with pytest.raises(ValidationError):
            field.deserialize(bad)
    page = PageField()
    assert page.deserialize("3") == 3
    with pytest.raises(ValidationError):
        page.deserialize("99999999999999999999")
    assert is_id(1) and is_id(MAX_ID) and not is_id(MAX_ID + 1) and not is_id(True)
