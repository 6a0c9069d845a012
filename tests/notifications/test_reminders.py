"""Vote-closing reminders go only to electors who have not taken part (and to the proxies of
those electors) — never to anyone who has — once per offset and deadline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from notifications.models import Delivery, DeliveryState, Notification, NotificationEvent
from tests.notifications.conftest import Servers, channel_config
from tests.notifications.town import (
    ELECTORATE_EMAILS,
    Town,
    agree,
    build,
    get_vote,
    open_town_vote,
    run_jobs,
)
from voting.services import cast_ballot, enter_paper_ballot


def _reminded(kind: str = "vote_closing") -> set[int]:
    return set(db.session.execute(select(Notification.user_id).where(
        Notification.kind == kind)).scalars())


def _mailed(servers: Servers) -> list[str]:
    return sorted(r for m in servers.smtp.received.items
                  if m.message["X-Yishi-Kind"] == "vote_closing" for r in m.recipients)


def test_reminders_reach_only_those_who_have_not_voted(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    vote_id = open_town_vote(town, hours=100)
    vote = get_vote(vote_id)
    cast_ballot(vote, town.user("u01"), agree(vote))
    enter_paper_ballot(vote, town.user("weiyuan"), "P-002", "o02", blank=True)
    db.session.commit()
    run_jobs(nctx)
    assert _reminded() == set()  # 100 hours before the close: nothing yet
    day.shift(timedelta(hours=100 - 72, minutes=1))
    run_jobs(nctx)
    absent = {town.users[n] for n in ("u03", "u04", "u05a", "u05b", "u06", "u07", "u08",
                                      "proxy")}
    assert _reminded() == absent
    assert _mailed(servers) == ["proxy@example.org", "u03@example.org", "u05a@example.org",
                                "u05b@example.org", "u07@example.org"]
    run_jobs(nctx)  # a second sweep of the same moment adds nothing
    assert len(_mailed(servers)) == 5


def test_a_proxy_is_reminded_only_while_its_mandator_has_not_voted(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    vote_id = open_town_vote(town, hours=30)
    vote = get_vote(vote_id)
    cast_ballot(vote, town.user("proxy"), agree(vote), on_behalf_of="o10")
    db.session.commit()
    day.shift(timedelta(hours=30 - 24, minutes=1))
    run_jobs(nctx)
    assert town.users["proxy"] not in _reminded()
    assert town.users["u03"] in _reminded()
    assert "proxy@example.org" not in _mailed(servers)


def test_an_offset_already_past_at_opening_is_not_sent(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    open_town_vote(town, hours=50)  # the 72-hour reminder was never due
    run_jobs(nctx)
    assert _reminded() == set()
    day.shift(timedelta(hours=26, minutes=1))  # 23 hours 59 minutes before the close
    run_jobs(nctx)
    contexts = db.session.execute(select(Notification.body).where(
        Notification.kind == "vote_closing", Notification.user_id == town.users["u03"])
    ).scalars().all()
    assert len(contexts) == 1 and "约 24 小时后" in contexts[0]


def test_a_held_sms_reminder_is_dropped_once_its_owner_votes(
        clock: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    clock.move_to(datetime(2030, 3, 4, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    vote_id = open_town_vote(town, hours=24 + 3)
    clock.shift(timedelta(hours=3, minutes=1))  # 23:01: the 24-hour reminder, in quiet hours
    run_jobs(nctx)
    held = db.session.execute(select(Delivery).join(
        NotificationEvent, NotificationEvent.id == Delivery.event_id).where(
        NotificationEvent.kind == "vote_closing", Delivery.user_id == town.users["u04"],
        Delivery.channel == "sms")).scalar_one()
    assert held.reason == "quiet_hours"
    held_id = held.id
    assert held.state == DeliveryState.PENDING
    vote = get_vote(vote_id)
    cast_ballot(vote, town.user("u04"), agree(vote))
    db.session.commit()
    clock.shift(timedelta(hours=9))  # 08:01: quiet hours are over
    run_jobs(nctx)
    state, reason = db.session.execute(select(Delivery.state, Delivery.reason).where(
        Delivery.id == held_id)).one()
    assert (state, reason) == (DeliveryState.SKIPPED, "obsolete")
    assert [p for p in servers.http.posts("/sms") if p.body["phone"] == "13800000004"
            and p.body["template"] == "YISHI_VOTE_CLOSING"] == []


def test_an_extension_tells_the_electorate_and_reminders_follow_the_new_deadline(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    from app import signals

    vote_id = open_town_vote(town, hours=30)
    day.shift(timedelta(hours=6, minutes=1))
    run_jobs(nctx)
    assert len(_reminded()) == 10  # nobody voted: 9 owner accounts and the proxy
    vote = get_vote(vote_id)
    previous = vote.closes_at
    vote.closes_at = previous + timedelta(hours=48)  # what issue 11's extend_vote will do
    signals.emit(signals.vote_extended, vote=vote, actor=town.user("weiyuan"),
                 previous_closes_at=previous, reason="春节期间延长投票")
    db.session.commit()
    run_jobs(nctx)
    told = db.session.execute(select(Notification.body).where(
        Notification.kind == "vote_extended", Notification.user_id == town.users["u01"])
    ).scalar_one()
    assert "理由：春节期间延长投票" in told
    day.shift(timedelta(hours=48))  # 23 h 59 min before the new deadline
    run_jobs(nctx)
    hours = db.session.execute(select(NotificationEvent.payload).join(
        Notification, Notification.event_id == NotificationEvent.id).where(
        Notification.kind == "vote_closing", Notification.user_id == town.users["u03"])
        .order_by(NotificationEvent.id)).scalars().all()
    # the old deadline's 24 h; the new one's 72 h (due at once after the extension), its 24 h
    assert [h["hours"] for h in hours] == [24, 72, 24]


def test_the_reminder_offsets_are_configurable(
        day: time_machine.Coordinates, custom_app: Callable[..., Flask],
        servers: Servers) -> None:
    app = custom_app(**channel_config(servers), YISHI_REMINDER_HOURS="48, 6")
    with app.app_context():
        town = build()
        open_town_vote(town, hours=50)
        run_jobs(app)
        assert _reminded() == set()
        for hours in (2, 20, 21, 1):  # 48 h, 28 h, 7 h and 6 h before the close
            day.shift(timedelta(hours=hours, minutes=1 if hours == 2 else 0))
            run_jobs(app)
        offsets = db.session.execute(select(NotificationEvent.payload["hours"]).where(
            NotificationEvent.kind == "vote_closing").order_by(NotificationEvent.id)
        ).scalars().all()
        assert [int(h) for h in offsets] == [48, 6]
        assert _mailed(servers) == sorted(ELECTORATE_EMAILS * 2)  # nobody voted: each twice
        db.session.remove()
