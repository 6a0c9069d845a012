"""A vote opened in a demo-like community reaches the inbox of every account of the electorate
and its proxies, and the mailbox of every one with a verified e-mail — exactly once, even when
the jobs run twice or a worker dies between its claim and the send."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import time_machine
from flask import Flask
from sqlalchemy import func, select

from app.accounts.services import issue_api_token
from app.extensions import db
from app.uow import unit_of_work
from notifications import fanout
from notifications.delivery import claim, deliver, recover_interrupted
from notifications.kinds import get_kind
from notifications.models import (
    ChannelName,
    Delivery,
    DeliveryState,
    Notification,
    NotificationEvent,
)
from tests.notifications.conftest import Servers
from tests.notifications.town import ELECTORATE_EMAILS, Town, open_town_vote, run_jobs


def test_opening_a_vote_sends_nothing_inside_the_request(nctx: Flask, town: Town,
                                                         servers: Servers) -> None:
    token = issue_api_token(town.user("weiyuan"))
    db.session.commit()
    response = nctx.test_client().post(
        f"/api/v1/proposals/{town.proposal_id}/votes",
        json={"method": "approve_each", "closes_at": "2099-01-01T00:00:00+08:00"},
        headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201
    db.session.remove()
    assert db.session.execute(select(func.count(Delivery.id))).scalar_one() == 0
    assert db.session.execute(select(NotificationEvent.kind)).scalars().all() == [
        "mandate_granted", "vote_opened"]
    assert servers.smtp.received.items == []


def test_vote_opened_reaches_every_inbox_and_verified_mailbox(nctx: Flask, town: Town,
                                                              servers: Servers) -> None:
    vote_id = open_town_vote(town)
    run_jobs(nctx)
    inboxes = db.session.execute(
        select(Notification.user_id).where(Notification.kind == "vote_opened")).scalars().all()
    expected = {town.users[n] for n in ("u01", "u02", "u03", "u04", "u05a", "u05b", "u06",
                                        "u07", "u08", "proxy")}
    assert set(inboxes) == expected and len(inboxes) == len(expected)
    opened = [m for m in servers.smtp.received.items
              if m.message["X-Yishi-Kind"] == "vote_opened"]
    assert sorted(r for m in opened for r in m.recipients) == ELECTORATE_EMAILS
    mail: EmailMessage = opened[0].message
    assert mail["X-Yishi-Vote"] == str(vote_id)
    assert mail["List-Unsubscribe"].startswith("<https://yishi.test/notifications/unsubscribe/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["Subject"] == "表决开始：电动自行车充电棚选址"
    parts = {part.get_content_type() for part in mail.walk()}
    assert {"text/plain", "text/html", "text/calendar"} <= parts
    plain = mail.get_body(("plain",))
    assert plain is not None and f"https://yishi.test/c/hexie/votes/{vote_id}/ballot" in \
        plain.get_content()
    ics = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
    assert b"UID:vote-%d-closes@yishi" % vote_id in ics.get_payload(decode=True)


def test_the_committee_gets_no_vote_mail_it_is_not_in_the_electorate(
        nctx: Flask, town: Town, servers: Servers) -> None:
    open_town_vote(town)
    run_jobs(nctx)
    assert servers.mails_to("weiyuan@example.org") == []


def test_running_the_jobs_twice_sends_each_message_once(nctx: Flask, town: Town,
                                                        servers: Servers) -> None:
    open_town_vote(town)
    event_id = db.session.execute(select(NotificationEvent.id).where(
        NotificationEvent.kind == "vote_opened")).scalar_one()
    db.session.remove()
    assert fanout.fan_out(event_id) == 10
    db.session.execute(NotificationEvent.__table__.update().values(fanned_out_at=None))
    db.session.commit()
    db.session.remove()
    assert fanout.fan_out(event_id) == 10  # a second fan-out adds no row
    deliver(event_id, "email")
    deliver(event_id, "email")
    run_jobs(nctx)
    counted = [r for m in servers.smtp.received.items
               if m.message["X-Yishi-Kind"] == "vote_opened" for r in m.recipients]
    assert sorted(counted) == ELECTORATE_EMAILS
    rows = db.session.execute(select(func.count(Delivery.id)).where(
        Delivery.event_id == event_id, Delivery.channel == ChannelName.EMAIL)).scalar_one()
    assert rows == len(ELECTORATE_EMAILS)


def test_a_worker_killed_between_claim_and_send_never_causes_a_second_send(
        nctx: Flask, town: Town, servers: Servers, clock: time_machine.Coordinates) -> None:
    open_town_vote(town)
    event_id = db.session.execute(select(NotificationEvent.id).where(
        NotificationEvent.kind == "vote_opened")).scalar_one()
    db.session.remove()
    fanout.fan_out(event_id)
    event = db.session.get(NotificationEvent, event_id)
    with unit_of_work():  # a worker claims two e-mails, then dies before calling SMTP
        stolen = claim(event_id, ChannelName.EMAIL, get_kind("vote_opened"), event, limit=2)
    assert len(stolen) == 2
    db.session.remove()
    run_jobs(nctx)
    run_jobs(nctx)
    lost = {c.address for c in stolen}
    counted = sorted(r for m in servers.smtp.received.items
                     if m.message["X-Yishi-Kind"] == "vote_opened" for r in m.recipients)
    assert counted == sorted(set(ELECTORATE_EMAILS) - lost)
    clock.shift(timedelta(minutes=11))
    assert recover_interrupted() == 2
    states = dict(db.session.execute(select(Delivery.address, Delivery.state).where(
        Delivery.event_id == event_id, Delivery.address.in_(lost))).all())
    assert set(states.values()) == {DeliveryState.FAILED}
    run_jobs(nctx)
    assert len(servers.smtp.received.items) == len(counted) + 1  # + the mandate mail


def test_each_person_hears_in_their_own_language(day: time_machine.Coordinates, nctx: Flask,
                                                 town: Town, servers: Servers) -> None:
    for name in ("u02", "u03"):
        town.user(name).locale = "en"
    db.session.commit()
    open_town_vote(town)
    run_jobs(nctx)
    english = next(m.message for m in servers.mails_to("u03@example.org")
                   if m.message["X-Yishi-Kind"] == "vote_opened")
    assert english["Subject"] == "Vote opened: 电动自行车充电棚选址"
    assert english["Content-Language"] == "en"
    html = english.get_body(("html",))
    assert html is not None and '<html lang="en">' in html.get_content()
    assert "View in Yishi" in html.get_content()
    chinese = next(m.message for m in servers.mails_to("u01@example.org")
                   if m.message["X-Yishi-Kind"] == "vote_opened")
    assert chinese["Subject"] == "表决开始：电动自行车充电棚选址"
    assert chinese["Content-Language"] == "zh-CN"
    assert "在议事中查看" in chinese.get_body(("html",)).get_content()
    titles = dict(db.session.execute(select(Notification.user_id, Notification.title).where(
        Notification.kind == "vote_opened")).all())
    assert titles[town.users["u03"]] == "Vote opened: 电动自行车充电棚选址"
    assert titles[town.users["u04"]] == "表决开始：电动自行车充电棚选址"
    sms = {p.body["phone"]: p.body for p in servers.http.posts("/sms")}
    assert sms["13800000002"]["lang"] == "en" and "open till" in sms["13800000002"]["text"]
    assert sms["13800000004"]["lang"] == "zh" and "开始表决" in sms["13800000004"]["text"]
