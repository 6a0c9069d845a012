"""Cancelling a meeting (service, route, vote gate) and the printable meeting notice (page, PDF)."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.db import utcnow
from app.extensions import db
from meetings import services
from meetings.errors import MeetingError
from meetings.models import Meeting, MeetingState
from tests.factories import login
from tests.meetings.helpers import at, build


def _assembly(world, starts_at, title: str = "2037年第一次业主大会"):  # noqa: ANN001, ANN202
    meeting = services.schedule_meeting(world.community, kind="owners_assembly", title=title,
                                        starts_at=starts_at, place="会所二楼",
                                        actor=world.chair)
    services.add_agenda_item(meeting, world.proposal, actor=world.chair)
    return meeting


def test_cancel_meeting_needs_reason_is_audited_and_refused_twice(
        rctx, make_community, make_user) -> None:  # noqa: ANN001
    world = build(make_community, make_user)
    meeting = _assembly(world, utcnow() + timedelta(days=30))
    with pytest.raises(MeetingError) as blank:
        services.cancel_meeting(meeting, world.chair, "   ")
    assert blank.value.code == "reason_required" and meeting.state == MeetingState.DRAFT
    services.cancel_meeting(meeting, world.chair, "场地临时不可用")
    assert meeting.state == MeetingState.CANCELLED and meeting.cancel_reason == "场地临时不可用"
    assert meeting.cancelled_at is not None and meeting.agenda  # nothing deleted
    entry = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "meeting.cancel")).scalar_one()
    assert entry.target == f"meeting:{meeting.id}" and "场地临时不可用" in entry.details
    with pytest.raises(MeetingError) as again:
        services.cancel_meeting(meeting, world.chair, "再次取消")
    assert again.value.code == "already_cancelled"


def test_held_meeting_cannot_be_cancelled(rctx, make_community, make_user) -> None:  # noqa: ANN001
    world = build(make_community, make_user)
    meeting = _assembly(world, utcnow() + timedelta(days=30))
    services.publish_notice(meeting, actor=world.chair)
    services.mark_held(meeting, actor=world.chair)
    with pytest.raises(MeetingError) as refused:
        services.cancel_meeting(meeting, world.chair, "太迟了")
    assert refused.value.code == "already_held" and meeting.state == MeetingState.HELD


def test_cancelled_assembly_no_longer_gates_the_vote(rctx, make_community, make_user) -> None:  # noqa: ANN001
    from voting.services.votes import open_vote

    world = build(make_community, make_user)
    meeting = _assembly(world, utcnow() + timedelta(days=20))
    services.publish_notice(meeting, actor=world.chair)
    closes = utcnow() + timedelta(days=25)
    with pytest.raises(MeetingError):
        services.check_vote_may_open(world.proposal, closes)
    services.cancel_meeting(meeting, world.chair, "改为书面征询")
    assert services.assembly_meetings_of(world.proposal) == []
    services.check_vote_may_open(world.proposal, closes)
    vote = open_vote(world.proposal, world.chair, "approve_each", closes)
    assert vote.id is not None


@pytest.fixture
def noticed(client, make_community, make_user):  # noqa: ANN001, ANN201
    """A published assembly notice (published 1 March 2037, meeting 20 March) and a draft."""
    with client.application.test_request_context("/"):
        world = build(make_community, make_user)
        meeting = _assembly(world, at(2037, 3, 20, 1))
        services.publish_notice(meeting, actor=world.chair, now=at(2037, 3, 1))
        draft = services.schedule_meeting(world.community, kind="committee_meeting",
                                          title="业委会第三次会议", starts_at=at(2037, 4, 2, 6),
                                          place="", online_url="https://meet.example.org/x",
                                          actor=world.chair)
        db.session.commit()
        return {"id": meeting.id, "draft_id": draft.id, "proposal_id": world.proposal.id}


def test_published_notice_is_public_and_complete(client, noticed) -> None:  # noqa: ANN001
    page = client.get(f"/c/spj/meetings/{noticed['id']}/notice")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "会议通知" in text and "2037年第一次业主大会" in text and "业主大会" in text
    assert "2037年03月20日 09:00" in text  # Beijing time
    assert "会所二楼" in text and "2037年03月01日 18:00" in text
    assert "2037年03月17日" in text  # earliest lawful day: 15 full days 2-16 March
    assert "电动车充电棚选址" in text and "表决规则" in text and "三分之二以上" in text
    assert f"/c/spj/proposals/{noticed['proposal_id']}" in text and "<svg" in text


def test_draft_notice_only_for_the_committee(client, noticed) -> None:  # noqa: ANN001
    url = f"/c/spj/meetings/{noticed['draft_id']}/notice"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    login(client, "spj-o1")
    assert client.get(url).status_code == 403
    assert client.get(url + ".pdf").status_code == 403
    client.post("/logout")
    login(client, "spj-chair")
    text = client.get(url).get_data(as_text=True)
    assert "草稿" in text and "https://meet.example.org/x" in text


def test_notice_pdf_has_chinese_title_and_date(client, noticed, tmp_path) -> None:  # noqa: ANN001
    response = client.get(f"/c/spj/meetings/{noticed['id']}/notice.pdf")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    path = tmp_path / "notice.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True).stdout.decode("utf-8")
    assert "2037年第一次业主大会" in text and "会议通知" in text
    assert "2037年03月20日" in text


def test_cancel_route_shows_cancelled_everywhere(client, noticed) -> None:  # noqa: ANN001
    mid = noticed["id"]
    login(client, "spj-chair")
    refused = client.post(f"/c/spj/meetings/{mid}/cancel", data={"reason": ""})
    assert refused.status_code == 302
    assert db.session.get(Meeting, mid).state == MeetingState.NOTICED
    done = client.post(f"/c/spj/meetings/{mid}/cancel", data={"reason": "台风预警，改期"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, mid).state == MeetingState.CANCELLED
    assert "台风预警，改期" in client.get(f"/c/spj/meetings/{mid}").get_data(as_text=True)
    listing = client.get("/c/spj/meetings").get_data(as_text=True)
    assert "已取消" in listing and "台风预警，改期" in listing
    client.post("/logout")
    public = client.get(f"/c/spj/meetings/{mid}/notice").get_data(as_text=True)
    assert "本次会议已取消" in public and "台风预警，改期" in public


def test_owner_cannot_cancel(client, noticed) -> None:  # noqa: ANN001
    login(client, "spj-o1")
    response = client.post(f"/c/spj/meetings/{noticed['id']}/cancel", data={"reason": "x"})
    assert response.status_code == 403
    assert db.session.get(Meeting, noticed["id"]).state == MeetingState.NOTICED
