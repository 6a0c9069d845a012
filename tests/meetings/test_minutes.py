"""Minutes: drafted from the result, revisions, signatures, publish with sha256, frozen for good."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.register.models import Community
from meetings import minutes as svc
from meetings import services
from meetings.errors import MeetingError
from meetings.models import Minutes, MinutesRevision, MinutesState
from tests.factories import login
from tests.meetings.helpers import World, build, closed_vote, token

MakeCommunity = Callable[..., Community]
MakeUser = Callable[..., User]


def test_draft_from_proposal_states_discussion_and_result(
        rctx: Flask, make_community: MakeCommunity, make_user: MakeUser) -> None:
    world = build(make_community, make_user)
    closed_vote(world)
    minutes = svc.draft_proposal_minutes(world.proposal, actor=world.chair)
    text = minutes.text
    assert "方案A：北门" in text
    assert "方案B：南门" in text
    assert "支持 1 条" in text
    assert "预算由维修资金列支" in text
    assert "- 表决方式：逐项表决（同意／反对／弃权）" in text
    assert "4 人，专有部分面积 492.25 m²" in text
    assert "参与表决：2 人（50.00%），面积 279.50 m²" in text
    assert "同意：1 人、179.50 m²" in text  # o1 agreed to A
    quorum = "需专有部分面积占比三分之二以上且人数占比三分之二以上的业主参与表决"
    assert f"- 参与门槛：{quorum}：未达到" in text
    assert "本议题未获通过" in text
    assert [r.number for r in minutes.revisions] == [1]


def test_edit_sign_publish_and_hash(
        rctx: Flask, make_community: MakeCommunity, make_user: MakeUser) -> None:
    world = build(make_community, make_user)
    closed_vote(world)
    minutes = svc.draft_proposal_minutes(world.proposal, actor=world.chair)
    svc.sign_minutes(minutes, actor=world.member2, role="committee")
    svc.edit_minutes(minutes, minutes.text + "\n后续：物业七日内报价。\n", actor=world.chair,
                     note="补充后续事项")
    assert [r.number for r in minutes.revisions] == [1, 2]
    assert svc.valid_signatures(minutes) == []  # the signature was of the older text
    svc.sign_minutes(minutes, actor=world.chair, role="committee")
    with pytest.raises(MeetingError) as twice:
        svc.sign_minutes(minutes, actor=world.chair, role="committee")
    assert twice.value.code == "already_signed"
    svc.publish_minutes(minutes, actor=world.chair)
    db.session.commit()
    assert minutes.sha256 == hashlib.sha256(minutes.text.encode("utf-8")).hexdigest()
    assert svc.verify_minutes(minutes)


def test_committee_minutes_need_more_than_half(
        rctx: Flask, make_community: MakeCommunity, make_user: MakeUser) -> None:
    world = build(make_community, make_user)  # three committee members
    meeting = services.schedule_meeting(world.community, kind="committee_meeting",
                                        title="业委会第5次会议", place="物业办公室",
                                        starts_at=utcnow() + timedelta(days=1), actor=world.chair)
    services.tick_attendance(meeting, mode="in_person", user=world.member2, actor=world.chair)
    minutes = svc.draft_meeting_minutes(meeting, actor=world.chair)
    assert "出席：spj-m2" in minutes.text
    assert "spj-chair" in minutes.text.split("缺席：")[1]
    svc.sign_minutes(minutes, actor=world.chair, role="committee")
    with pytest.raises(MeetingError) as refused:
        svc.publish_minutes(minutes, actor=world.chair)  # 1 of 3 is not more than half
    assert refused.value.code == "signatures_missing"
    assert refused.value.params == {"signed": 1, "total": 3}
    svc.sign_minutes(minutes, actor=world.member2, role="committee")
    svc.publish_minutes(minutes, actor=world.chair)
    assert minutes.is_published


def _published(world: World) -> Minutes:
    closed_vote(world)
    minutes = svc.draft_proposal_minutes(world.proposal, actor=world.chair)
    svc.publish_minutes(minutes, actor=world.chair)
    db.session.commit()
    return minutes


def test_published_minutes_refused_by_every_service(
        rctx: Flask, make_community: MakeCommunity, make_user: MakeUser) -> None:
    world = build(make_community, make_user)
    minutes = _published(world)
    for call in (lambda: svc.edit_minutes(minutes, "改写", actor=world.chair),
                 lambda: svc.sign_minutes(minutes, actor=world.member2, role="committee"),
                 lambda: svc.publish_minutes(minutes, actor=world.chair),
                 lambda: svc.draft_proposal_minutes(world.proposal, actor=world.chair)):
        with pytest.raises(MeetingError) as refused:
            call()
        assert refused.value.code == "minutes_published"


def test_orm_guard_refuses_direct_changes_and_deletes(
        rctx: Flask, make_community: MakeCommunity, make_user: MakeUser) -> None:
    world = build(make_community, make_user)
    minutes = _published(world)
    minutes.text = "偷偷改写"
    with pytest.raises(MeetingError) as changed:
        db.session.flush()
    assert changed.value.code == "minutes_published"
    db.session.rollback()
    db.session.add(MinutesRevision(minutes=minutes, number=9, text="x"))
    with pytest.raises(MeetingError) as revised:
        db.session.flush()
    assert revised.value.code == "minutes_published"
    db.session.rollback()
    minutes.audit_head = "f" * 64
    with pytest.raises(MeetingError) as reanchored:
        db.session.flush()
    assert reanchored.value.code == "minutes_published"
    db.session.rollback()
    db.session.delete(db.session.get(Minutes, minutes.id))
    with pytest.raises(MeetingError) as deleted:
        db.session.flush()
    assert deleted.value.code == "retained"
    db.session.rollback()
    assert svc.verify_minutes(db.session.get(Minutes, minutes.id))


def test_correction_is_a_new_linked_revision(
        rctx: Flask, make_community: MakeCommunity, make_user: MakeUser) -> None:
    world = build(make_community, make_user)
    minutes = _published(world)
    original = minutes.text
    correction = svc.correct_minutes(minutes, actor=world.chair)
    assert correction.corrects_id == minutes.id
    assert correction.state == MinutesState.DRAFT
    svc.edit_minutes(correction, original + "\n更正：地点为会所二楼。\n", actor=world.chair)
    svc.publish_minutes(correction, actor=world.chair)
    db.session.commit()
    assert minutes.text == original
    assert svc.verify_minutes(minutes)
    assert svc.corrections_of(minutes) == [correction]


def test_every_route_refuses_to_change_published_minutes(
        client: FlaskClient, make_community: MakeCommunity, make_user: MakeUser) -> None:
    with client.application.test_request_context("/"):
        world = build(make_community, make_user)
        minutes = _published(world)
        mid, text, sha = minutes.id, minutes.text, minutes.sha256
    login(client, "spj-chair")
    base = f"/c/spj/minutes/{mid}"
    assert client.get(f"{base}/edit").status_code == 403
    assert client.post(f"{base}/edit", data={"text": "改写"}).status_code == 403
    assert client.post(f"{base}/sign").status_code == 403
    assert client.post(f"{base}/publish").status_code == 403
    assert client.post(f"/c/spj/minutes/from-proposal/{world.proposal.id}").status_code == 302
    chair = token(client, "spj-chair")
    api = client.post(f"/api/v1/minutes/{mid}/publish", headers=chair)
    assert api.status_code == 409
    assert api.get_json()["error"]["code"] == "minutes_published"
    again = client.post(f"/api/v1/proposals/{world.proposal.id}/minutes", headers=chair)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "minutes_published"
    with client.application.app_context():
        fresh = db.session.get(Minutes, mid)
        assert (fresh.text, fresh.sha256) == (text, sha)
        assert db.session.query(Minutes).count() == 1
    body = client.get(base).get_data(as_text=True)
    assert sha in body
    assert "校验一致" in body
    raw = client.get(f"{base}.md")
    assert hashlib.sha256(raw.data).hexdigest() == sha


def test_publishing_minutes_goes_through_a_confirmation_page(
        client: FlaskClient, make_community: MakeCommunity, make_user: MakeUser) -> None:
    """One click shows what becomes public and that it cannot be changed; only the confirmed
    POST from that page publishes (no JavaScript needed)."""
    with client.application.test_request_context("/"):
        world = build(make_community, make_user)
        closed_vote(world)
        minutes = svc.draft_proposal_minutes(world.proposal, actor=world.chair)
        db.session.commit()
        mid, title = minutes.id, minutes.title
    login(client, "spj-chair")
    base = f"/c/spj/minutes/{mid}"
    page = client.get(base).get_data(as_text=True)
    assert f'<form method="get" action="{base}/publish">' in page  # the button asks first
    unconfirmed = client.post(f"{base}/publish")
    assert unconfirmed.status_code == 302 and unconfirmed.headers["Location"] == f"{base}/publish"
    with client.application.app_context():
        assert db.session.get(Minutes, mid).state == MinutesState.DRAFT
    confirm = client.get(f"{base}/publish").get_data(as_text=True)
    for text in ("确认发布纪要", "发布后将公开的内容", title, "发布后不能修改或撤回",
                 "任何人无需登录", 'name="confirm" type="hidden" value="yes"',
                 "确认发布（不可修改）", "返回，暂不发布"):
        assert text in confirm, text
    done = client.post(f"{base}/publish", data={"confirm": "yes"})
    assert done.headers["Location"] == base
    with client.application.app_context():
        assert db.session.get(Minutes, mid).state == MinutesState.PUBLISHED
    assert client.get(f"{base}/publish").status_code == 403  # published: nothing to confirm


def test_the_desk_tells_minutes_waiting_for_signatures_from_minutes_ready_to_publish(
        client: FlaskClient, make_community: MakeCommunity, make_user: MakeUser) -> None:
    """Committee-meeting minutes: "待签字（已签 1 / 3）" until more than half of the committee
    signed the current text, then "可发布"; an edit voids the signatures; other minutes need
    none and wait only for publication."""
    with client.application.test_request_context("/"):
        world = build(make_community, make_user)  # three committee members
        meeting = services.schedule_meeting(
            world.community, kind="committee_meeting", title="业委会第5次会议",
            place="物业办公室", starts_at=utcnow() + timedelta(days=1), actor=world.chair)
        minutes = svc.draft_meeting_minutes(meeting, actor=world.chair)
        svc.sign_minutes(minutes, actor=world.chair, role="committee")
        closed_vote(world)
        other = svc.draft_proposal_minutes(world.proposal, actor=world.chair)
        db.session.commit()
        mid, title, other_title = minutes.id, minutes.title, other.title
    login(client, "spj-chair")

    def desk() -> str:
        return client.get("/c/spj/").get_data(as_text=True)

    assert f"纪要待签字：{title}（已签 1 / 3）" in desk()
    assert f"纪要待发布：{other_title}" in desk()
    with client.application.test_request_context("/"):
        minutes = db.session.get_one(Minutes, mid)
        svc.sign_minutes(minutes, actor=world.member2, role="committee")
        db.session.commit()
    assert f"纪要可发布：{title}（已签 2 / 3）" in desk()
    with client.application.test_request_context("/"):
        minutes = db.session.get_one(Minutes, mid)
        svc.edit_minutes(minutes, minutes.text + "\n补记。", actor=world.chair)
        db.session.commit()
    assert f"纪要待签字：{title}（已签 0 / 3）" in desk()
