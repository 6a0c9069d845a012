"""Database helpers: the clock of record (`utcnow`) and SQLite's durability and locking."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

if TYPE_CHECKING:
    from flask import Flask

T = TypeVar("T")


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: object) -> None:
    """Make SQLite durable: WAL, synchronous=FULL, a busy timeout, foreign keys on."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@event.listens_for(Engine, "connect")
def _sqlite_manual_transactions(dbapi_connection: Any, connection_record: object) -> None:
    """Let SQLAlchemy, not the sqlite3 module, emit BEGIN (see `_sqlite_begin`)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None


#: whether new SQLite transactions take the write lock up front (BEGIN IMMEDIATE)
_IMMEDIATE: ContextVar[bool] = ContextVar("sqlite_begin_immediate", default=False)


@contextmanager
def immediate_transactions(enabled: bool = True) -> Iterator[None]:
    """Within this block, SQLite transactions begin with BEGIN IMMEDIATE (writers queue)."""
    token = _IMMEDIATE.set(enabled)
    try:
        yield
    finally:
        _IMMEDIATE.reset(token)


def init_app(app: Flask) -> None:
    """Requests that may write (POST, PUT, PATCH, DELETE) take SQLite's write lock up front."""
    from flask import g, request

    @app.before_request
    def _writer_lock_mode() -> None:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            g._sqlite_immediate_token = _IMMEDIATE.set(True)

    @app.teardown_request
    def _reset_lock_mode(exc: BaseException | None) -> None:  # noqa: ARG001
        token = g.pop("_sqlite_immediate_token", None)
        if token is not None:
            _IMMEDIATE.reset(token)


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn: Connection) -> None:
    """Begin SQLite transactions: IMMEDIATE for writers, DEFERRED for readers.

    A deferred transaction that reads and then writes fails at once with SQLITE_BUSY when
    another writer committed in between; a request that may write therefore takes the write
    lock up front, so writers queue on the busy timeout instead. Readers (GET) stay deferred
    and, in WAL mode, never block or wait for writers.
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _IMMEDIATE.get() else "BEGIN")
