"""One Huey instance per app, the jobs registered on it, and enqueueing after the commit."""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey, MemoryHuey, PriorityRedisHuey, SqliteHuey, crontab
from huey.signals import SIGNAL_ERROR
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.db import immediate_transactions
from app.extensions import db

log = logging.getLogger(__name__)

KEY = "yishi.jobs"
_AFTER_COMMIT = "yishi.jobs.after_commit"
#: URL schemes served by Redis (the same code on several machines)
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


@dataclass
class Jobs:
    """The queue of one app: its Huey, its tasks by name, its periodic jobs in order."""

    huey: Huey
    tasks: dict[str, Any] = field(default_factory=dict)
    periodic: dict[str, Any] = field(default_factory=dict)
    #: "name: error" of each job that raised (a bug: failures to deliver are recorded, not raised)
    errors: list[str] = field(default_factory=list)
    #: job name -> when the run `enqueue_soon` queued last in this process will start
    soon: dict[str, datetime] = field(default_factory=dict)


def queue_name(app: Flask) -> str:
    """The queue's name: one per database, so a job never meets another database's ids."""
    configured = app.config.get("YISHI_QUEUE_NAME")
    if configured:
        return str(configured)
    digest = hashlib.sha1(str(app.config["SQLALCHEMY_DATABASE_URI"]).encode()).hexdigest()
    return f"yishi-{digest[:10]}"


def build_huey(app: Flask) -> Huey:
    """Redis when `YISHI_QUEUE_URL` or `REDIS_URL` names one; else SQLite under instance/."""
    url = str(app.config.get("YISHI_QUEUE_URL") or app.config.get("REDIS_URL") or "")
    name = queue_name(app)
    if url.startswith(REDIS_SCHEMES):
        return PriorityRedisHuey(name, url=url, results=False, blocking=True, read_timeout=1)
    if url == "memory://":
        return MemoryHuey(name, results=False)
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
    elif url:
        raise ValueError(f"YISHI_QUEUE_URL: use redis://, sqlite:/// or memory://, not {url!r}")
    else:
        path = str(Path(app.instance_path) / "jobs.db")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=path, results=False)


def init_app(app: Flask) -> None:
    """Give the app its queue (configured from the environment) and the `flask jobs` commands."""
    from app.jobs.cli import jobs_cli

    app.config.setdefault("YISHI_QUEUE_URL", os.environ.get("YISHI_QUEUE_URL", ""))
    app.config.setdefault("REDIS_URL", os.environ.get("REDIS_URL", ""))
    registry = Jobs(build_huey(app))
    app.extensions[KEY] = registry

    @registry.huey.signal(SIGNAL_ERROR)
    def _record_error(signal: str, task: Any, exc: BaseException | None = None) -> None:
        registry.errors.append(f"{task.name}: {exc!r}")

    app.cli.add_command(jobs_cli)


def jobs(app: Flask | None = None) -> Jobs:
    """The queue of `app` (default: the current app)."""
    target = app if app is not None else current_app
    registry: Jobs = target.extensions[KEY]
    return registry


