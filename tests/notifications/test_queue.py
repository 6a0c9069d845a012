"""The task queue: a real consumer (worker threads) on SQLite and on Redis delivers a vote's
opening to every verified mailbox once; `flask jobs drain` runs what is due and exits 0;
nothing is queued by a transaction that rolls back."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import time_machine
from flask import Flask
from sqlalchemy import func, select

from app.accounts.services import issue_api_token
from app.db import utcnow
from app.extensions import db
from app.jobs import drain, enqueue_after_commit, jobs, schedule, task
from app.jobs.worker import running
from notifications.models import Delivery, DeliveryState, Notification
from tests.notifications.conftest import Servers, channel_config
from tests.notifications.town import ELECTORATE_EMAILS, build, open_town_vote
from voting.models import Vote, VoteState


def _vote_mail_recipients(servers: Servers) -> list[str]:
    return sorted(r for m in servers.smtp.received.items
                  if m.message["X-Yishi-Kind"] == "vote_opened" for r in m.recipients)


def test_a_real_worker_delivers_a_vote_opening_once(
        custom_app: Callable[..., Flask], servers: Servers,
        queue_config: dict[str, str]) -> None:
    app = custom_app(**channel_config(servers), **queue_config)
    with app.app_context():
        town = build()
        token = issue_api_token(town.user("weiyuan"))
        db.session.commit()
        db.session.remove()
    with running(app, workers=2):
        response = app.test_client().post(
            f"/api/v1/proposals/{town.proposal_id}/votes",
            json={"method": "approve_each", "closes_at": "2099-01-01T00:00:00+08:00"},
            headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 201
        # every mail the worker owes: the vote's opening to each mailbox and the proxy's mandate
        # e-mail (queued by build() before the worker started); the graceful stop then lets the
        # job that sent the last one record its delivery before we count
        servers.smtp.received.wait_for(
            lambda mails: len(mails) >= len(ELECTORATE_EMAILS) + 1)
    assert _vote_mail_recipients(servers) == ELECTORATE_EMAILS
    with app.app_context():
        inboxes = db.session.execute(select(func.count(Notification.id)).where(
            Notification.kind == "vote_opened")).scalar_one()
        sent = db.session.execute(select(func.count(Delivery.id)).where(
            Delivery.channel == "email", Delivery.state == DeliveryState.SENT)).scalar_one()
        db.session.remove()
    assert inboxes == 10
    assert sent == len(ELECTORATE_EMAILS) + 1  # and the proxy's mandate e-mail
    assert jobs(app).errors == []


def test_drain_runs_due_jobs_and_leaves_later_ones(custom_app: Callable[..., Flask],
                                                   queue_config: dict[str, str],
                                                   clock: time_machine.Coordinates) -> None:
    app = custom_app(**queue_config)
    ran: list[str] = []
    task(app, "test.record", ran.append)
    with app.app_context():
        schedule("test.record", ("later",), eta=utcnow() + timedelta(hours=1))
        jobs(app).tasks["test.record"]("now")
    drain(app)
    assert ran == ["now"]
    clock.shift(timedelta(hours=2))
    drain(app)
    assert ran == ["now", "later"]


def test_a_rolled_back_transaction_queues_nothing(custom_app: Callable[..., Flask]) -> None:
    app = custom_app()
    ran: list[int] = []
    task(app, "test.count", ran.append)
    with app.app_context():
        enqueue_after_commit("test.count", 1)
        db.session.rollback()
        enqueue_after_commit("test.count", 2)
        db.session.commit()
        db.session.remove()
    drain(app)
    assert ran == [2]


def test_flask_jobs_drain_runs_the_fan_out_and_exits_zero(napp: Flask, servers: Servers) -> None:
    with napp.app_context():
        open_town_vote(build())
        db.session.remove()
    result = napp.test_cli_runner().invoke(args=["jobs", "drain"])
    assert result.exit_code == 0, result.output
    assert _vote_mail_recipients(servers) == ELECTORATE_EMAILS
    again = napp.test_cli_runner().invoke(args=["jobs", "drain"])
    assert again.exit_code == 0
    assert _vote_mail_recipients(servers) == ELECTORATE_EMAILS


def test_the_periodic_job_closes_due_votes(napp: Flask, servers: Servers,
                                           clock: time_machine.Coordinates) -> None:
    with napp.app_context():
        vote_id = open_town_vote(build(), hours=1)
        db.session.remove()
    clock.shift(timedelta(hours=2))
    drain(napp)
    with napp.app_context():
        vote = db.session.get(Vote, vote_id)
        assert vote is not None and vote.state == VoteState.CLOSED
        assert vote.closed_by_id is None
        db.session.remove()


def test_redis_url_alone_shares_the_queue_between_machines(
        custom_app: Callable[..., Flask], servers: Servers) -> None:
    from huey import RedisHuey

    from tests.notifications.conftest import REDIS_URL, redis_cleanup

    name = f"yishi-test-{uuid.uuid4().hex[:10]}"
    shared = {**channel_config(servers), "YISHI_QUEUE_URL": "", "REDIS_URL": REDIS_URL,
              "YISHI_QUEUE_NAME": name}
    web, worker = custom_app(**shared), custom_app(**shared)  # two machines, one Redis
    try:
        assert isinstance(jobs(web).huey, RedisHuey)
        with web.app_context():
            open_town_vote(build())
            db.session.remove()
        assert jobs(web).huey.pending_count() >= 1  # the fan-out waits in Redis
        assert drain(worker) > 0
        assert _vote_mail_recipients(servers) == ELECTORATE_EMAILS
        assert jobs(web).huey.pending_count() == 0 and jobs(worker).errors == []
    finally:
        redis_cleanup(name)
