"""Deprecated: `app.uow.perform` is the one page action. `committed` stays only until the
proposals, voting and meetings views move to `perform`; nothing in `app/` uses it, and the
lead deletes this module once nothing else does."""

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
    """Deprecated (use `app.uow.perform`): commit the block and flash `done`; on a refusal
    roll back and flash `describe(error)`. Any other exception passes through untouched."""
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
