"""Meetings through the services: notice boundaries, agenda lock, vote gate, live quorum."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.register.models import Community, Owner
from meetings import services
from meetings.errors import MeetingError
from meetings.models import Meeting, MeetingState
from tests.factories import login
from tests.meetings.helpers import World, at, build, make_proposal, token

MakeCommunity = Callable[..., Community]
MakeUser = Callable[..., User]


def _assembly(world: World, starts_at: datetime, **kw: Any) -> Meeting:
    meeting = services.schedule_meeting(world.community, kind="owners_assembly",
                                        title="2037年第一次业主大会", starts_at=starts_at,
                                        place="会所二楼", actor=world.chair, **kw)
    services.add_agenda_item(meeting, world.proposal, actor=world.chair)
    return meeting


def test_notice_exactly_15_full_days_ok_14_refused(
        rctx: Flask, clock: time_machine.Coordinates, make_community: MakeCommunity,
        make_user: MakeUser) -> None:
    world = build(make_community, make_user)
    # 2037-03-01 10:00 UTC is 18:00 in Beijing; the period runs 2-16 March.
    clock.move_to(at(2037, 3, 1))
    ok = _assembly(world, at(2037, 3, 17, 1))  # 17 March 09:00 Beijing
    services.publish_meeting_notice(ok, actor=world.chair)
    assert ok.state == MeetingState.NOTICED
    short = _assembly(world, at(2037, 3, 16, 1))  # 16 March: 14 full days
    with pytest.raises(MeetingError) as refused:
        services.publish_meeting_notice(short, actor=world.chair)
    assert refused.value.code == "notice_period"
    assert refused.value.params == {"days": 15}
    assert refused.value.message_in("zh") == (
        "通知期不足：业主大会须在会议召开前至少 15 个整日发布通知（自发布次日起算）")
    assert short.notice_published_at is None


def test_temporary_meeting_and_community_setting(
        rctx: Flask, clock: time_machine.Coordinates, make_community: MakeCommunity,
        make_user: MakeUser) -> None:
    world = build(make_community, make_user)
    clock.move_to(at(2037, 3, 1))
    temp = _assembly(world, at(2037, 3, 9, 1), temporary=True)  # 7 full days: 2-8 March
    services.publish_meeting_notice(temp, actor=world.chair)
    assert temp.state == MeetingState.NOTICED
    world.community.notice_days = 20
    longer = _assembly(world, at(2037, 3, 21, 1))
    with pytest.raises(MeetingError) as refused:
        services.publish_meeting_notice(longer, actor=world.chair)
    assert refused.value.params == {"days": 20}


def test_agenda_locked_after_notice(rctx: Flask, make_community: MakeCommunity,
                                    make_user: MakeUser) -> None:
    world = build(make_community, make_user)
    meeting = _assembly(world, utcnow() + timedelta(days=30))
    second = make_proposal(world.community, "燃气管道改造")
    services.add_agenda_item(meeting, second, actor=world.chair)
    services.remove_agenda_item(meeting, second.id, actor=world.chair)
    services.publish_meeting_notice(meeting, actor=world.chair)
    with pytest.raises(MeetingError) as add:
        services.add_agenda_item(meeting, second, actor=world.chair)
    with pytest.raises(MeetingError) as remove:
        services.remove_agenda_item(meeting, world.proposal.id, actor=world.chair)
    assert add.value.code == remove.value.code == "agenda_locked"
    assert [i.proposal_id for i in meeting.agenda] == [world.proposal.id]


def test_assembly_needs_an_agenda(rctx: Flask, make_community: MakeCommunity,
                                  make_user: MakeUser) -> None:
    world = build(make_community, make_user)
    meeting = services.schedule_meeting(world.community, kind="owners_assembly", title="空",
                                        starts_at=utcnow() + timedelta(days=30), place="会所",
                                        actor=world.chair)
    with pytest.raises(MeetingError) as refused:
        services.publish_meeting_notice(meeting, actor=world.chair)
    assert refused.value.code == "empty_agenda"


def test_check_vote_may_open(rctx: Flask, clock: time_machine.Coordinates,
                             make_community: MakeCommunity, make_user: MakeUser) -> None:
    world = build(make_community, make_user)
    closes = at(2037, 4, 30)
    clock.move_to(at(2037, 3, 1))
    services.check_vote_may_open(world.proposal, closes)  # on no assembly's agenda
    meeting = _assembly(world, at(2037, 3, 17, 1))
    with pytest.raises(MeetingError) as unnoticed:
        services.check_vote_may_open(world.proposal, closes)
    assert unnoticed.value.code == "notice_not_published"
    assert unnoticed.value.params == {"title": "2037年第一次业主大会"}
    services.publish_meeting_notice(meeting, actor=world.chair)
    # the last day of the period (16 March, Beijing) is refused, 17 March 00:00 is allowed
    clock.move_to(at(2037, 3, 16, 15))
    with pytest.raises(MeetingError) as early:
        services.check_vote_may_open(world.proposal, closes)
    assert early.value.code == "notice_period"
    assert early.value.params == {"day": "2037-03-17"}
    clock.move_to(at(2037, 3, 16, 16))
    services.check_vote_may_open(world.proposal, closes)
    clock.move_to(at(2037, 3, 17))
    with pytest.raises(MeetingError) as past:
        services.check_vote_may_open(world.proposal, at(2037, 3, 16))
    assert past.value.code == "invalid_closes_at"


def test_live_quorum_by_area_and_headcount(rctx: Flask, make_community: MakeCommunity,
                                           make_user: MakeUser) -> None:
    world = build(make_community, make_user)
    meeting = _assembly(world, utcnow() + timedelta(days=30))
    owners = {o.owner_ref: o for o in db.session.query(Owner).filter_by(
        community_id=world.community.id)}
    services.tick_attendance(meeting, mode="in_person", owner=owners["o1"], actor=world.chair)
    services.tick_attendance(meeting, mode="proxy", owner=owners["o2"], actor=world.chair)
    quorum = services.meeting_quorum(meeting).status
    assert (quorum.present_headcount, quorum.total_headcount) == (2, 4)
    assert quorum.present_area == Decimal("279.50")
    assert not quorum.met
    services.tick_attendance(meeting, mode="online", owner=owners["developer"],
                             actor=world.chair)
    services.tick_attendance(meeting, mode="online", owner=owners["developer"],
                             actor=world.chair)  # ticking twice counts once
    quorum = services.meeting_quorum(meeting).status
    assert quorum.present_headcount == 3
    assert quorum.met
    services.publish_meeting_notice(meeting, actor=world.chair)
    services.mark_held(meeting, actor=world.chair)
    with pytest.raises(MeetingError) as closed:
        services.tick_attendance(meeting, mode="online", owner=owners["o3"], actor=world.chair)
    assert closed.value.code == "attendance_closed"


def test_agenda_routes_refuse_after_notice_and_bad_input(
        client: FlaskClient, make_community: MakeCommunity, make_user: MakeUser) -> None:
    from tests.factories import login

    with client.application.test_request_context("/"):
        world = build(make_community, make_user)
        meeting = _assembly(world, utcnow() + timedelta(days=30))
        second = make_proposal(world.community, "燃气管道改造")
        mid, first, other = meeting.id, world.proposal.id, second.id
        db.session.commit()
    login(client, "spj-chair")
    base = f"/c/spj/meetings/{mid}"
    assert client.post(f"{base}/agenda", data={"proposal_id": "abc"}).status_code == 302
    assert client.post(f"{base}/agenda", data={"proposal_id": "99999"}).status_code == 302
    client.post(f"{base}/notice/publish", data={"confirm": "yes"})
    client.post(f"{base}/agenda", data={"proposal_id": str(other)})
    client.post(f"{base}/agenda/{first}/remove")
    page = client.get(base).get_data(as_text=True)
    assert "议程已锁定" in page and "燃气管道改造" not in page and "电动车充电棚选址" in page
    with client.application.app_context():
        from meetings.models import Meeting

        assert [i.proposal_id for i in db.session.get(Meeting, mid).agenda] == [first]


def test_open_vote_refuses_an_assembly_vote_before_its_notice_period(
        rctx: Flask, make_community: MakeCommunity, make_user: MakeUser) -> None:
    """The gate is wired into voting's open_vote (hooks().open_vote_checks): the meetings
    refusal itself propagates, a DomainError with its code, status and parameters."""
    from voting.services.votes import open_vote

    world = build(make_community, make_user)
    meeting = _assembly(world, utcnow() + timedelta(days=20))
    services.publish_meeting_notice(meeting, actor=world.chair)
    with pytest.raises(MeetingError) as refused:
        open_vote(world.proposal, world.chair, "approve_each", utcnow() + timedelta(days=25))
    assert refused.value.code == "notice_period"
    assert refused.value.status == 409
    assert world.proposal.state.value == "deliberation"


def test_the_vote_api_answers_the_notice_period_refusal(
        client: FlaskClient, make_community: MakeCommunity, make_user: MakeUser) -> None:
    with client.application.test_request_context("/"):
        world = build(make_community, make_user)
        meeting = _assembly(world, utcnow() + timedelta(days=20))
        services.publish_meeting_notice(meeting, actor=world.chair)
        db.session.commit()
        proposal_id = world.proposal.id
    closes = (utcnow() + timedelta(days=25)).isoformat()
    response = client.post(f"/api/v1/proposals/{proposal_id}/votes", headers=token(
        client, "spj-chair"), json={"method": "approve_each", "closes_at": closes})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "notice_period"


def test_a_refused_schedule_is_shown_under_its_field_and_nothing_is_kept(
        client: FlaskClient, make_community: MakeCommunity, make_user: MakeUser) -> None:
    with client.application.test_request_context("/"):
        build(make_community, make_user)
    login(client, "spj-chair")
    past = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/c/spj/meetings/new", data={
        "kind": "deliberation_meeting", "title": "逢四说事", "starts_at": past,
        "place": "社区活动室"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    field = page[page.index('name="starts_at"'):]
    assert field.index("会议时间必须在将来") < field.index('name="place"')  # under its field
    assert db.session.query(Meeting).count() == 0


def test_publishing_the_meeting_notice_goes_through_a_confirmation_page(
        client: FlaskClient, make_community: MakeCommunity, make_user: MakeUser) -> None:
    """The button on the meeting shows the notice as it will be public, that the agenda locks
    and the owners are told; only the confirmed POST from that page publishes (no JS)."""
    with client.application.test_request_context("/"):
        world = build(make_community, make_user)
        mid = _assembly(world, utcnow() + timedelta(days=30)).id
        db.session.commit()
    login(client, "spj-chair")
    base = f"/c/spj/meetings/{mid}"
    page = client.get(base).get_data(as_text=True)
    assert f'<form method="get" action="{base}/notice/publish">' in page  # the button asks
    unconfirmed = client.post(f"{base}/notice/publish")
    assert unconfirmed.status_code == 302
    assert unconfirmed.headers["Location"] == f"{base}/notice/publish"
    confirm = client.get(f"{base}/notice/publish").get_data(as_text=True)
    for text in ("确认发布会议通知", "发布后将公开的内容", "2037年第一次业主大会", "会所二楼",
                 "电动车充电棚选址", "任何人无需登录", "站内信箱收到会议通知",
                 "发布后议程锁定，通知不能修改或撤回", 'name="confirm" type="hidden" value="yes"',
                 "确认发布（锁定议程）", "返回，暂不发布"):
        assert text in confirm, text
    with client.application.app_context():
        assert db.session.get(Meeting, mid).state == MeetingState.DRAFT  # nothing published
    done = client.post(f"{base}/notice/publish", data={"confirm": "yes"})
    assert done.headers["Location"] == base
    with client.application.app_context():
        assert db.session.get(Meeting, mid).state == MeetingState.NOTICED
    assert client.get(f"{base}/notice/publish").headers["Location"] == base  # nothing to ask
