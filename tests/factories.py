"""Factories: communities with registers, users with roles, signing in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event
from werkzeug.test import TestResponse

from app.accounts.models import Role, User
from app.accounts.services import create_user, grant_membership
from app.extensions import db
from app.register.models import Community, Owner
from app.register.services import create_community, import_register

HEADER = "building,unit,area_m2,area_source,kind,status,owner_ref,owner_name,phone\n"

#: A small register: 6 units, 4 owners (o1 holds two units; o2 is two co-owners; the developer
#: holds an unsold and an undelivered unit) and one parking space. Area 492.25 m².
SMALL_REGISTER = HEADER + (
    "1栋,101,89.50,registry,residence,delivered,o1,张三,13800000001\n"
    "1栋,102,90.00,registry,residence,delivered,o1,张三,\n"
    "1栋,201,100,survey,residence,delivered,o2,李四;王五,\n"
    "2栋,101,120.25,contract,residence,unsold,,,\n"
    "2栋,102,80,registry,residence,undelivered,o9,赵六,\n"
    "P,1,12.5,registry,parking,delivered,o3,钱七,\n"
)


@pytest.fixture
def make_community(ctx) -> Callable[..., Community]:
    """Create a community, optionally with a register (CSV text)."""

    def factory(slug: str = "spj", name: str = "尚品居", register: str | None = SMALL_REGISTER,
                **settings: object) -> Community:
        community = create_community(slug, name, **settings)  # type: ignore[arg-type]
        if register:
            import_register(community, register)
        db.session.commit()
        return community

    return factory


@pytest.fixture
def make_user(ctx) -> Callable[..., User]:
    """Create a user with a role in a community (linked to an owner by owner_ref)."""

    def factory(username: str, community: Community | None = None, role: Role | str = "owner",
                owner_ref: str | None = None, password: str = "password123") -> User:
        user = create_user(username, password)
        if community is not None:
            owner = None
            if owner_ref:
                owner = db.session.query(Owner).filter_by(
                    community_id=community.id, owner_ref=owner_ref).one()
            grant_membership(user, community, Role(role), owner=owner)
        db.session.commit()
        return user

    return factory


def login(client: FlaskClient, username: str, password: str = "password123") -> None:
    """Sign a test client in through the login form."""
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Collect the SQL statements executed inside the block."""
    statements: list[str] = []

    def listener(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def upload_register(client: FlaskClient, slug: str, data: bytes, name: str = "register.csv",
                    *, confirm: bool = True) -> TestResponse:
    """Upload a register file through the page; with `confirm`, confirm the preview too."""
    import io
    import re

    preview = client.post(f"/c/{slug}/register/upload",
                          data={"file": (io.BytesIO(data), name)},
                          content_type="multipart/form-data")
    if not confirm or preview.status_code != 200:
        return preview
    found = re.search(r'name="token" type="hidden" value="([^"]+)"',
                      preview.get_data(as_text=True))
    assert found, "the preview has no confirm form"
    return client.post(f"/c/{slug}/register/upload", data={"token": found.group(1)})
