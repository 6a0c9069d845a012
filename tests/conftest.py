"""Test fixtures: a real database (SQLite file or PostgreSQL), migrated with Alembic.

`YISHI_TEST_DB=sqlite` (default) or `postgres`. For PostgreSQL each pytest process creates its
own database (so parallel runs never collide) from `TEST_POSTGRES_URL` and drops it at the end.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db

BACKEND = os.environ.get("YISHI_TEST_DB", "sqlite")
PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@/postgres?host=/var/run/postgresql"
)


def _create_pg_database() -> str:
    """Create a fresh PostgreSQL database for this process and return its URL."""
    name = f"yishi_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(url: str) -> None:
    name = make_url(url).database
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database for the whole session."""
    if BACKEND == "postgres":
        url = _create_pg_database()
        yield url
        _drop_pg_database(url)
    else:
        path: Path = tmp_path_factory.mktemp("db") / "yishi-test.db"
        yield f"sqlite:///{path}"


def make_app(database_url: str, **overrides: object) -> Flask:
    """An app configured for tests."""
    config: dict[str, object] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "SERVER_NAME": None,
        # a cheap hash keeps the suite fast; production uses scrypt (see test_security)
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "AUDIT_KEY": "test-audit-key",
        # each app anchors its audit chains in its own folder: tests start from empty tables
        "AUDIT_HEAD_FOLDER": tempfile.mkdtemp(prefix="yishi-audit-heads-"),
        # each test app gets its own in-memory queue (tests of the queue choose SQLite or Redis)
        "YISHI_QUEUE_URL": "memory://",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def migrated(database_url: str) -> str:
    """Run every Alembic migration once on the session's database; every test starts empty."""
    from flask_migrate import upgrade

    app = make_app(database_url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    _release(app)  # rows a migration writes (the ballot-notice cursor) are no test's business
    return database_url


def _clean(app: Flask) -> None:
    """Empty every table, keeping the schema."""
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                  + " RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f'DELETE FROM "{table}"'))


def _release(app: Flask) -> None:
    """Empty the tables and close the app's connections."""
    _clean(app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(migrated: str) -> Iterator[Flask]:
    """A test app on the migrated database, emptied after each test."""
    application = make_app(migrated)
    yield application
    _release(application)


@pytest.fixture
def custom_app(migrated: str) -> Iterator[Callable[..., Flask]]:
    """Build apps with config overrides on the test database; empty it afterwards."""
    built: list[Flask] = []

    def build(**overrides: object) -> Flask:
        built.append(make_app(migrated, **overrides))
        return built[-1]

    yield build
    for application in built:
        _release(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An application context for calling services directly."""
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    """The one clock seam: time stands still at the real now; `clock.shift(timedelta(...))`
    or `clock.move_to(moment)` moves it for the app and the test alike."""
    from app.db import utcnow

    with time_machine.travel(utcnow(), tick=False) as traveller:
        yield traveller


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`postgres_only` tests need PostgreSQL's row locks: deselected (and counted) elsewhere."""
    if BACKEND == "postgres":
        return
    keep = [item for item in items if item.get_closest_marker("postgres_only") is None]
    dropped = [item for item in items if item.get_closest_marker("postgres_only") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


pytest_plugins = ["tests.factories"]
