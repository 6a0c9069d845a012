"""Cancelling a meeting (service, route, vote gate) and the printable meeting notice (page, PDF)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.db import utcnow
from app.extensions import db
from app.register.models import Community
from meetings import services
from meetings.errors import MeetingError
from meetings.models import Meeting, MeetingState
from tests.factories import login
from tests.meetings.helpers import World, at, build
from tests.pdf import pdf_text

MakeCommunity = Callable[..., Community]
MakeUser = Callable[..., User]


def _assembly(world: World, starts_at: datetime, title: str = "2037年第一次业主大会") -> Meeting:
    meeting = services.schedule_meeting(world.community, kind="owners_assembly", title=title,
                                        starts_at=starts_at, place="会所二楼",
                                        actor=world.chair)
    services.add_agenda_item(meeting, world.proposal, actor=world.chair)
    return meeting


def test_cancel_meeting_needs_reason_is_audited_and_refused_twice(
        rctx: Flask, make_community: MakeCommunity, make_user: MakeUser) -> None:
    world = build(make_community, make_user)
    meeting = _assembly(world, utcnow() + timedelta(days=30))
    with pytest.raises(MeetingError) as blank:
        services.cancel_meeting(meeting, world.chair, "   ")
    assert blank.value.code == "reason_required"
    assert blank.value.field == "reason"
    assert meeting.state == MeetingState.DRAFT
    services.cancel_meeting(meeting, world.chair, "场地临时不可用")
    assert meeting.state == MeetingState.CANCELLED
    assert meeting.cancel_reason == "场地临时不可用"
    assert meeting.cancelled_at is not None
    assert [item.proposal_id for item in meeting.agenda] == [world.proposal.id]  # kept
    entry = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "meeting.cancel")).scalar_one()
    assert entry.target == f"meeting:{meeting.id}"
    assert "场地临时不可用" in entry.details
    with pytest.raises(MeetingError) as again:
        services.cancel_meeting(meeting, world.chair, "再次取消")
    assert again.value.code == "already_cancelled"


def test_held_meeting_cannot_be_cancelled(rctx: Flask, make_community: MakeCommunity,
                                          make_user: MakeUser) -> None:
    world = build(make_community, make_user)
    meeting = _assembly(world, utcnow() + timedelta(days=30))
    services.publish_meeting_notice(meeting, actor=world.chair)
    services.mark_held(meeting, actor=world.chair)
    with pytest.raises(MeetingError) as refused:
        services.cancel_meeting(meeting, world.chair, "太迟了")
    assert refused.value.code == "already_held"
    assert meeting.state == MeetingState.HELD


def test_cancelled_assembly_no_longer_gates_the_vote(rctx: Flask, make_community: MakeCommunity,
                                                     make_user: MakeUser) -> None:
    from voting.services.votes import open_vote

    world = build(make_community, make_user)
    meeting = _assembly(world, utcnow() + timedelta(days=20))
    services.publish_meeting_notice(meeting, actor=world.chair)
    closes = utcnow() + timedelta(days=25)
    with pytest.raises(MeetingError) as gated:
        services.check_vote_may_open(world.proposal, closes)
    assert gated.value.code == "notice_period"
    services.cancel_meeting(meeting, world.chair, "改为书面征询")
    assert services.assembly_meetings_of(world.proposal) == []
    services.check_vote_may_open(world.proposal, closes)
    vote = open_vote(world.proposal, world.chair, "approve_each", closes)
    assert vote.id is not None


@pytest.fixture
def noticed(client: FlaskClient, clock: time_machine.Coordinates, make_community: MakeCommunity,
            make_user: MakeUser) -> dict[str, int]:
    """A published assembly notice (published 1 March 2037, meeting 20 March) and a draft;
    the clock stays at the moment of publication."""
    with client.application.test_request_context("/"):
        world = build(make_community, make_user)
        clock.move_to(at(2037, 3, 1))
        meeting = _assembly(world, at(2037, 3, 20, 1))
        services.publish_meeting_notice(meeting, actor=world.chair)
        draft = services.schedule_meeting(world.community, kind="committee_meeting",
                                          title="业委会第三次会议", starts_at=at(2037, 4, 2, 6),
                                          place="", online_url="https://meet.example.org/x",
                                          actor=world.chair)
        db.session.commit()
        return {"id": meeting.id, "draft_id": draft.id, "proposal_id": world.proposal.id}


def test_published_notice_is_public_and_complete(client: FlaskClient,
                                                 noticed: dict[str, int]) -> None:
    page = client.get(f"/c/spj/meetings/{noticed['id']}/notice")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for expected in ("会议通知", "2037年第一次业主大会", "2037年03月20日 09:00",  # Beijing
                     "会所二楼", "2037年03月01日 18:00",
                     "2037年03月17日",  # earliest lawful day: 15 full days 2-16 March
                     "电动车充电棚选址", "表决规则", "三分之二以上",
                     f"/c/spj/proposals/{noticed['proposal_id']}", "<svg"):
        assert expected in text, expected


def test_draft_notice_only_for_the_committee(client: FlaskClient,
                                             noticed: dict[str, int]) -> None:
    url = f"/c/spj/meetings/{noticed['draft_id']}/notice"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    login(client, "spj-o1")
    assert client.get(url).status_code == 403
    assert client.get(url + ".pdf").status_code == 403
    client.post("/logout")
    login(client, "spj-chair")
    text = client.get(url).get_data(as_text=True)
    assert "草稿：通知尚未发布" in text
    assert "https://meet.example.org/x" in text


def test_notice_pdf_has_chinese_title_and_date(client: FlaskClient, noticed: dict[str, int],
                                               tmp_path: Path) -> None:
    response = client.get(f"/c/spj/meetings/{noticed['id']}/notice.pdf")
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    for expected in ("2037年第一次业主大会", "会议通知", "2037年03月20日"):
        assert expected in text, expected


def test_cancel_route_shows_cancelled_everywhere(client: FlaskClient,
                                                noticed: dict[str, int]) -> None:
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
    assert "已取消" in listing
    assert "台风预警，改期" in listing
    client.post("/logout")
    public = client.get(f"/c/spj/meetings/{mid}/notice").get_data(as_text=True)
    assert "本次会议已取消" in public
    assert "台风预警，改期" in public


def test_owner_cannot_cancel(client: FlaskClient, noticed: dict[str, int]) -> None:
    login(client, "spj-o1")
    response = client.post(f"/c/spj/meetings/{noticed['id']}/cancel", data={"reason": "x"})
    assert response.status_code == 403
    assert db.session.get(Meeting, noticed["id"]).state == MeetingState.NOTICED


def test_the_english_meeting_notice_reads_in_english(client: FlaskClient,
                                                     noticed: dict[str, int]) -> None:
    """Dates, labels and punctuation in English; proper names (titles, place) as they are."""
    import re

    client.post("/lang/en", data={"next": "/"})
    page = client.get(f"/c/spj/meetings/{noticed['id']}/notice").get_data(as_text=True)
    article = page[page.index("<article"):page.index("</article>")]
    article = re.sub(r"<svg.*?</svg>", "", article, flags=re.S)
    for expected in ("Mar 20, 2037 09:00", "Mar 1, 2037 18:00", "Mar 17, 2037"):
        assert expected in article, expected
    text = re.sub(r"<[^>]+>", " ", article)
    for name in ("2037年第一次业主大会", "会所二楼", "电动车充电棚选址", "尚品居"):
        text = text.replace(name, "")
    assert re.findall(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", text) == []
