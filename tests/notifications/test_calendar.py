"""Calendars: a meeting noticed is e-mailed with an .ics; a vote's deadline and a meeting
download as .ics; each person has a signed subscription URL."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from icalendar import Calendar

from app.db import utcnow
from app.extensions import db
from meetings.services import add_agenda_item, publish_meeting_notice, schedule_meeting
from notifications.preferences import link_version, renew_links
from notifications.tokens import calendar_token
from tests.factories import login
from tests.notifications.conftest import Servers
from tests.notifications.town import Town, open_town_vote, run_jobs


def _notice_meeting(town: Town) -> int:
    meeting = schedule_meeting(town.community(), kind="owners_assembly", title="第二次业主大会",
                               starts_at=utcnow() + timedelta(days=20), place="小区会所",
                               actor=town.user("weiyuan"))
    add_agenda_item(meeting, town.proposal(), actor=town.user("weiyuan"))
    publish_meeting_notice(meeting, actor=town.user("weiyuan"))
    db.session.commit()
    return meeting.id


def test_a_meeting_notice_reaches_every_owner_with_its_ics(nctx: Flask, town: Town,
                                                          servers: Servers) -> None:
    meeting_id = _notice_meeting(town)
    run_jobs(nctx)
    mails = [m for m in servers.smtp.received.items
             if m.message["X-Yishi-Kind"] == "meeting_noticed"]
    assert sorted(r for m in mails for r in m.recipients) == [
        "u01@example.org", "u02@example.org", "u03@example.org", "u05a@example.org",
        "u05b@example.org", "u07@example.org"]
    ics = next(p for p in mails[0].message.walk() if p.get_content_type() == "text/calendar")
    event = Calendar.from_ical(ics.get_payload(decode=True)).walk("VEVENT")[0]
    assert str(event["UID"]) == f"meeting-{meeting_id}@yishi"
    assert str(event["SUMMARY"]) == "第二次业主大会"
    assert str(event["LOCATION"]) == "小区会所"


def test_downloads_and_the_signed_feed(nctx: Flask, town: Town) -> None:
    vote_id = open_town_vote(town)
    meeting_id = _notice_meeting(town)
    client = nctx.test_client()
    login(client, "u01")
    deadline = client.get(f"/c/hexie/votes/{vote_id}/deadline.ics")
    assert deadline.mimetype == "text/calendar"
    assert b"SUMMARY:\xe8\xa1\xa8\xe5\x86\xb3\xe6\x88\xaa\xe6\xad\xa2" in deadline.data
    assert client.get(f"/c/hexie/meetings/{meeting_id}/meeting.ics").status_code == 200
    token = calendar_token(town.users["u01"], link_version(town.users["u01"]))
    feed = nctx.test_client().get(f"/notifications/calendar/{token}.ics")
    uids = sorted(str(e["UID"]) for e in Calendar.from_ical(feed.data).walk("VEVENT"))
    assert uids == [f"meeting-{meeting_id}@yishi", f"vote-{vote_id}-closes@yishi"]
    renew_links(town.user("u01"))
    db.session.commit()
    assert nctx.test_client().get(f"/notifications/calendar/{token}.ics").status_code == 404


def test_a_committee_meeting_tells_the_committee_and_a_deliberation_meeting_every_member(
        nctx: Flask, town: Town, servers: Servers) -> None:
    from sqlalchemy import select

    from notifications.models import Notification

    for kind, title in (("committee_meeting", "业委会例会"), ("deliberation_meeting", "逢四说事")):
        meeting = schedule_meeting(town.community(), kind=kind, title=title,
                                   starts_at=utcnow() + timedelta(days=5), place="会所",
                                   actor=town.user("weiyuan"))
        publish_meeting_notice(meeting, actor=town.user("weiyuan"))
    db.session.commit()
    run_jobs(nctx)
    told = {title: sorted(db.session.execute(select(Notification.user_id).where(
        Notification.kind == "meeting_noticed", Notification.title == f"会议通知：{title}"))
        .scalars()) for title in ("业委会例会", "逢四说事")}
    assert told["业委会例会"] == [town.users["weiyuan"]]
    assert told["逢四说事"] == sorted(town.users.values())  # owners, the resident, the committee
