"""Opening and closing votes: the electorate frozen at open; closed early or at closes_at."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from app import signals
from app.accounts.models import User
from app.audit.services import record_event
from app.extensions import db
from app.hooks import hooks
from app.register.electorate import compute_electorate
from app.register.models import Owner, ParkingArea
from app.register.services import unit_rows
from proposals.errors import ProposalError
from proposals.models import Proposal, ProposalState
from proposals.services import transition_proposal
from voting.counting import get_method, threshold_for_matters
from voting.models import BallotConflict, Vote, VoteElector, VoteState
from voting.services.common import VotingError, now


def _run_open_checks(proposal: Proposal, closes_at: datetime) -> None:
    """Run the app's pre-open checks (`hooks().open_vote_checks`; meetings adds the notice
    period of an owners' assembly), turning a refusal into a VotingError."""
    for check in hooks().open_vote_checks:
        try:
            check(proposal, closes_at)
        except ValueError as error:
            code = getattr(error, "code", None)
            if code is None:
                raise
            raise VotingError(getattr(error, "status", 409), code,
                              getattr(error, "message", str(error))) from None


def _move_proposal(proposal: Proposal, to_state: ProposalState, actor: User | None) -> None:
    """Move the proposal through the proposals feature's service (it records the transition)."""
    try:
        transition_proposal(proposal, to_state, actor)
    except ProposalError as error:
        raise VotingError(409, "invalid_state", error.message) from None


def open_vote(proposal: Proposal, actor: User, method: str, closes_at: datetime,
              settings: dict[str, Any] | None = None) -> Vote:
    """Open a vote on a proposal in deliberation, freezing its electorate; moves it to voting."""
    if proposal.state != ProposalState.DELIBERATION:
        raise VotingError(409, "invalid_state", "a vote opens only from deliberation")
    try:
        get_method(method)
    except ValueError:
        raise VotingError(422, "unknown_method", f"unknown voting method {method!r}") from None
    if closes_at.tzinfo is None:
        raise VotingError(422, "invalid_closes_at", "closes_at needs a UTC offset")
    opened_at = now()
    if closes_at <= opened_at:
        raise VotingError(422, "invalid_closes_at", "closes_at must be in the future")
    option_ids = [o.id for o in proposal.options]
    if not option_ids or (method == "ranked" and len(option_ids) < 2):
        raise VotingError(422, "no_options", "the proposal has too few options for this method")
    if settings is not None and not isinstance(settings, dict):
        raise VotingError(422, "invalid_settings", "settings must be an object")
    exists = db.session.execute(select(Vote.id).where(Vote.proposal_id == proposal.id)).first()
    if exists:
        raise VotingError(409, "vote_exists", "this proposal already has a vote")
    _run_open_checks(proposal, closes_at)

    community = proposal.community
    parking_counted = community.parking_area == ParkingArea.COUNTED
    scope = list(proposal.scope_buildings) if proposal.scope_buildings else None
    rows = unit_rows(community)
    electorate = compute_electorate(rows, parking_counted=parking_counted, buildings=scope)
    if electorate.headcount == 0:
        raise VotingError(422, "empty_electorate", "no owners are in the scope of this proposal")
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
    _move_proposal(proposal, ProposalState.VOTING, actor)
    record_event("vote.open", actor=actor, community_id=community.id, target=f"vote:{vote.id}",
                 details={"proposal_id": proposal.id, "method": method,
                          "closes_at": closes_at.isoformat(), "threshold": vote.threshold,
                          "headcount": vote.headcount, "area_m2": f"{vote.area_m2:.2f}",
                          "scope": scope})
    signals.emit(signals.vote_opened, vote=vote, actor=actor)
    return vote


def _insert_snapshot(vote: Vote, community_id: int, rows: list, electorate) -> None:  # noqa: ANN001
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
        raise VotingError(409, "vote_closed", "the vote is already closed")
    if actor is not None and vote.closes_at > now():
        pending = db.session.execute(
            select(BallotConflict.id).where(BallotConflict.vote_id == vote.id,
                                            BallotConflict.resolved_at.is_(None)).limit(1)
        ).first()
        if pending:
            raise VotingError(409, "conflicts_pending",
                              "resolve the paper/electronic ballot conflicts before closing")
    vote.state = VoteState.CLOSED
    vote.closed_at = min(now(), vote.closes_at)
    vote.closed_by_id = getattr(actor, "id", None)
    _move_proposal(vote.proposal, ProposalState.CLOSED, actor)
    record_event("vote.close", actor=actor, community_id=vote.community_id,
                 target=f"vote:{vote.id}",
                 details={"automatic": actor is None, "closed_at": vote.closed_at.isoformat()},
                 actor_name="" if actor else "system")
    db.session.flush()
    signals.emit(signals.vote_closed, vote=vote, actor=actor)
    return vote


def close_if_due(vote: Vote) -> bool:
    """Close a vote whose closes_at has passed (reads call this); True when it closed it."""
    if vote.state != VoteState.OPEN or vote.closes_at > now():
        return False
    db.session.execute(select(Vote).where(Vote.id == vote.id).with_for_update()
                       .execution_options(populate_existing=True))
    if vote.state != VoteState.OPEN:  # another request closed it meanwhile
        return False
    close_vote(vote, None)
    return True


def close_due_votes() -> list[Vote]:
    """Close every open vote whose closes_at has passed (`flask votes close-due`)."""
    due = db.session.execute(
        select(Vote).where(Vote.state == VoteState.OPEN, Vote.closes_at <= now())
        .order_by(Vote.id).with_for_update()
    ).scalars().all()
    for vote in due:
        close_vote(vote, None)
    return list(due)


def get_vote(vote_id: int) -> Vote | None:
    """A vote by id, closed first if it is due."""
    vote = db.session.get(Vote, vote_id)
    if vote is not None:
        close_if_due(vote)
    return vote
