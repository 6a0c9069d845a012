"""INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL: the UNIQUE keys decide."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db

#: rows per INSERT statement (executemany batches)
CHUNK = 1000
_BUILDERS: dict[str, Any] = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def insert_ignoring_conflicts(model: Any, dialect: str | None = None) -> Any:
    """`INSERT INTO model ... ON CONFLICT DO NOTHING` for `dialect` (default: the session's
    database); add `.returning(...)` for the rows actually inserted."""
    name = dialect or db.session.get_bind().dialect.name
    return _BUILDERS[name](model).on_conflict_do_nothing()


def insert_ignoring_duplicates(model: Any, rows: Sequence[dict[str, Any]]) -> int:
    """Insert the rows in chunks; a row whose UNIQUE key is taken is skipped. Returns how many
    rows were inserted."""
    statement = insert_ignoring_conflicts(model)
    added = 0
    for start in range(0, len(rows), CHUNK):
        result = db.session.execute(statement, list(rows[start:start + CHUNK]))
        added += max(getattr(result, "rowcount", 0) or 0, 0)
    return added


def insert_one_ignoring_duplicate(model: Any, row: dict[str, Any]) -> int | None:
    """Insert one row unless its UNIQUE key is taken; the new row's id, or None."""
    statement = insert_ignoring_conflicts(model).values(**row).returning(model.id)
    new_id: int | None = db.session.execute(statement).scalar_one_or_none()
    return new_id


def insert_returning_ids(model: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert the rows in chunks, skipping those whose UNIQUE key is taken; the ids of the
    rows inserted (a row another transaction inserted first is not among them)."""
    statement = insert_ignoring_conflicts(model).returning(model.id)
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        ids.extend(db.session.scalars(statement, list(rows[start:start + CHUNK])))
    return ids
