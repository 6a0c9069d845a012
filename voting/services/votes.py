"""Opening and closing votes: the electorate frozen at open; closed early or at closes_at."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from app import signals
from app.accounts.models import User
from app.audit.services import record_event
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.hooks import hooks
from app.law import threshold_for_matters
from app.law.words import N_
from app.register.electorate import Electorate, UnitRow, compute_electorate
from app.register.models import Owner, ParkingArea
from app.register.services import unit_rows
from proposals.models import Proposal, ProposalState
from proposals.services import transition_proposal
from voting.counting import BallotError, get_method
from voting.models import BallotConflict, Vote, VoteElector, VoteState
from voting.services.common import VotingError, refused
from voting.services.extend import check_opening_window


def _run_open_checks(proposal: Proposal, closes_at: datetime) -> None:
    """Run the app's pre-open checks (`hooks().open_vote_checks`; meetings adds the notice
    period of an owners' assembly). A check refuses with a DomainError, which passes on."""
    for check in hooks().open_vote_checks:
        try:
            check(proposal, closes_at)
        except DomainError:
            raise
        except ValueError as error:  # a feature still raising its pre-kernel error kind
            code = getattr(error, "code", None)
            if code is None:
                raise
            raise VotingError(code, getattr(error, "message", str(error)),
                              status=getattr(error, "status", 409)) from None


def open_vote(proposal: Proposal, actor: User, method: str, closes_at: datetime,
              settings: dict[str, Any] | None = None) -> Vote:
    """Open a vote on a proposal in deliberation, freezing its electorate; moves it to voting."""
    if proposal.state != ProposalState.DELIBERATION:
        raise VotingError("invalid_state", N_("只有讨论中的议题可以开始表决"))
    try:
        voting_method = get_method(method)
    except ValueError:
        raise VotingError("unknown_method", N_("未知的表决方式"), status=422, field="method",
                          method=method) from None
    if closes_at.tzinfo is None:
        raise VotingError("invalid_closes_at", N_("截止时间需要带时区"), status=422,
                          field="closes_at")
    opened_at = utcnow()
    if closes_at <= opened_at:
        raise VotingError("invalid_closes_at", N_("截止时间必须晚于现在"), status=422,
                          field="closes_at")
    check_opening_window(proposal.community, opened_at, closes_at)
    option_ids = [o.id for o in proposal.options]
    try:
        voting_method.check_opening(len(option_ids))
    except BallotError as error:
        raise refused(error) from None
    if settings is not None and not isinstance(settings, dict):
        raise VotingError("invalid_settings", N_("表决设置必须是一个对象"), status=422)
    exists = db.session.execute(select(Vote.id).where(Vote.proposal_id == proposal.id)).first()
    if exists:
        raise VotingError("vote_exists", N_("这个议题已经开始过表决"))
    _run_open_checks(proposal, closes_at)

    community = proposal.community
    parking_counted = community.parking_area == ParkingArea.COUNTED
    scope = list(proposal.scope_buildings) if proposal.scope_buildings else None
    rows = unit_rows(community)
    electorate = compute_electorate(rows, parking_counted=parking_counted, buildings=scope)
    if electorate.headcount == 0:
        raise VotingError("empty_electorate", N_("表决范围内没有业主"), status=422)
    vote = Vote(
        community_id=community.id, proposal_id=proposal.id, method=method,
        settings=settings or {}, option_ids=option_ids, state=VoteState.OPEN,
        threshold=threshold_for_matters(proposal.matters).value, matters=list(proposal.matters),
        scope_buildings=scope, parking_counted=parking_counted,
        headcount=electorate.headcount, area_m2=electorate.area_m2, units=electorate.units,
        opened_at=opened_at, opened_by_id=actor.id, closes_at=closes_at,
    )
    db.session.add(vote)
    db.session.flush()
    _insert_snapshot(vote, community.id, rows, electorate)
    transition_proposal(proposal, ProposalState.VOTING, actor)
    record_event("vote.open", actor=actor, community_id=community.id, target=f"vote:{vote.id}",
                 details={"proposal_id": proposal.id, "method": method,
                          "closes_at": closes_at.isoformat(), "threshold": vote.threshold,
                          "headcount": vote.headcount, "area_m2": f"{vote.area_m2:.2f}",
                          "scope": scope})
    signals.emit(signals.vote_opened, vote=vote, actor=actor)
    return vote


def _insert_snapshot(vote: Vote, community_id: int, rows: list[UnitRow],
                     electorate: Electorate) -> None:
    """Bulk-insert the frozen electorate: one row per person, in executemany batches."""
    labels = {r.unit_id: f"{r.building}-{r.number}" for r in rows}
    owner_ids = dict(db.session.execute(
        select(Owner.owner_ref, Owner.id).where(Owner.community_id == community_id)).all())
    payload = [
        {"vote_id": vote.id, "owner_id": owner_ids[e.owner_ref], "owner_ref": e.owner_ref,
         "area_m2": e.area_m2, "unit_count": len(e.unit_ids),
         "unit_labels": ", ".join(labels[u] for u in e.unit_ids)}
        for e in electorate.electors
    ]
    for start in range(0, len(payload), 5000):
        db.session.execute(insert(VoteElector), payload[start:start + 5000])


def close_vote(vote: Vote, actor: User | None) -> Vote:
    """Close a vote now (the committee), or at closes_at (actor None); moves the proposal on."""
    if vote.state == VoteState.CLOSED:
        raise VotingError("vote_closed", N_("表决已经结束"))
    at = utcnow()
    if actor is not None and vote.closes_at > at:
        pending = db.session.execute(
            select(BallotConflict.id).where(BallotConflict.vote_id == vote.id,
                                            BallotConflict.resolved_at.is_(None)).limit(1)
        ).first()
        if pending:
            raise VotingError("conflicts_pending",
                              N_("还有纸质票与电子票冲突未处理，请先处理再提前结束"))
    vote.state = VoteState.CLOSED
    vote.closed_at = min(at, vote.closes_at)
    vote.closed_by_id = getattr(actor, "id", None)
    transition_proposal(vote.proposal, ProposalState.CLOSED, actor)
    record_event("vote.close", actor=actor, community_id=vote.community_id,
                 target=f"vote:{vote.id}",
                 details={"automatic": actor is None, "closed_at": vote.closed_at.isoformat()},
                 actor_name="" if actor else "system")
    db.session.flush()
    signals.emit(signals.vote_closed, vote=vote, actor=actor)
    return vote


def close_due_votes() -> list[Vote]:
    """Close every open vote whose closes_at has passed (the periodic job
    `notifications.close_due_votes` of `flask jobs drain`, and `flask votes close-due`)."""
    due = db.session.execute(
        select(Vote).where(Vote.state == VoteState.OPEN, Vote.closes_at <= utcnow())
        .order_by(Vote.id).with_for_update()
    ).scalars().all()
    for vote in due:
        close_vote(vote, None)
    return list(due)


def get_vote(vote_id: int) -> Vote | None:
    """A vote by id (a read: a due vote is closed by the periodic job, not here)."""
    return db.session.get(Vote, vote_id)
