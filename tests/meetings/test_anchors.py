"""Published records anchor the audit chain (issue 9, item 6): each result notice and minutes
record keeps the community's audit head right after its publish event (the hash of that event),
shows it on its page and PDF, and is offered to `flask audit verify` through
`hooks().audit_anchors`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.audit.services import audit_head
from app.extensions import db
from app.hooks import AuditAnchor, hooks
from app.register.models import Community
from meetings import minutes as svc
from meetings import result_notices
from meetings.errors import MeetingError
from meetings.models import Minutes, ResultNotice
from tests.meetings.helpers import build, closed_vote
from tests.pdf import pdf_text


@pytest.fixture
def records(client: FlaskClient, make_community: Callable[..., Community],
            make_user: Callable[..., User]) -> dict[str, Any]:
    """A result notice and minutes published (in that order), and a draft."""
    with client.application.test_request_context("/"):
        world = build(make_community, make_user)
        closed_vote(world)
        notice = result_notices.publish_result_notice(world.proposal, actor=world.chair)
        minutes = svc.draft_proposal_minutes(world.proposal, actor=world.chair)
        svc.publish_minutes(minutes, actor=world.chair)
        draft = svc.correct_minutes(minutes, actor=world.chair)
        db.session.commit()
        return {"community_id": world.community.id, "notice_id": notice.id,
                "minutes_id": minutes.id, "draft_id": draft.id}


def _event_hash(target: str) -> str:
    return db.session.execute(select(AuditEntry.entry_hash).where(
        AuditEntry.target == target)).scalar_one()


def test_each_record_keeps_the_hash_of_its_own_publish_event(app: Flask,
                                                             records: dict[str, Any]) -> None:
    with app.app_context():
        notice = db.session.get(ResultNotice, records["notice_id"])
        minutes = db.session.get(Minutes, records["minutes_id"])
        draft = db.session.get(Minutes, records["draft_id"])
        assert notice.audit_head == _event_hash(f"result_notice:{notice.id}")
        assert db.session.execute(select(AuditEntry.action).where(
            AuditEntry.entry_hash == notice.audit_head)).scalar_one() == "result_notice.publish"
        publish_event = db.session.execute(select(AuditEntry.entry_hash).where(
            AuditEntry.target == f"minutes:{minutes.id}",
            AuditEntry.action == "minutes.publish")).scalar_one()
        assert minutes.audit_head == publish_event
        assert minutes.audit_head != notice.audit_head
        assert draft.audit_head is None
        # the chain went on after the minutes (the correction was drafted): the head moved
        assert audit_head(records["community_id"]) != minutes.audit_head


def test_the_anchors_are_offered_to_the_audit_check(app: Flask, records: dict[str, Any]) -> None:
    with app.app_context():
        notice = db.session.get(ResultNotice, records["notice_id"])
        minutes = db.session.get(Minutes, records["minutes_id"])
        anchors = [anchor for source in hooks(app).audit_anchors for anchor in source()]
        assert anchors == [
            AuditAnchor(records["community_id"], notice.audit_head or "", notice.published_at,
                        where=f"result_notice:{notice.id}"),
            AuditAnchor(records["community_id"], minutes.audit_head or "",
                        minutes.published_at, where=f"minutes:{minutes.id}"),
        ]


def test_a_published_head_never_changes(app: Flask, records: dict[str, Any]) -> None:
    with app.app_context():
        notice = db.session.get(ResultNotice, records["notice_id"])
        notice.audit_head = "0" * 64
        with pytest.raises(MeetingError) as refused:
            db.session.flush()
        assert refused.value.code == "notice_frozen"
        db.session.rollback()


def _head(app: Flask, model: type[ResultNotice] | type[Minutes], ident: int) -> str:
    with app.app_context():
        head = db.session.get(model, ident).audit_head
        assert head is not None
        return head


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    return "".join(pdf_text(data).split())  # a long hash may wrap


def test_the_head_is_shown_on_pages_and_pdfs(app: Flask, client: FlaskClient,
                                             records: dict[str, Any], tmp_path: Path) -> None:
    notice_head = _head(app, ResultNotice, records["notice_id"])
    minutes_head = _head(app, Minutes, records["minutes_id"])
    notice_url = f"/c/spj/notices/{records['notice_id']}"
    minutes_url = f"/c/spj/minutes/{records['minutes_id']}"
    assert f"审计日志锚点：{notice_head}" in client.get(notice_url).get_data(as_text=True)
    assert minutes_head in client.get(minutes_url).get_data(as_text=True)
    assert f"审计日志锚点：{notice_head}" in _pdf_text(client.get(notice_url + ".pdf").data,
                                                   tmp_path)
    assert f"审计日志锚点：{minutes_head}" in _pdf_text(client.get(minutes_url + ".pdf").data,
                                                    tmp_path)