def _in_app(app: Flask, fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run a job inside an app context; SQLite writers take the write lock up front."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        with app.app_context(), immediate_transactions():
            try:
                return fn(*args, **kwargs)
            finally:
                db.session.remove()

    return run


def task(app: Flask, name: str, fn: Callable[..., Any], **options: Any) -> Any:
    """Register `fn` as the job `name` of the app's queue (Huey task options pass through:
    `priority=` orders the queue, higher first, on SQLite and Redis alike)."""
    registry = jobs(app)
    wrapper = registry.huey.task(name=name, **options)(_in_app(app, fn))
    registry.tasks[name] = wrapper
    return wrapper


def periodic(app: Flask, name: str, fn: Callable[..., Any], when: Any = None) -> Any:
    """Register a periodic job (every minute unless `when`, a Huey `crontab`, says otherwise).

    Periodic jobs are sweeps over the database's state: running one late, or twice, does what
    one run on time would have done. `flask jobs drain` therefore runs each of them once.
    """
    registry = jobs(app)
    wrapper = registry.huey.periodic_task(when or crontab(), name=name)(_in_app(app, fn))
    registry.periodic[name] = wrapper
    return wrapper


def enqueue(name: str, *args: Any, app: Flask | None = None) -> None:
    """Queue the job now (outside a transaction: see `enqueue_after_commit`)."""
    jobs(app).tasks[name](*args)


def schedule(name: str, args: tuple[Any, ...], eta: datetime, app: Flask | None = None) -> None:
    """Queue the job to run at `eta` (an aware datetime)."""
    jobs(app).tasks[name].schedule(args=args, eta=eta)


def enqueue_after_commit(name: str, *args: Any) -> None:
    """Queue the job once the current transaction commits; a rollback queues nothing."""
    session: Session = db.session()
    session.connection()  # the job belongs to this transaction: make sure it has begun
    pending: list[tuple[Flask, str, tuple[Any, ...]]] = session.info.setdefault(_AFTER_COMMIT, [])
    entry = (current_app._get_current_object(), name, args)  # type: ignore[attr-defined]
    if entry not in pending:
        pending.append(entry)


def enqueue_soon(name: str, *, within: timedelta) -> None:
    """Have the job (a sweep, without arguments) run within `within` after the current
    transaction commits, once for all the transactions of that span in this process: many
    small changes, one run. A run is queued only when none queued here starts later than the
    commit, so the run that is waiting always sees the change."""
    enqueue_after_commit(name, _Soon(within))


@dataclass(frozen=True)
class _Soon:
    """The argument-shaped marker of an `enqueue_soon` request (never passed to the job)."""

    within: timedelta


def _queue(app: Flask, name: str, args: tuple[Any, ...]) -> None:
    if not (args and isinstance(args[0], _Soon)):
        enqueue(name, *args, app=app)
        return
    registry, now = jobs(app), datetime.now(UTC)
    if registry.soon.get(name, now) > now:
        return  # a run queued here starts after this commit: it will see the change
    eta = now + args[0].within
    registry.soon[name] = eta
    schedule(name, (), eta, app=app)


def _after_commit(session: Session) -> None:
    """The transaction committed: queue what it asked for (a lost enqueue is swept up later)."""
    for app, name, args in session.info.pop(_AFTER_COMMIT, None) or []:
        try:
            _queue(app, name, args)
        except Exception:  # the queue is down: the periodic sweep finds the work in the database
            log.exception("jobs: could not queue %s%r after the commit", name, args)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    """A root transaction ended without a commit: queue nothing."""
    if transaction.parent is None:
        session.info.pop(_AFTER_COMMIT, None)


def _install() -> None:
    for name, listener in (("after_commit", _after_commit),
                           ("after_transaction_end", _after_transaction_end)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


_install()


def drain(app: Flask, *, max_jobs: int = 1_000_000) -> int:
    """Run every job due now and return how many ran: scheduled jobs whose time has come,
    each periodic job once, then the queue until it is empty (jobs may queue more)."""
    registry = jobs(app)
    huey = registry.huey
    for due in huey.read_schedule():
        huey.enqueue(due)
    for wrapper in registry.periodic.values():
        huey.enqueue(wrapper.s())
    ran = 0
    while ran < max_jobs:
        job = huey.dequeue()
        if job is None:
            later = huey.read_schedule()  # a job may have scheduled another that is due already
            if not later:
                break
            for due in later:
                huey.enqueue(due)
            continue
        huey.execute(job)
        ran += 1
    return ran


__all__ = ["Jobs", "build_huey", "crontab", "drain", "enqueue", "enqueue_after_commit",
           "enqueue_soon", "init_app", "jobs", "periodic", "queue_name", "schedule", "task"]
