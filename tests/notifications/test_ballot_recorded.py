"""Whenever a ballot is recorded in an owner's name — by them, a proxy or a paper entry — every
account linked to that owner hears of it, with the receipt, the channel and what to do if it
was not them; nobody else does."""

from __future__ import annotations

import time_machine
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from notifications.models import Notification, NotificationEvent
from tests.notifications.conftest import Servers
from tests.notifications.town import PDF, Town, agree, get_vote, open_town_vote, run_jobs
from voting.models import Ballot
from voting.services import cast_ballot, create_mandate, enter_paper_ballot, resolve_conflict


def _told() -> list[tuple[int, str]]:
    return sorted(db.session.execute(select(Notification.user_id, Notification.body).where(
        Notification.kind == "ballot_recorded")).all())


def test_a_paper_ballot_in_an_owners_name_tells_both_co_owners(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    vote_id = open_town_vote(town)
    ballot = enter_paper_ballot(get_vote(vote_id), town.user("weiyuan"), "P-005", "o05",
                                blank=True)
    receipt = ballot.receipt
    db.session.commit()
    run_jobs(nctx)
    told = _told()
    assert [user for user, _ in told] == sorted([town.users["u05a"], town.users["u05b"]])
    assert "纸质选票（业委会录入）" in told[0][1]
    assert receipt in told[0][1]
    assert "如果这不是您本人或您委托的代理人所为，请立即联系业委会。" in told[0][1]
    mails = [m for m in servers.smtp.received.items
             if m.message["X-Yishi-Kind"] == "ballot_recorded"]
    assert sorted(r for m in mails for r in m.recipients) == ["u05a@example.org",
                                                              "u05b@example.org"]
    assert mails[0].message["X-Yishi-Vote"] == str(vote_id)


def test_a_proxy_ballot_tells_the_owner_not_the_proxy(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    vote_id = open_town_vote(town)
    vote = get_vote(vote_id)
    cast_ballot(vote, town.user("proxy"), agree(vote), on_behalf_of="o10")
    db.session.commit()
    run_jobs(nctx)
    assert _told() == []  # o10 has no account: the record shows it, nobody can be told
    mails = [m for m in servers.smtp.received.items
             if m.message["X-Yishi-Kind"] == "ballot_recorded"]
    assert mails == []


def test_an_owners_own_ballot_and_its_sms(day: time_machine.Coordinates, nctx: Flask,
                                          town: Town, servers: Servers) -> None:
    vote_id = open_town_vote(town)
    vote = get_vote(vote_id)
    ballot = cast_ballot(vote, town.user("u02"), agree(vote))
    receipt = ballot.receipt
    db.session.commit()
    run_jobs(nctx)
    sms = [p.body for p in servers.http.posts("/sms") if p.body["template"] ==
           "YISHI_BALLOT_RECORDED"]
    assert [s["phone"] for s in sms] == ["13800000002"]
    assert sms[0]["text"] == ("【议事】您名下《电动自行车充电棚选址》选票已记录（网上），"
                              f"回执{receipt}，非本人请联系业委会")
    assert len(sms[0]["text"]) <= 70


def test_resolving_a_conflict_tells_the_owner_which_ballot_counts(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    vote_id = open_town_vote(town)
    vote = get_vote(vote_id)
    cast_ballot(vote, town.user("u03"), agree(vote))
    conflict = enter_paper_ballot(vote, town.user("weiyuan"), "P-003", "o03", blank=True)
    db.session.commit()
    resolve_conflict(conflict, town.user("weiyuan"), "held", "业主到场确认纸质票")
    db.session.commit()
    kept = db.session.execute(select(Ballot.receipt).where(Ballot.vote_id == vote_id)
                              ).scalar_one()
    run_jobs(nctx)
    told = db.session.execute(select(NotificationEvent.key, Notification.body)
                              .join(Notification, Notification.event_id == NotificationEvent.id)
                              .where(Notification.kind == "ballot_recorded",
                                     Notification.user_id == town.users["u03"])).all()
    assert len(told) == 3  # online, the held paper one (swept), and the resolution
    resolution = [body for key, body in told if key is None]  # told in its own transaction
    assert len(resolution) == 1
    assert "纸质选票（业委会录入）" in resolution[0]
    assert kept in resolution[0]


def test_a_proxy_ballot_tells_the_mandators_accounts_that_a_proxy_cast_it(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    vote_id = open_town_vote(town)
    create_mandate(town.community(), town.user("weiyuan"), town.owner("o03"),
                   town.user("proxy"), PDF, vote=get_vote(vote_id))
    vote = get_vote(vote_id)
    receipt = cast_ballot(vote, town.user("proxy"), agree(vote), on_behalf_of="o03").receipt
    db.session.commit()
    run_jobs(nctx)
    told = _told()
    assert [user for user, _ in told] == [town.users["u03"]]  # not the proxy who cast it
    assert "方式：代理人投票" in told[0][1] and receipt in told[0][1]
    assert "如果这不是您本人或您委托的代理人所为，请立即联系业委会。" in told[0][1]
    mails = [m for m in servers.smtp.received.items
             if m.message["X-Yishi-Kind"] == "ballot_recorded"]
    assert [r for m in mails for r in m.recipients] == ["u03@example.org"]
