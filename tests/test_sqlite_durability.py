"""SQLite is durable: WAL, synchronous=FULL, a busy timeout; writers queue, readers don't wait.

These run on a SQLite file of their own whichever backend the rest of the suite uses.
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import text

from app.db import immediate_transactions
from app.extensions import db
from tests.conftest import make_app
from tests.threads import run_in_threads


def _sqlite_app(tmp_path: Path) -> Flask:
    app = make_app(f"sqlite:///{tmp_path}/durable.db")
    with app.app_context():
        upgrade()
    return app


def test_pragmas(tmp_path: Path) -> None:
    app = _sqlite_app(tmp_path)
    with app.app_context():
        conn = db.session.connection()
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.session.rollback()
        db.engine.dispose()


def test_writing_requests_take_the_write_lock_and_readers_do_not(tmp_path: Path) -> None:
    """A writer's transaction blocks another writer (it queues), never a reader."""
    app = _sqlite_app(tmp_path)
    holding = threading.Event()
    release = threading.Event()
    order: list[str] = []

    def first_writer() -> None:
        with app.app_context(), immediate_transactions():
            db.session.execute(text(
                "INSERT INTO community (slug, name, proxy_limit, vote_change, parking_area, "
                "notice_days, public_proposals, residents_may_discuss, follow_majority, "
                "show_ballot_units, created_at) VALUES ('a', 'A', 3, 'allowed', 'counted', 15, "
                "0, 1, 0, 1, '2026-01-01 00:00:00')"))
            holding.set()
            assert release.wait(10), "the reader never finished"
            order.append("first commits")
            db.session.commit()

    def second_writer() -> None:
        assert holding.wait(10), "the first writer never began"
        with app.app_context(), immediate_transactions():
            db.session.execute(text("SELECT 1"))  # BEGIN IMMEDIATE waits for the first writer
            order.append("second begins")
            db.session.commit()

    def reader() -> None:
        """Not blocked by the open write transaction (WAL); sees committed data only."""
        assert holding.wait(10), "the first writer never began"
        try:
            with app.app_context():
                assert db.session.execute(text("SELECT count(*) FROM community")).scalar() == 0
                db.session.rollback()
        finally:
            release.set()

    run_in_threads([first_writer, second_writer, reader], together=False)
    assert order == ["first commits", "second begins"]
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM community")).scalar() == 1
        db.session.remove()
        db.engine.dispose()
