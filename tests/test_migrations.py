"""Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db


@contextmanager
def database_at(revision: str, tmp_path: Path) -> Iterator[None]:
    """A fresh database migrated up to `revision`, inside its app's context; dropped after."""
    from flask_migrate import upgrade

    from tests.conftest import BACKEND, _create_pg_database, _drop_pg_database, make_app

    url = _create_pg_database() if BACKEND == "postgres" else f"sqlite:///{tmp_path}/old.db"
    try:
        app = make_app(url)
        with app.app_context():
            upgrade(revision=revision)
            yield
            db.session.remove()
            db.engine.dispose()
    finally:
        if BACKEND == "postgres":
            _drop_pg_database(url)


def test_models_agree_with_migrations(app) -> None:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_flask_db_upgrade_from_empty(database_url, tmp_path) -> None:
    """`flask db upgrade` on an empty database reaches the head revision."""
    from sqlalchemy import inspect

    from tests.conftest import BACKEND, _create_pg_database, _drop_pg_database, make_app

    url = _create_pg_database() if BACKEND == "postgres" else f"sqlite:///{tmp_path}/fresh.db"
    try:
        app = make_app(url)
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            tables = set(inspect(db.engine).get_table_names())
            heads = MigrationContext.configure(db.engine.connect()).get_current_heads()
            db.engine.dispose()
        assert {"community", "unit", "owner", "user_account", "audit_entry"} <= tables
        assert len(heads) == 1
    finally:
        if BACKEND == "postgres":
            _drop_pg_database(url)


def test_0009_keeps_audit_entries_from_before_it_verifiable(tmp_path: Path) -> None:
    """Entries of the old single SHA-256 chain get their per-community numbers and still
    verify; new entries continue each community's chain with keyed hashes."""
    from datetime import UTC, datetime

    from flask_migrate import upgrade
    from sqlalchemy import text

    from app.audit.chain import LEGACY_GENESIS, EntryContent, legacy_hash
    from app.audit.services import record_event, verify_chains

    with database_at("0008", tmp_path):
        moment = datetime(2026, 1, 1, tzinfo=UTC)
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO community (id, slug, name, proxy_limit, vote_change, "
                "parking_area, notice_days, public_proposals, residents_may_discuss, "
                "follow_majority, show_ballot_units, created_at) VALUES (7, 'old', '旧', 3, "
                "'allowed', 'counted', 15, false, true, false, true, :t)"), {"t": moment})
            prev = LEGACY_GENESIS
            for community_id in (7, None, 7):
                content = EntryContent(0, prev, moment, community_id, None, "", "old.event",
                                       "", "{}")
                digest = legacy_hash(content)
                conn.execute(text(
                    "INSERT INTO audit_entry (created_at, community_id, actor_name, "
                    "action, target, details, prev_hash, entry_hash) VALUES (:t, :c, "
                    "'', 'old.event', '', '{}', :p, :h)"),
                    {"t": moment, "c": community_id, "p": prev, "h": digest})
                prev = digest
        upgrade()
        rows = db.session.execute(text(
            "SELECT community_id, seq, keyed FROM audit_entry ORDER BY id")).all()
        assert [(r[0], r[1], bool(r[2])) for r in rows] == [
            (7, 1, False), (None, 1, False), (7, 2, False)]
        assert verify_chains().ok
        record_event("new.event", community_id=7)
        record_event("new.event", community_id=None)
        db.session.commit()
        report = verify_chains()
        assert report.ok, report.problems
        assert (report.checked, report.chains) == (5, 2)


def test_0018_keys_the_ballot_notices_before_it_and_starts_the_sweep_then(
        tmp_path: Path) -> None:
    """Ballot notices written in the ballot's transaction get their receipt's key (the
    resolution's repeat of a receipt keeps none), so the sweep tells none of them again; its
    cursor starts at the upgrade, so no older ballot is told late."""
    from datetime import UTC, datetime

    from flask_migrate import upgrade
    from sqlalchemy import text

    from app.jobs import cursor

    with database_at("0017", tmp_path):
        moment = datetime(2026, 1, 1, tzinfo=UTC)
        with db.engine.begin() as conn:
            for receipt, kind in (("R1", "ballot_recorded"), ("R2", "ballot_recorded"),
                                  ("R1", "ballot_recorded"), ("R3", "vote_opened")):
                conn.execute(text(
                    "INSERT INTO notification_event (kind, subject, payload, context, "
                    "created_at, recipients) VALUES (:k, 'vote:1', :p, '{}', :t, 0)"),
                    {"k": kind, "p": f'{{"receipt": "{receipt}"}}', "t": moment})
        before = datetime.now(UTC)
        upgrade()
        keys = db.session.execute(text(
            "SELECT key FROM notification_event ORDER BY id")).scalars().all()
        assert keys == ["ballot_recorded:R1", "ballot_recorded:R2", None, None]
        mark = cursor.position("notifications.ballot_notices")
        assert mark is not None and before <= mark <= datetime.now(UTC)
