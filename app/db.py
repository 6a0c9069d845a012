"""Database helpers: SQLite durability settings and small shared column types."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event
from sqlalchemy.engine import Engine


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
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
def _sqlite_manual_transactions(dbapi_connection, connection_record) -> None:
    """Let SQLAlchemy, not the sqlite3 module, emit BEGIN (see `_sqlite_begin`)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn) -> None:
    """Start SQLite transactions with BEGIN IMMEDIATE: writers queue instead of failing.

    A deferred transaction that reads and then writes fails at once with SQLITE_BUSY when
    another writer committed in between; taking the write lock up front serialises writers
    and lets the busy timeout do its job.
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
