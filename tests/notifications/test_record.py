"""The committee's 送达 record: per notice sent, delivered, failed and no contact, with the
gateway's answers, exportable as CSV; the owners no channel reaches are listed for paper."""

from __future__ import annotations

import csv
import io

import time_machine
from flask import Flask
from sqlalchemy import select

from app.accounts.services import issue_api_token
from app.extensions import db
from notifications.models import Delivery, Notification, NotificationEvent
from tests.factories import login
from tests.notifications.conftest import Servers
from tests.notifications.town import Town, fresh_session, open_town_vote, run_jobs


def _vote_event() -> int:
    return db.session.execute(select(NotificationEvent.id).where(
        NotificationEvent.kind == "vote_opened")).scalar_one()


def test_the_record_counts_each_channel_and_who_needs_paper(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    servers.smtp.refuse.add("u07@example.org")
    open_town_vote(town)
    run_jobs(nctx)
    client = nctx.test_client()
    login(client, "weiyuan")
    event_id = _vote_event()
    page = client.get(f"/c/hexie/notifications/{event_id}").get_data(as_text=True)
    assert "已发送 6 · 已送达 0 · 失败 1" in page  # e-mail: 6 accepted, u07 refused
    assert "550 5.1.1 no such mailbox here" in page
    # u08 has no verified contact (the inbox only); the developer, o09 and o10 no account
    assert "无联系方式</dt><dd>1 · 无账户的业主（需纸质送达） 3</dd>" in page
    rows = list(csv.DictReader(io.StringIO(
        client.get(f"/c/hexie/notifications/{event_id}.csv").get_data(as_text=True)
        .lstrip("\ufeff"))))
    failed = [r for r in rows if r["state"] == "failed"]
    assert [(r["owner_ref"], r["channel"], r["address"]) for r in failed] == [
        ("o07", "email", "u07@example.org")]
    paper = [r["owner_ref"] for r in rows if r["state"] == "no_account"]
    assert paper == ["developer", "o09", "o10"]  # the developer is an elector too
    listing = client.get("/c/hexie/notifications").get_data(as_text=True)
    assert f"表决开始 #{event_id}" in listing


def test_reading_the_inbox_is_delivery(nctx: Flask, town: Town, servers: Servers) -> None:
    open_town_vote(town)
    run_jobs(nctx)
    client = nctx.test_client()
    login(client, "u08")
    inbox = client.get("/notifications").get_data(as_text=True)
    assert "表决开始：电动自行车充电棚选址" in inbox
    assert '<span class="count">1</span>' in inbox  # the bell
    note = db.session.execute(select(Notification).where(
        Notification.user_id == town.users["u08"])).scalar_one()
    response = client.post(f"/notifications/{note.id}/read", data={})
    assert response.status_code == 302 and response.headers["Location"] == note.url
    fresh_session()
    state = db.session.execute(select(Delivery.state).where(
        Delivery.user_id == town.users["u08"], Delivery.channel == "inbox")).scalar_one()
    assert state == "delivered"
    assert '<span class="count">' not in client.get("/notifications").get_data(as_text=True)


def test_owners_without_a_verified_contact_are_listed(nctx: Flask, town: Town) -> None:
    client = nctx.test_client()
    login(client, "weiyuan")
    rows = list(csv.reader(io.StringIO(client.get("/c/hexie/notifications/unreached.csv")
                                       .get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["owner_ref", "names", "units", "account"]
    assert [(r[0], r[3]) for r in rows[1:]] == [("o08", "yes"), ("o09", "no"), ("o10", "no")]


def test_both_exports_neutralise_formulas_in_names(nctx: Flask, town: Town,
                                                   servers: Servers) -> None:
    """Register names are typed by people: a formula comes out as text (issue 9, item 3)."""
    town.owner("o09").names = '=HYPERLINK("http://evil.cn","x")'
    town.owner("o10").names = '@SUM(1+1)*cmd|"/C calc"!A0'
    db.session.commit()
    open_town_vote(town)
    run_jobs(nctx)
    event_id = _vote_event()
    client = nctx.test_client()
    login(client, "weiyuan")
    for url, column in (("/c/hexie/notifications/unreached.csv", "names"),
                        (f"/c/hexie/notifications/{event_id}.csv", "name")):
        rows = list(csv.DictReader(io.StringIO(client.get(url).get_data(as_text=True)
                                               .lstrip("\ufeff"))))
        names = {r["owner_ref"]: r[column] for r in rows if r["owner_ref"] in ("o09", "o10")}
        assert names == {"o09": '\'=HYPERLINK("http://evil.cn","x")',
                         "o10": '\'@SUM(1+1)*cmd|"/C calc"!A0'}, url


def test_the_inbox_api(nctx: Flask, town: Town, servers: Servers) -> None:
    open_town_vote(town)
    run_jobs(nctx)
    token = issue_api_token(town.user("u04"))
    db.session.commit()
    client = nctx.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get("/api/v1/me/notifications?unread=1", headers=headers).get_json()
    assert body["unread"] == 1 and body["page"] == 1 and body["pages"] == 1
    item = body["items"][0]
    assert set(item) == {"id", "kind", "title", "body", "url", "created_at", "read_at"}
    assert item["kind"] == "vote_opened" and item["read_at"] is None
    read = client.post(f"/api/v1/me/notifications/{item['id']}/read", headers=headers)
    assert read.status_code == 200 and read.get_json()["id"] == item["id"]
    assert client.get("/api/v1/me/notifications?unread=1", headers=headers).get_json()[
        "items"] == []
    other = {"Authorization": f"Bearer {issue_api_token(town.user('u01'))}"}
    db.session.commit()
    assert client.post(f"/api/v1/me/notifications/{item['id']}/read",
                       headers=other).status_code == 404
    assert client.post("/api/v1/me/notifications/2147483648/read",
                       headers=other).status_code == 404


def test_the_command_line_prints_who_needs_paper_and_an_events_record(
        nctx: Flask, town: Town, servers: Servers) -> None:
    open_town_vote(town)
    run_jobs(nctx)
    event_id = _vote_event()
    db.session.remove()
    runner = nctx.test_cli_runner()
    unreached = runner.invoke(args=["notifications", "unreached", "hexie"])
    assert unreached.exit_code == 0, unreached.output
    rows = list(csv.reader(io.StringIO(unreached.output.lstrip("\ufeff"))))
    assert [r[0] for r in rows[1:]] == ["o08", "o09", "o10"]
    printed = runner.invoke(args=["notifications", "record", str(event_id)])
    assert printed.exit_code == 0, printed.output
    lines = list(csv.DictReader(io.StringIO(printed.output.lstrip("\ufeff"))))
    assert sorted(r["address"] for r in lines if r["channel"] == "email") == [
        "proxy@example.org", "u01@example.org", "u02@example.org", "u03@example.org",
        "u05a@example.org", "u05b@example.org", "u07@example.org"]
    assert runner.invoke(args=["notifications", "unreached", "nowhere"]).exit_code == 1
    assert runner.invoke(args=["notifications", "record", "999999"]).exit_code == 1
