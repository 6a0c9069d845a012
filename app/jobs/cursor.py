"""Where a periodic sweep over a growing table got to: one row per sweep, moved forward only.

A sweep that reads "rows since the last run" keeps its high-water mark here (in the database,
so every worker machine shares it and a restart loses nothing); `position` is read at the
start of a run and `advance` moves it in the run's last transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, update
from sqlalchemy.orm import Mapped, mapped_column

from app.db import utcnow
from app.dialect import insert_ignoring_conflicts
from app.extensions import Model, db
from app.types import UTCDateTime


class JobCursor(Model):
    """The high-water mark of one sweep."""

    __tablename__ = "job_cursor"

    #: the sweep's job name, e.g. "notifications.ballot_notices"
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    #: everything up to this moment has been handled (the sweep re-reads a lag window before it)
    position: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def position(name: str) -> datetime | None:
    """The sweep's mark, or None when it never ran (it then starts from the beginning)."""
    cursor = db.session.get(JobCursor, name)
    return cursor.position if cursor is not None else None


def advance(name: str, to: datetime) -> None:
    """Move the mark to `to`, never backwards (two workers running the sweep at once agree)."""
    now = utcnow()
    moved = db.session.execute(
        update(JobCursor).where(JobCursor.name == name, JobCursor.position < to)
        .values(position=to, updated_at=now).execution_options(synchronize_session=False))
    if moved.rowcount == 0:  # type: ignore[attr-defined]  # no row yet, or one already later
        db.session.execute(insert_ignoring_conflicts(JobCursor).values(
            name=name, position=to, updated_at=now))
