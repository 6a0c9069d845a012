"""One page action: commit the service calls and say so, or roll them back and say why."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import flash

from app.extensions import db


@dataclass
class Outcome:
    """Whether the block's service calls were committed (`ok`) or refused."""

    ok: bool = False


@contextmanager
def committed(refusals: type[Exception] | tuple[type[Exception], ...],
              describe: Callable[[Any], str], done: str | None = None) -> Iterator[Outcome]:
    """Commit the block and flash `done`; on a refusal roll back and flash `describe(error)`.

    Any other exception (an `abort`, a bug) passes through untouched.
    """
    outcome = Outcome()
    try:
        yield outcome
    except refusals as error:
        db.session.rollback()
        flash(describe(error), "error")
        return
    db.session.commit()
    outcome.ok = True
    if done:
        flash(done, "success")
