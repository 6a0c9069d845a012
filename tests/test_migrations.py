"""Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db


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
