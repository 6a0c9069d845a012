"""Paper ballots entered by the committee, and resolving paper/electronic conflicts."""

from __future__ import annotations

from sqlalchemy import select

from app import signals
from app.accounts.models import User
from app.audit.services import record_event
from app.extensions import db
from voting.models import (
    Ballot,
    BallotConflict,
    BallotRevision,
    Channel,
    ConflictKept,
    Vote,
)
from voting.services.ballots import apply_version, keep_revision, validate_choices, write_ballot
from voting.services.common import VotingError, elector_by_ref, now, require_open


def _ballot_no_taken(vote: Vote, ballot_no: str) -> bool:
    """Whether a paper ballot number was entered before (counted, held or superseded)."""
    for model, vote_col in ((Ballot, Ballot.vote_id), (BallotConflict, BallotConflict.vote_id)):
        if db.session.execute(select(model.id).where(vote_col == vote.id,
                                                     model.ballot_no == ballot_no)).first():
            return True
    revision = db.session.execute(
        select(BallotRevision.id).join(Ballot, Ballot.id == BallotRevision.ballot_id)
        .where(Ballot.vote_id == vote.id, BallotRevision.ballot_no == ballot_no)).first()
    return revision is not None


def enter_paper_ballot(vote: Vote, actor: User, ballot_no: str, owner_ref: str,
                       choices: object = None, blank: bool = False) -> Ballot | BallotConflict:
    """Enter a paper ballot (blank = abstention); a repeated number or owner is refused."""
    require_open(vote)
    ballot_no = (ballot_no or "").strip()
    if not ballot_no or len(ballot_no) > 32:
        raise VotingError(422, "invalid_ballot_no", "ballot_no must be 1-32 characters")
    if blank and choices not in (None, {}):
        raise VotingError(422, "invalid_choice", "a blank ballot has no choices")
    if not blank:
        if choices is None:
            raise VotingError(422, "invalid_choice", "give choices, or blank: true")
        validate_choices(vote, choices)
    elector = elector_by_ref(vote, (owner_ref or "").strip())
    if elector is None:
        raise VotingError(422, "not_in_electorate",
                          f"owner {owner_ref!r} is not in this vote's electorate")
    if _ballot_no_taken(vote, ballot_no):
        raise VotingError(409, "duplicate_ballot_no",
                          f"paper ballot no. {ballot_no} is already entered")
    data = {"channel": Channel.PAPER, "choices": None if blank else choices, "blank": blank,
            "cast_by_id": None, "mandate_id": None, "ballot_no": ballot_no,
            "entered_by_id": actor.id, "cast_at": now()}
    result = write_ballot(vote, elector, data)
    conflict = isinstance(result, BallotConflict)
    record_event("ballot.paper_enter", actor=actor, community_id=vote.community_id,
                 target=f"vote:{vote.id}",
                 details={"ballot_no": ballot_no, "owner_ref": elector.owner_ref,
                          "blank": blank, "conflict": conflict})
    signals.emit(signals.ballot_recorded, vote=vote, ballot=result, channel="paper", actor=actor,
                 proxy=None)
    return result


def list_conflicts(vote: Vote, *, pending_only: bool = False) -> list[BallotConflict]:
    """The vote's paper/electronic conflicts, oldest first."""
    query = select(BallotConflict).where(BallotConflict.vote_id == vote.id)
    if pending_only:
        query = query.where(BallotConflict.resolved_at.is_(None))
    return list(db.session.execute(query.order_by(BallotConflict.id)).scalars())


def resolve_conflict(conflict: BallotConflict, actor: User, keep: str, reason: str) -> Ballot:
    """Keep one of the two ballots; the other becomes void, with who, when and why."""
    if conflict.resolved_at is not None:
        raise VotingError(409, "already_resolved", "this conflict is already resolved")
    try:
        kept = ConflictKept(keep)
    except ValueError:
        raise VotingError(422, "invalid_keep", "keep must be 'counted' or 'held'") from None
    reason = (reason or "").strip()
    if not reason:
        raise VotingError(422, "reason_required", "say why this ballot is kept")
    ballot = conflict.ballot
    vote = db.session.get(Vote, conflict.vote_id)
    if kept == ConflictKept.HELD:
        keep_revision(ballot, "void")
        data = {f: getattr(conflict, f) for f in (
            "channel", "choices", "blank", "cast_by_id", "mandate_id", "ballot_no",
            "entered_by_id", "cast_at")}
        if ballot.ballot_no is not None:
            ballot.ballot_no = None  # free the number before the kept paper ballot takes its own
            db.session.flush()
        apply_version(ballot, vote, data, conflict.receipt)
    conflict.kept = kept
    conflict.reason = reason
    conflict.resolved_at = now()
    conflict.resolved_by_id = actor.id
    record_event("ballot.conflict_resolve", actor=actor, community_id=vote.community_id,
                 target=f"vote:{vote.id}",
                 details={"conflict_id": conflict.id, "owner_ref": conflict.elector.owner_ref,
                          "kept": kept.value, "reason": reason})
    db.session.flush()
    signals.emit(signals.ballot_recorded, vote=vote, ballot=ballot, channel=None, actor=actor,
                 proxy=None)
    return ballot
