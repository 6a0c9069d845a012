"""Paper ballots entered by the committee, and resolving paper/electronic conflicts."""

from __future__ import annotations

from sqlalchemy import select

from app import signals
from app.accounts.models import User
from app.audit.services import record_event
from app.db import utcnow
from app.extensions import db
from app.law.words import N_
from voting.models import (
    Ballot,
    BallotConflict,
    BallotRevision,
    Channel,
    ConflictKept,
    Vote,
)
from voting.services.ballots import apply_version, keep_revision, validate_choices, write_ballot
from voting.services.common import VotingError, elector_by_ref, require_open


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
        raise VotingError("invalid_ballot_no", N_("选票编号应为 1 到 32 个字符"), status=422,
                          field="ballot_no")
    if blank and choices not in (None, {}):
        raise VotingError("invalid_choice", N_("空白票不能同时填写选择"), status=422,
                          field="blank")
    if not blank:
        if choices is None:
            raise VotingError("invalid_choice", N_("请填写选票上的选择，或勾选空白票"),
                              status=422, field="blank")
        validate_choices(vote, choices)
    elector = elector_by_ref(vote, (owner_ref or "").strip())
    if elector is None:
        raise VotingError("not_in_electorate", N_("不在本次表决的业主名单中"), status=422,
                          field="owner_ref", owner_ref=owner_ref)
    if _ballot_no_taken(vote, ballot_no):
        raise VotingError("duplicate_ballot_no", N_("这个选票编号已经录入过"),
                          field="ballot_no", ballot_no=ballot_no)
    data = {"channel": Channel.PAPER, "choices": None if blank else choices, "blank": blank,
            "cast_by_id": None, "mandate_id": None, "ballot_no": ballot_no,
            "entered_by_id": actor.id, "cast_at": utcnow()}
    result = write_ballot(vote, elector, data)
    conflict = isinstance(result, BallotConflict)
    record_event("ballot.paper_enter", actor=actor, community_id=vote.community_id,
                 target=f"vote:{vote.id}",
                 details={"ballot_no": ballot_no, "owner_ref": elector.owner_ref,
                          "blank": blank, "conflict": conflict})
    signals.emit(signals.ballot_recorded, vote=vote, ballot=result, channel=Channel.PAPER,
                 actor=actor, proxy=None)
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
        raise VotingError("already_resolved", N_("这个冲突已经处理过"))
    try:
        kept = ConflictKept(keep)
    except ValueError:
        raise VotingError("invalid_keep", N_("请选择保留哪一张"), status=422,
                          field="keep") from None
    reason = (reason or "").strip()
    if not reason:
        raise VotingError("reason_required", N_("请写明理由"), status=422, field="reason")
    ballot = conflict.ballot
    vote = db.session.get_one(Vote, conflict.vote_id)
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
    conflict.resolved_at = utcnow()
    conflict.resolved_by_id = actor.id
    record_event("ballot.conflict_resolve", actor=actor, community_id=vote.community_id,
                 target=f"vote:{vote.id}",
                 details={"conflict_id": conflict.id, "owner_ref": conflict.elector.owner_ref,
                          "kept": kept.value, "reason": reason})
    db.session.flush()
    signals.emit(signals.ballot_recorded, vote=vote, ballot=ballot, channel=None, actor=actor,
                 proxy=None)
    return ballot
