"""Targeted reminders: "remind the outstanding owners of building X" goes through the turnout
service's signal to the notifications fan-out in the worker (the real queue, drained), only
to owners of that building who have not taken part; once per building every 12 hours."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from app.accounts.models import User
from app.db import immediate_transactions
from app.errors import DomainError
from app.extensions import db
from app.register.models import Building
from notifications.models import Delivery, Notification, NotificationEvent
from tests.notifications.conftest import Servers
from tests.notifications.town import Town, agree, get_vote, open_town_vote, run_jobs
from tests.threads import run_in_threads
from turnout.models import TurnoutReminder
from turnout.services import remind_building
from voting.services import cast_ballot


def _building(town: Town, name: str) -> int:
    return db.session.execute(select(Building.id).where(
        Building.community_id == town.community_id, Building.name == name)).scalar_one()


def _reminded() -> set[int]:
    return set(db.session.execute(select(Notification.user_id).where(
        Notification.kind == "turnout_reminder")).scalars())


def test_only_the_buildings_outstanding_owners_are_reminded(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    vote_id = open_town_vote(town, hours=100)
    vote = get_vote(vote_id)
    cast_ballot(vote, town.user("u01"), agree(vote))  # o01 of 1栋 has voted
    db.session.commit()
    run_jobs(nctx)
    vote = get_vote(vote_id)
    reminder = remind_building(vote, town.user("weiyuan"), _building(town, "1栋"))
    assert reminder.recipients == 4  # o02, o03, o04, o05
    db.session.commit()
    run_jobs(nctx)

    expected = {town.users[n] for n in ("u02", "u03", "u04", "u05a", "u05b")}
    assert _reminded() == expected
    mails = sorted(r for m in servers.smtp.received.items
                   if m.message["X-Yishi-Kind"] == "turnout_reminder" for r in m.recipients)
    assert mails == ["u02@example.org", "u03@example.org", "u05a@example.org",
                     "u05b@example.org"]
    sms = [p.body for p in servers.http.posts("/sms") if p.body["template"] ==
           "YISHI_TURNOUT_REMINDER"]
    assert sorted(s["phone"] for s in sms) == ["13800000002", "13800000004"]
    assert all(len(s["text"]) <= 70 and "1栋" in s["text"] for s in sms)
    # the delivery record keeps the event and one row per person and channel
    event = db.session.execute(select(NotificationEvent).where(
        NotificationEvent.kind == "turnout_reminder")).scalar_one()
    assert event.payload["building"] == "1栋"
    assert db.session.execute(select(Delivery).where(Delivery.event_id == event.id)).first()


def test_a_building_is_reminded_at_most_once_in_twelve_hours(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    vote = get_vote(open_town_vote(town, hours=100))
    building = _building(town, "2栋")
    remind_building(vote, town.user("weiyuan"), building)
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        remind_building(vote, town.user("weiyuan"), building)
    assert refused.value.code == "reminder_too_soon" and refused.value.status == 409
    db.session.rollback()
    remind_building(get_vote(vote.id), town.user("weiyuan"), _building(town, "1栋"))  # another
    db.session.commit()
    day.shift(timedelta(hours=12, minutes=1))
    remind_building(get_vote(vote.id), town.user("weiyuan"), building)
    db.session.commit()
    assert len(db.session.execute(select(TurnoutReminder)).scalars().all()) == 3


def test_nobody_is_reminded_once_they_voted_before_the_worker_ran(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    vote_id = open_town_vote(town, hours=100)
    run_jobs(nctx)
    vote = get_vote(vote_id)
    remind_building(vote, town.user("weiyuan"), _building(town, "2栋"))
    cast_ballot(vote, town.user("u06"), agree(vote))  # o06 of 2栋, before the fan-out
    db.session.commit()
    run_jobs(nctx)
    assert town.users["u06"] not in _reminded()
    assert town.users["u07"] in _reminded()
    assert town.users["u01"] not in _reminded()  # 1栋


def test_three_committee_members_at_once_send_one_reminder(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    """The vote's row lock makes "once in 12 hours" hold under concurrency: of three requests
    for the same building at the same moment exactly one is taken, the others are refused."""
    vote_id = open_town_vote(town, hours=100)
    building, actor_id = _building(town, "2栋"), town.users["weiyuan"]
    db.session.commit()
    db.session.remove()

    def remind() -> str:
        # as the remind button's POST runs it: a writing request takes SQLite's write lock
        # up front (app.db.init_app); on PostgreSQL the vote's row lock serialises them
        with nctx.app_context(), immediate_transactions():
            try:
                remind_building(get_vote(vote_id), db.session.get_one(User, actor_id), building)
                db.session.commit()
                return "sent"
            except DomainError as error:
                db.session.rollback()
                return error.code
            finally:
                db.session.remove()

    outcomes = run_in_threads([remind, remind, remind])
    assert sorted(outcomes) == ["reminder_too_soon", "reminder_too_soon", "sent"]
    assert len(db.session.execute(select(TurnoutReminder)).scalars().all()) == 1
    run_jobs(nctx)
    events = db.session.execute(select(NotificationEvent.id).where(
        NotificationEvent.kind == "turnout_reminder")).scalars().all()
    assert len(events) == 1
