"""The ballots are their own outbox: a ballot's transaction writes no notice; a job reads the
ballot versions recorded since its last run (re-reading a lag window for late commits) and
tells each receipt exactly once, seconds after the ballot (queued once per span) and every
minute as a sweep."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from flask import Flask
from huey.api import Task
from sqlalchemy import func, select

from app.db import utcnow
from app.extensions import db
from app.jobs import cursor, jobs
from notifications.ballots import JOB, LAG, SOON, SOON_JOB, notice_ballots
from notifications.models import Notification, NotificationEvent
from tests.notifications.conftest import Servers
from tests.notifications.town import Town, agree, fresh_session, get_vote, open_town_vote, run_jobs
from voting.services import cast_ballot


def _events() -> list[tuple[str | None, str]]:
    fresh_session()
    return sorted(db.session.execute(select(NotificationEvent.key, NotificationEvent.subject)
                                     .where(NotificationEvent.kind == "ballot_recorded")).all())


def _soon_runs(app: Flask) -> list[Task]:
    """The queued runs of the soon job (Huey queues a task with an eta; a worker holds it)."""
    huey = jobs(app).huey
    return [t for t in huey.pending() + huey.scheduled() if t.name == SOON_JOB]


def _cast(vote_id: int, town: Town, username: str) -> str:
    vote = get_vote(vote_id)
    receipt = cast_ballot(vote, town.user(username), agree(vote)).receipt
    db.session.commit()
    return receipt


def test_a_ballots_transaction_writes_no_notice_the_job_tells_it_once(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    vote_id = open_town_vote(town)
    receipt = _cast(vote_id, town, "u02")
    assert _events() == []  # nothing in the ballot's own transaction
    run_jobs(nctx)
    assert _events() == [(f"ballot_recorded:{receipt}", f"vote:{vote_id}")]
    told = db.session.execute(select(Notification.user_id, Notification.body).where(
        Notification.kind == "ballot_recorded")).all()
    assert [user for user, _ in told] == [town.users["u02"]] and receipt in told[0][1]
    assert notice_ballots() == 0  # a second run, or a second worker, tells nobody again
    run_jobs(nctx)
    assert len(_events()) == 1


def test_a_changed_ballot_tells_each_version(day: time_machine.Coordinates, nctx: Flask,
                                            town: Town, servers: Servers) -> None:
    vote_id = open_town_vote(town)
    first = _cast(vote_id, town, "u03")
    day.shift(timedelta(seconds=1))
    second = _cast(vote_id, town, "u03")  # changed before any run: the first is a revision
    run_jobs(nctx)
    assert [key for key, _ in _events()] == sorted(
        [f"ballot_recorded:{first}", f"ballot_recorded:{second}"])
    bodies = db.session.execute(select(Notification.body).where(
        Notification.user_id == town.users["u03"], Notification.kind == "ballot_recorded")
        .order_by(Notification.event_id)).scalars().all()
    assert first in bodies[0] and second in bodies[1]


def test_ballots_queue_one_run_seconds_later_per_span(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    vote_id = open_town_vote(town)
    _cast(vote_id, town, "u01")
    _cast(vote_id, town, "u02")
    runs = _soon_runs(nctx)
    assert len(runs) == 1  # the second ballot is seen by the run already waiting
    day.shift(SOON + timedelta(seconds=1))
    fresh_session()
    jobs(nctx).huey.execute(runs[0])  # only that run: it tells both
    assert len(_events()) == 2
    _cast(vote_id, town, "u03")  # later than the last run's start: a new one
    assert len(_soon_runs(nctx)) == 2


def test_the_job_rereads_the_lag_window_before_its_mark(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    vote_id = open_town_vote(town)
    day.shift(timedelta(minutes=10))  # the window reaches back past nothing the vote forbids
    start = utcnow()
    _cast(vote_id, town, "u01")
    run_jobs(nctx)
    mark = cursor.position(JOB)
    assert mark == start  # the time of its read
    # a ballot whose transaction began before that run and committed after it
    day.move_to(mark - LAG + timedelta(seconds=1))
    late = _cast(vote_id, town, "u02")
    # and one that claims to be older than the window (no request runs that long)
    day.move_to(mark - LAG - timedelta(seconds=1))
    too_old = _cast(vote_id, town, "u03")
    day.move_to(mark + timedelta(minutes=1))
    run_jobs(nctx)
    keys = {key for key, _ in _events()}
    assert f"ballot_recorded:{late}" in keys
    assert f"ballot_recorded:{too_old}" not in keys
    assert db.session.scalar(select(func.count(NotificationEvent.id))
                             .where(NotificationEvent.kind == "ballot_recorded")) == 2
