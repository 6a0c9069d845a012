"""Result notices (表决结果公告) of closed votes: frozen, hashed snapshots of DESIGN.md fields."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from app import signals
from app.accounts.models import User
from app.audit.services import audit_head, record_event
from app.db import utcnow
from app.errors import N_
from app.extensions import db
from app.i18n import community_tz
from app.signals import emit
from meetings import sources
from meetings.drafting import VoteSummary, notice_snapshot, zh_datetime
from meetings.errors import MeetingError
from meetings.models import ResultNotice
from meetings.rules import MAX_OBJECTION_DAYS
from proposals.models import Proposal, ProposalState
from proposals.services import transition_proposal


def canonical_json(content: dict[str, Any]) -> str:
    """The canonical JSON that is stored and hashed."""
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def notice_content(notice: ResultNotice) -> dict[str, Any]:
    """The notice's frozen fields."""
    content: dict[str, Any] = json.loads(notice.content)
    return content


def notice_contents(ids: list[int]) -> dict[int, dict[str, Any]]:
    """The frozen fields of several notices, by id (one query)."""
    if not ids:
        return {}
    rows = db.session.execute(select(ResultNotice.id, ResultNotice.content)
                              .where(ResultNotice.id.in_(ids)))
    return {ident: json.loads(content) for ident, content in rows}


def verify_notice(notice: ResultNotice) -> bool:
    """Whether the stored content still matches its sha256."""
    return hashlib.sha256(notice.content.encode("utf-8")).hexdigest() == notice.sha256


def notice_for_proposal(proposal: Proposal) -> ResultNotice | None:
    """The result notice of a proposal's vote, if published."""
    return db.session.execute(select(ResultNotice).where(
        ResultNotice.proposal_id == proposal.id).order_by(ResultNotice.id.desc()).limit(1)
    ).scalar_one_or_none()


def _content(proposal: Proposal, objection_days: int, now: datetime
             ) -> tuple[VoteSummary, dict[str, Any]]:
    """The fields a notice published now would freeze, or the refusal to publish it."""
    if not 0 <= objection_days <= MAX_OBJECTION_DAYS:
        raise MeetingError("invalid_objection_days", N_("询异期须在 0 至 %(n)s 天之间"),
                           status=400, field="objection_days", n=MAX_OBJECTION_DAYS)
    vote = sources.closed_vote(proposal)
    if vote is None:
        raise MeetingError("vote_not_closed", N_("该议题的表决尚未结束，不能发布结果公告"))
    if db.session.execute(select(ResultNotice.id).where(ResultNotice.vote_id == vote.vote_id)
                          ).first():
        raise MeetingError("notice_exists", N_("该表决的结果公告已经发布"))
    tz = community_tz()
    ends = now + timedelta(days=objection_days) if objection_days else None
    return vote, notice_snapshot(
        title=f"{proposal.title} 表决结果公告", proposal_id=proposal.id,
        community=proposal.community.name, scope=proposal.scope_buildings,
        organiser=f"{proposal.community.name}业主委员会", vote=vote,
        published_at=zh_datetime(now, tz),
        objection_ends_at=zh_datetime(ends, tz) if ends else None)


def preview_result_notice(proposal: Proposal, *, objection_days: int = 0
                          ) -> tuple[int, dict[str, Any]]:
    """(vote id, the content) of the notice that publishing now would freeze; writes nothing
    (the confirmation page shows it before anything becomes public)."""
    vote, content = _content(proposal, objection_days, utcnow())
    return vote.vote_id, content


def publish_result_notice(proposal: Proposal, *, actor: User | None,
                          objection_days: int = 0) -> ResultNotice:
    """Publish the result notice of a proposal's closed vote, with an optional objection period.

    The publish event is recorded right after the notice is written; the notice then keeps the
    community's audit head, which is the hash of that very event (it anchors the chain).
    """
    now = utcnow()
    vote, content = _content(proposal, objection_days, now)
    ends = now + timedelta(days=objection_days) if objection_days else None
    body = canonical_json(content)
    notice = ResultNotice(community_id=proposal.community_id, proposal_id=proposal.id,
                          vote_id=vote.vote_id, title=content["title"][:200],
                          passed=content["passed"], published_at=now,
                          published_by_id=getattr(actor, "id", None), objection_ends_at=ends,
                          content=body, sha256=hashlib.sha256(body.encode("utf-8")).hexdigest())
    db.session.add(notice)
    db.session.flush()
    record_event("result_notice.publish", actor=actor, community_id=proposal.community_id,
                 target=f"result_notice:{notice.id}",
                 details={"proposal_id": proposal.id, "vote_id": vote.vote_id,
                          "sha256": notice.sha256, "objection_days": objection_days})
    notice.audit_head = audit_head(proposal.community_id)
    db.session.flush()
    _record_outcome(proposal, passed=notice.passed, notice=notice, actor=actor)
    emit(signals.result_published, notice=notice, actor=actor)
    return notice


def _record_outcome(proposal: Proposal, *, passed: bool, notice: ResultNotice,
                    actor: User | None) -> None:
    """With its result published, a closed proposal becomes adopted or rejected."""
    if proposal.state != ProposalState.CLOSED:
        return
    target = ProposalState.ADOPTED if passed else ProposalState.REJECTED
    transition_proposal(proposal, target, actor, note=f"表决结果公告 #{notice.id}")
