"""The baseline: a bare Flask + Flask-SQLAlchemy app whose endpoint inserts one row per request.

Served exactly like the real app (gunicorn, sync workers) on the same database backend with the
same SQLite durability settings (WAL, synchronous=FULL, busy timeout, BEGIN IMMEDIATE for
writers), so the ratio full-stack / bare measures what Yishi adds per request.
`BENCH_DATABASE_URL` names the database: `gunicorn bench.bare_app:app`.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Integer, String, Text, create_engine, event, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """The bare app's own metadata (one table)."""


db = SQLAlchemy(model_class=Base)


class BareRow(db.Model):
    """One row per request."""

    __tablename__ = "bench_bare_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    n: Mapped[int] = mapped_column(Integer, index=True)
    token: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def _sqlite_settings(dbapi_connection: Any, connection_record: object) -> None:
    """The same SQLite settings as Yishi's app.db: WAL, synchronous=FULL, a busy timeout."""
    if not type(dbapi_connection).__module__.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=10000"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    """Writers take SQLite's write lock up front, as Yishi's requests that may write do."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_bare_app(url: str) -> Flask:
    """The bare app on a database URL."""
    bare = Flask(__name__)
    bare.config["SQLALCHEMY_DATABASE_URI"] = url
    bare.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    db.init_app(bare)
    with bare.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_settings)
            event.listen(db.engine, "begin", _sqlite_begin)

    @bare.get("/bare/health")
    def health() -> dict[str, bool]:
        return {"ok": True}

    @bare.put("/bare/<int:n>")
    def put_row(n: int) -> Response:
        body = request.get_json()
        _scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        row = BareRow(n=n, token=token[:64], payload=str(body),
                      created_at=datetime.now(UTC))
        db.session.add(row)
        db.session.commit()
        return jsonify({"id": row.id})

    return bare


def create_table(url: str) -> None:
    """Create the bare table (once, before gunicorn starts its workers)."""
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()


def count_rows(url: str) -> int:
    """How many rows the bare endpoint inserted."""
    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(BareRow)).scalar_one()
    engine.dispose()
    return count


app = create_bare_app(os.environ["BENCH_DATABASE_URL"]) if "BENCH_DATABASE_URL" in os.environ \
    else None
