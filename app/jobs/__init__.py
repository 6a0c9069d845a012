"""The task queue: Huey, embedded on SQLite under instance/ or shared through Redis.

- `YISHI_QUEUE_URL` (`redis://...` or `sqlite:///path`) or, failing that, `REDIS_URL` names the
  queue; unset, the queue is a SQLite file at `instance/jobs.db` (no extra server). The task
  code is the same on both.
- A feature registers its jobs in its `init_app`: `task(app, "notifications.fan_out", fn)` and
  `periodic(app, "notifications.sweep", fn, crontab(minute="*"))`. Each runs inside an app
  context of the app that registered it; its writes go through `app.uow.unit_of_work()`.
- `enqueue_after_commit("notifications.fan_out", event_id)` from a service or a signal
  receiver queues the job once the current transaction commits (never inside it: a rollback
  queues nothing, and nothing slow runs in the request). `enqueue_soon(name, within=...)`
  does it once for many small changes: a sweep queued to run seconds later, once per span.
- `flask jobs worker` runs the consumer (threads; `make run` starts it beside gunicorn);
  `flask jobs drain` runs every job due now — queued, scheduled whose time has come, and each
  periodic job once (they are sweeps over the database's state, so one run catches up) — and
  exits (cron, tests).
- A sweep over a growing table keeps its high-water mark in `app.jobs.cursor` (`position`,
  `advance`): in the database, shared by every worker.
"""

from __future__ import annotations

from app.jobs import cursor
from app.jobs.queue import (
    Jobs,
    crontab,
    drain,
    enqueue,
    enqueue_after_commit,
    enqueue_soon,
    init_app,
    jobs,
    periodic,
    schedule,
    task,
)

__all__ = ["Jobs", "crontab", "cursor", "drain", "enqueue", "enqueue_after_commit",
           "enqueue_soon", "init_app", "jobs", "periodic", "schedule", "task"]
