"""Meetings through the services: notice boundaries, agenda lock, vote gate, live quorum."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from app.db import utcnow
from app.extensions import db
from app.register.models import Owner
from meetings import services
from meetings.errors import MeetingError
from meetings.models import MeetingState
from tests.meetings.helpers import at, build, make_proposal


def _assembly(world, starts_at, **kw):  # noqa: ANN001, ANN202
    meeting = services.schedule_meeting(world.community, kind="owners_assembly",
                                        title="2037年第一次业主大会", starts_at=starts_at,
                                        place="会所二楼", actor=world.chair, **kw)
    services.add_agenda_item(meeting, world.proposal, actor=world.chair)
    return meeting


def test_notice_exactly_15_full_days_ok_14_refused(rctx, make_community, make_user) -> None:  # noqa: ANN001
    world = build(make_community, make_user)
    # 2037-03-01 10:00 UTC is 18:00 in Beijing; the period runs 2-16 March.
    ok = _assembly(world, at(2037, 3, 17, 1))  # 17 March 09:00 Beijing
    services.publish_notice(ok, actor=world.chair, now=at(2037, 3, 1))
    assert ok.state == MeetingState.NOTICED
    short = _assembly(world, at(2037, 3, 16, 1))  # 16 March: 14 full days
    with pytest.raises(MeetingError) as refused:
        services.publish_notice(short, actor=world.chair, now=at(2037, 3, 1))
    assert refused.value.code == "notice_period"
    assert short.notice_published_at is None


def test_temporary_meeting_and_community_setting(rctx, make_community, make_user) -> None:  # noqa: ANN001
    world = build(make_community, make_user)
    temp = _assembly(world, at(2037, 3, 9, 1), temporary=True)  # 7 full days: 2-8 March
    services.publish_notice(temp, actor=world.chair, now=at(2037, 3, 1))
    world.community.notice_days = 20
    longer = _assembly(world, at(2037, 3, 21, 1))
    with pytest.raises(MeetingError):
        services.publish_notice(longer, actor=world.chair, now=at(2037, 3, 1))


def test_agenda_locked_after_notice(rctx, make_community, make_user) -> None:  # noqa: ANN001
    world = build(make_community, make_user)
    meeting = _assembly(world, utcnow() + timedelta(days=30))
    second = make_proposal(world.community, "燃气管道改造")
    services.add_agenda_item(meeting, second, actor=world.chair)
    services.remove_agenda_item(meeting, second.id, actor=world.chair)
    services.publish_notice(meeting, actor=world.chair)
    with pytest.raises(MeetingError) as add:
        services.add_agenda_item(meeting, second, actor=world.chair)
    with pytest.raises(MeetingError) as remove:
        services.remove_agenda_item(meeting, world.proposal.id, actor=world.chair)
    assert add.value.code == remove.value.code == "agenda_locked"
    assert [i.proposal_id for i in meeting.agenda] == [world.proposal.id]


def test_assembly_needs_an_agenda(rctx, make_community, make_user) -> None:  # noqa: ANN001
    world = build(make_community, make_user)
    meeting = services.schedule_meeting(world.community, kind="owners_assembly", title="空",
                                        starts_at=utcnow() + timedelta(days=30), place="会所",
                                        actor=world.chair)
    with pytest.raises(MeetingError) as refused:
        services.publish_notice(meeting, actor=world.chair)
    assert refused.value.code == "empty_agenda"


def test_check_vote_may_open(rctx, make_community, make_user) -> None:  # noqa: ANN001
    world = build(make_community, make_user)
    closes = at(2037, 4, 30)
    services.check_vote_may_open(world.proposal, closes, now=at(2037, 3, 1))  # no assembly
    meeting = _assembly(world, at(2037, 3, 17, 1))
    with pytest.raises(MeetingError) as unnoticed:
        services.check_vote_may_open(world.proposal, closes, now=at(2037, 3, 1))
    assert unnoticed.value.code == "notice_not_published"
    services.publish_notice(meeting, actor=world.chair, now=at(2037, 3, 1))
    # the last day of the period (16 March, Beijing) is refused, 17 March 00:00 is allowed
    with pytest.raises(MeetingError) as early:
        services.check_vote_may_open(world.proposal, closes, now=at(2037, 3, 16, 15))
    assert early.value.code == "notice_period"
    services.check_vote_may_open(world.proposal, closes, now=at(2037, 3, 16, 16))
    with pytest.raises(MeetingError):
        services.check_vote_may_open(world.proposal, at(2037, 3, 16), now=at(2037, 3, 17))


def test_live_quorum_by_area_and_headcount(rctx, make_community, make_user) -> None:  # noqa: ANN001
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
    assert quorum.present_headcount == 3 and quorum.met
    services.publish_notice(meeting, actor=world.chair)
    services.mark_held(meeting, actor=world.chair)
    with pytest.raises(MeetingError):
        services.tick_attendance(meeting, mode="online", owner=owners["o3"], actor=world.chair)


def test_agenda_routes_refuse_after_notice_and_bad_input(client, make_community,
                                                         make_user) -> None:  # noqa: ANN001
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
    client.post(f"{base}/notice")
    client.post(f"{base}/agenda", data={"proposal_id": str(other)})
    client.post(f"{base}/agenda/{first}/remove")
    page = client.get(base).get_data(as_text=True)
    assert "议程已锁定" in page and "燃气管道改造" not in page and "电动车充电棚选址" in page
    with client.application.app_context():
        from meetings.models import Meeting

        assert [i.proposal_id for i in db.session.get(Meeting, mid).agenda] == [first]


def test_open_vote_refuses_an_assembly_vote_before_its_notice_period(  # noqa: ANN001
    rctx, make_community, make_user
) -> None:
    """The gate is wired into voting's open_vote, not only callable on its own."""
    from voting.services.common import VotingError
    from voting.services.votes import open_vote

    world = build(make_community, make_user)
    meeting = _assembly(world, utcnow() + timedelta(days=20))
    services.publish_notice(meeting, actor=world.chair)
    with pytest.raises(VotingError) as refused:
        open_vote(world.proposal, world.chair, "approve_each", utcnow() + timedelta(days=25))
    assert refused.value.code == "notice_period"
    assert refused.value.status == 409
    assert world.proposal.state.value == "deliberation"
