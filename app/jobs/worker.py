"""The consumer: Huey's workers (threads) and its scheduler, in the foreground or embedded."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from huey.consumer import Consumer

from app.jobs.queue import jobs


class EmbeddedConsumer(Consumer):
    """A consumer started from another thread (tests): it leaves the signal handlers alone."""

    def _set_signal_handlers(self) -> None:
        """Signals belong to the process that embeds the consumer."""


def consumer(app: Flask, *, workers: int = 2, embedded: bool = False) -> Consumer:
    """A consumer of the app's queue with `workers` threads and the periodic scheduler."""
    kind = EmbeddedConsumer if embedded else Consumer
    # SIGTERM (what `make run`, systemd and gunicorn's supervisors send) lets the running jobs
    # finish; a background job of a shell ignores SIGINT, so SIGINT stops at once
    return kind(jobs(app).huey, workers=workers, worker_type="thread", periodic=True,
                initial_delay=0.05, backoff=1.5, max_delay=1.0, scheduler_interval=1,
                check_worker_health=True, graceful_signal="TERM", shutdown_timeout=30)


@contextmanager
def running(app: Flask, *, workers: int = 2) -> Iterator[Consumer]:
    """Run a consumer beside the caller until the block ends (then stop it gracefully)."""
    embedded = consumer(app, workers=workers, embedded=True)
    embedded.start()
    try:
        yield embedded
    finally:
        embedded.stop(graceful=True)
