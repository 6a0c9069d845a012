"""Extending a vote: the committee moves its close later, with a published reason (延期公告)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app import signals
from app.accounts.models import User
from app.audit.services import record_event
from app.db import utcnow
from app.extensions import db
from app.law.words import N_
from app.register.models import Community
from voting.models import Vote, VoteExtension, VoteState
from voting.services.common import VotingError

#: the longest reason an extension notice carries
REASON_MAX = 2000


def window_bounds(community: Community) -> tuple[int, int]:
    """(min, max) days of a vote's total window as the community sets them (Hangzhou 5-60)."""
    low = community.vote_window_min_days if community.vote_window_min_days is not None else 5
    high = community.vote_window_max_days if community.vote_window_max_days is not None else 60
    return low, high


def check_opening_window(community: Community, opened_at: datetime,
                         closes_at: datetime) -> None:
    """Refuse an opening whose window lies outside the bounds the committee has saved.

    Unless the committee chose so there is no bound at opening (the law sets none); the
    maximum still bounds extensions.
    """
    if not community.vote_window_at_opening:
        return
    low, high = window_bounds(community)
    length = closes_at - opened_at
    if length < timedelta(days=low):
        raise VotingError("window_too_short",
                          N_("表决期自开始起至少 %(days)s 日（本小区设置）"),
                          status=422, field="closes_at", days=low)
    if length > timedelta(days=high):
        raise VotingError("window_too_long",
                          N_("表决期自开始起总计不能超过 %(days)s 日（本小区设置）"),
                          status=422, field="closes_at", days=high)


def extend_vote(actor: User, vote: Vote, closes_at: datetime, reason: str) -> VoteExtension:
    """Move an open vote's close later (the committee), with the reason published.

    409 once the vote is closed (or past its close, waiting for the job); 422 unless the new
    close is later than now and than the current close, and keeps the whole window (opening to
    close) within the community's maximum.
    """
    db.session.execute(select(Vote.id).where(Vote.id == vote.id).with_for_update())
    db.session.refresh(vote)
    now = utcnow()
    if vote.state == VoteState.CLOSED or vote.closes_at <= now:
        raise VotingError("vote_closed", N_("表决已经结束"))
    reason = (reason or "").strip()
    if not reason:
        raise VotingError("reason_required", N_("请写明延期理由"), status=422, field="reason")
    if len(reason) > REASON_MAX:
        raise VotingError("reason_too_long", N_("理由不能超过 %(n)s 个字"), status=422,
                          field="reason", n=REASON_MAX)
    if closes_at.tzinfo is None:
        raise VotingError("invalid_closes_at", N_("截止时间需要带时区"), status=422,
                          field="closes_at")
    if closes_at <= now or closes_at <= vote.closes_at:
        raise VotingError("invalid_closes_at", N_("新的截止时间必须晚于现在和原截止时间"),
                          status=422, field="closes_at")
    community = db.session.get_one(Community, vote.community_id)
    _low, high = window_bounds(community)
    if closes_at - vote.opened_at > timedelta(days=high):
        raise VotingError("window_too_long",
                          N_("表决期自开始起总计不能超过 %(days)s 日（本小区设置）"),
                          status=422, field="closes_at", days=high)
    previous = vote.closes_at
    vote.closes_at = closes_at
    extension = VoteExtension(vote_id=vote.id, previous_closes_at=previous, closes_at=closes_at,
                              reason=reason, created_by_id=actor.id, created_at=now)
    db.session.add(extension)
    db.session.flush()
    record_event("vote.extend", actor=actor, community_id=vote.community_id,
                 target=f"vote:{vote.id}",
                 details={"previous_closes_at": previous.isoformat(),
                          "closes_at": closes_at.isoformat(), "reason": reason,
                          "extension_id": extension.id})
    signals.emit(signals.vote_extended, vote=vote, actor=actor, previous_closes_at=previous,
                 reason=reason)
    return extension


def vote_extensions(vote: Vote) -> list[VoteExtension]:
    """The vote's extensions, oldest first."""
    return list(db.session.execute(
        select(VoteExtension).where(VoteExtension.vote_id == vote.id)
        .order_by(VoteExtension.id)).scalars())


def update_vote_settings(actor: User, community: Community, min_days: int, max_days: int,
                         double_entry: bool, at_opening: bool = False) -> Community:
    """The community's voting settings: the window's bounds and double paper entry."""
    if min_days < 1 or max_days < min_days or max_days > 365:
        raise VotingError("invalid_window", N_("表决期天数应满足 1 ≤ 最短 ≤ 最长 ≤ 365"),
                          status=422, field="max_days")
    before = {"vote_window_min_days": community.vote_window_min_days,
              "vote_window_max_days": community.vote_window_max_days,
              "paper_double_entry": community.paper_double_entry,
              "vote_window_at_opening": community.vote_window_at_opening}
    community.vote_window_min_days = min_days
    community.vote_window_max_days = max_days
    community.paper_double_entry = double_entry
    community.vote_window_at_opening = at_opening
    record_event("community.vote_settings", actor=actor, community_id=community.id,
                 target=f"community:{community.id}",
                 details={"before": before, "after": {
                     "vote_window_min_days": min_days, "vote_window_max_days": max_days,
                     "paper_double_entry": double_entry, "vote_window_at_opening": at_opening}})
    db.session.flush()
    return community
