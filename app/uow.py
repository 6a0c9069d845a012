"""The one unit of work: every write, page or API, commits once here or rolls back.

- `unit_of_work()`: a block that commits when it ends and rolls back on any exception (which
  passes on). CLI commands, jobs and the two wrappers below use it.
- `perform(work, form=..., done=...)`: pages. Runs one service call in a unit of work; on
  success flashes `done`; on a `DomainError` rolls back and shows the message under the form
  field the error names (else as a flash), keeping what the user typed.
- `@transactional`: API views that write. Commits when the view returns, rolls back on any
  exception; a `DomainError` then becomes `{"error": {"code", "message"}}` with its status
  (`app.api.errors`).
- `write_during_read(work)`: the one documented exception to "a GET never writes" — a read
  whose record must be written before it answers (an export of personal data is entered in
  the audit log before the file leaves). It ends the read transaction, runs `work` in its own
  unit of work (BEGIN IMMEDIATE on SQLite) and returns. Closing a due vote is no longer one:
  the periodic job does it (`flask jobs drain`), and reads show such a vote as closing.

Uploaded files follow the same transaction (`app.storage`): written under a temporary name,
moved into place after the commit, removed on rollback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any, Generic, TypeVar

from flask import flash

from app.db import immediate_transactions
from app.errors import DomainError
from app.extensions import db

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit once when the block ends; roll back on any exception, which passes on.

    A commit that fails (a constraint checked at the final flush) is rolled back too, so the
    session, and the files stored in the transaction, are cleaned up at once.
    """
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What `perform` did: committed (`ok`, with the service's `value`) or refused (`error`)."""

    ok: bool
    value: T | None = None
    error: DomainError | None = None


def show_error(error: DomainError, form: Any = None) -> None:
    """Show a refusal on the page: under the form field it names, else as a flash message."""
    if form is not None and error.field:
        field = getattr(form, error.field, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, error.message]
            return
    flash(error.message, "error")


def perform(work: Callable[[], T], *, form: Any = None, done: str | None = None) -> Outcome[T]:
    """Run one service call in a unit of work for a page; show success or the refusal."""
    try:
        with unit_of_work():
            value = work()
    except DomainError as error:
        show_error(error, form)
        return Outcome(False, error=error)
    if done:
        flash(done, "success")
    return Outcome(True, value)


def transactional(view: F) -> F:
    """API views that write: commit once when the view returns, roll back on any exception."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with unit_of_work():
            return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def write_during_read(work: Callable[[], T]) -> T:
    """Run `work` in its own committed write transaction from inside a read request.

    The read transaction is ended first, so on SQLite the write lock is taken up front (BEGIN
    IMMEDIATE) instead of upgrading a deferred read, which could fail at once.
    """
    db.session.rollback()
    with immediate_transactions(), unit_of_work():
        return work()
