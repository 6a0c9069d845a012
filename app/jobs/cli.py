"""`flask jobs drain` (cron, tests) and `flask jobs worker` (beside gunicorn)."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from app.jobs.queue import drain, jobs

jobs_cli = AppGroup("jobs", help="Background jobs: deliveries, reminders, closing due votes.")


@jobs_cli.command("drain")
def drain_command() -> None:
    """Run every job that is due now, then exit (non-zero only when a job failed with a bug)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    registry = jobs(app)
    registry.errors.clear()
    ran = drain(app)
    click.echo(f"ran {ran} jobs")
    if registry.errors:
        for error in registry.errors:
            click.echo(f"job failed: {error}", err=True)
        raise SystemExit(1)


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
def worker_command(workers: int) -> None:
    """Run the queue's consumer in the foreground (SIGTERM stops it after the running jobs)."""
    from app.jobs.worker import consumer

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(f"jobs worker: queue {jobs(app).huey.name}, {workers} threads")
    consumer(app, workers=workers).run()
