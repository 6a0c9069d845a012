"""Paper ballots entered by the committee, and resolving paper/electronic conflicts."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app import signals
from app.accounts.models import User
from app.audit.services import record_event
from app.db import utcnow
from app.extensions import db
from app.law.words import N_
from app.register.models import Community
from voting.models import (
    Ballot,
    BallotConflict,
    BallotRevision,
    Channel,
    ConflictKept,
    EntryState,
    PaperEntry,
    PaperNumber,
    Vote,
    VoteElector,
)
from voting.services.ballots import apply_version, keep_revision, validate_choices, write_ballot
from voting.services.common import VotingError, elector_by_ref, require_open
from voting.services.printing import number_of


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


def resolve_paper_owner(vote: Vote, ballot_no: str,
                        owner_ref: str | None) -> tuple[VoteElector, PaperNumber | None]:
    """The elector a paper ballot is entered for: the owner its pre-assigned number belongs to
    (a different `owner_ref` is 422 `ballot_no_mismatch`), else the one `owner_ref` names."""
    number = number_of(vote, ballot_no)
    ref = (owner_ref or "").strip()
    if number is not None:
        if ref and ref != number.elector.owner_ref:
            raise VotingError("ballot_no_mismatch",
                              N_("选票编号 %(ballot_no)s 预先分配给了另一位业主，"
                                 "不是 %(owner_ref)s"),
                              status=422, field="ballot_no", ballot_no=number.ballot_no,
                              owner_ref=ref)
        return number.elector, number
    if not ref:
        raise VotingError("owner_ref_required",
                          N_("这个选票编号没有预先分配，请填写业主编号"), status=422,
                          field="owner_ref", ballot_no=ballot_no)
    elector = elector_by_ref(vote, ref)
    if elector is None:
        raise VotingError("not_in_electorate", N_("不在本次表决的业主名单中"), status=422,
                          field="owner_ref", owner_ref=ref)
    return elector, None


def elector_by_unit(vote: Vote, label: str) -> VoteElector | None:
    """The elector holding a unit, by its label as the snapshot has it ("1栋-101")."""
    label = " ".join((label or "").split())
    if not label or "," in label:
        return None
    labels = VoteElector.unit_labels
    return db.session.execute(
        select(VoteElector).where(VoteElector.vote_id == vote.id, or_(
            labels == label, labels.startswith(f"{label}, ", autoescape=True),
            labels.endswith(f", {label}", autoescape=True),
            labels.contains(f", {label}, ", autoescape=True))).limit(1)
    ).scalar_one_or_none()


def _check_content(vote: Vote, choices: object, blank: bool) -> object:
    """Blank or valid choices (never both, never neither); the method's normalised reading."""
    if blank and choices not in (None, {}):
        raise VotingError("invalid_choice", N_("空白票不能同时填写选择"), status=422,
                          field="blank")
    if blank:
        return None
    if choices is None:
        raise VotingError("invalid_choice", N_("请填写选票上的选择，或勾选空白票"),
                          status=422, field="blank")
    return validate_choices(vote, choices)


def enter_paper_ballot(vote: Vote, actor: User, ballot_no: str, owner_ref: str | None = None,
                       choices: object = None, blank: bool = False
                       ) -> Ballot | BallotConflict | PaperEntry:
    """Enter a paper ballot (blank = abstention); a repeated number or owner is refused.

    A pre-assigned number names its owner (`owner_ref` may be omitted; another owner is 422
    `ballot_no_mismatch`). Where the community asks for double entry the first entry waits
    (a `PaperEntry`) and the ballot counts once another committee member entered the same;
    a mismatch is queued for the committee.
    """
    require_open(vote)
    ballot_no = (ballot_no or "").strip()
    if not ballot_no or len(ballot_no) > 32:
        raise VotingError("invalid_ballot_no", N_("选票编号应为 1 到 32 个字符"), status=422,
                          field="ballot_no")
    reading = _check_content(vote, choices, blank)
    elector, _number = resolve_paper_owner(vote, ballot_no, owner_ref)
    if _ballot_no_taken(vote, ballot_no):
        raise VotingError("duplicate_ballot_no", N_("这个选票编号已经录入过"),
                          field="ballot_no", ballot_no=ballot_no)
    community = db.session.get_one(Community, vote.community_id)
    if community.paper_double_entry:
        return _double_entry(vote, actor, elector, ballot_no, choices, blank, reading)
    return _count_paper(vote, actor, elector, ballot_no, None if blank else choices, blank,
                        actor.id)


def _count_paper(vote: Vote, actor: User, elector: VoteElector, ballot_no: str,
                 choices: object, blank: bool, entered_by_id: int | None
                 ) -> Ballot | BallotConflict:
    """Write the paper ballot as counted (or held beside an electronic one); audit; signal."""
    data = {"channel": Channel.PAPER, "choices": None if blank else choices, "blank": blank,
            "cast_by_id": None, "mandate_id": None, "ballot_no": ballot_no,
            "entered_by_id": entered_by_id, "cast_at": utcnow()}
    result = write_ballot(vote, elector, data)
    conflict = isinstance(result, BallotConflict)
    record_event("ballot.paper_enter", actor=actor, community_id=vote.community_id,
                 target=f"vote:{vote.id}",
                 details={"ballot_no": ballot_no, "owner_ref": elector.owner_ref,
                          "blank": blank, "conflict": conflict})
    signals.emit(signals.ballot_recorded, vote=vote, ballot=result, channel=Channel.PAPER,
                 actor=actor, proxy=None)
    return result


def _reading(vote: Vote, entry: PaperEntry) -> object:
    return None if entry.blank else validate_choices(vote, entry.choices)


def _double_entry(vote: Vote, actor: User, elector: VoteElector, ballot_no: str,
                  choices: object, blank: bool, reading: object
                  ) -> Ballot | BallotConflict | PaperEntry:
    """First entry waits; the second (another member) counts it when both read the same."""
    open_entries = list(db.session.execute(
        select(PaperEntry).where(PaperEntry.vote_id == vote.id,
                                 PaperEntry.ballot_no == ballot_no,
                                 PaperEntry.state.in_([EntryState.WAITING,
                                                       EntryState.MISMATCH]))
        .order_by(PaperEntry.id).with_for_update()).scalars())
    if any(e.state == EntryState.MISMATCH for e in open_entries):
        raise VotingError("entry_mismatch_pending",
                          N_("这张选票的两次录入不一致，请先在待核对列表中处理"),
                          field="ballot_no", ballot_no=ballot_no)
    entry = PaperEntry(vote_id=vote.id, elector_id=elector.id, ballot_no=ballot_no,
                       choices=None if blank else choices, blank=blank, entered_by_id=actor.id,
                       entered_at=utcnow())
    first = open_entries[0] if open_entries else None
    if first is None:
        db.session.add(entry)
        db.session.flush()
        record_event("ballot.paper_first_entry", actor=actor, community_id=vote.community_id,
                     target=f"vote:{vote.id}",
                     details={"ballot_no": ballot_no, "owner_ref": elector.owner_ref})
        return entry
    if first.entered_by_id == actor.id:
        raise VotingError("same_enterer", N_("第二次录入须由另一位业委会成员完成"),
                          field="ballot_no", ballot_no=ballot_no)
    entry.first_id = first.id
    db.session.add(entry)
    same = (first.elector_id == elector.id and first.blank == blank
            and _reading(vote, first) == reading)
    if not same:
        first.state = entry.state = EntryState.MISMATCH
        db.session.flush()
        record_event("ballot.paper_entry_mismatch", actor=actor,
                     community_id=vote.community_id, target=f"vote:{vote.id}",
                     details={"ballot_no": ballot_no, "first": first.id, "second": entry.id})
        return entry
    first.state = entry.state = EntryState.MATCHED
    db.session.flush()
    return _count_paper(vote, actor, elector, ballot_no, entry.choices, blank, actor.id)


def pending_entries(vote: Vote) -> list[PaperEntry]:
    """Double entries waiting for the second entry or for a mismatch to be resolved."""
    return list(db.session.execute(
        select(PaperEntry).options(selectinload(PaperEntry.elector),
                                   selectinload(PaperEntry.entered_by))
        .where(PaperEntry.vote_id == vote.id,
               PaperEntry.state.in_([EntryState.WAITING, EntryState.MISMATCH]))
        .order_by(PaperEntry.ballot_no, PaperEntry.id)).scalars())


def resolve_entry_mismatch(actor: User, vote: Vote, entry: PaperEntry, keep: str,
                           reason: str) -> Ballot | BallotConflict | None:
    """Settle two entries that disagree: count the first's or the second's reading after
    checking the paper, or discard both to enter it again; the reason is recorded."""
    require_open(vote)
    second = entry if entry.first_id is not None else db.session.execute(
        select(PaperEntry).where(PaperEntry.first_id == entry.id)).scalar_one_or_none()
    if second is None or second.state != EntryState.MISMATCH or second.first_id is None:
        raise VotingError("no_mismatch", N_("这两次录入没有待处理的不一致"))
    first = db.session.get_one(PaperEntry, second.first_id)
    if keep not in ("first", "second", "neither"):
        raise VotingError("invalid_keep", N_("请选择保留哪一次录入"), status=422, field="keep")
    reason = (reason or "").strip()
    if not reason:
        raise VotingError("reason_required", N_("请写明理由"), status=422, field="reason")
    now = utcnow()
    for item in (first, second):
        item.state, item.resolved_by_id, item.resolved_at = EntryState.RESOLVED, actor.id, now
    db.session.flush()
    record_event("ballot.paper_entry_resolve", actor=actor, community_id=vote.community_id,
                 target=f"vote:{vote.id}",
                 details={"ballot_no": first.ballot_no, "kept": keep, "reason": reason})
    if keep == "neither":
        return None
    chosen = first if keep == "first" else second
    elector = db.session.get_one(VoteElector, chosen.elector_id)
    return _count_paper(vote, actor, elector, chosen.ballot_no, chosen.choices, chosen.blank,
                        chosen.entered_by_id)


def paper_record(vote: Vote, ballot_no: str) -> Ballot | BallotConflict | PaperEntry | None:
    """What became of a paper ballot number: counted, held, or an entry awaiting the second."""
    ballot_no = (ballot_no or "").strip()
    counted = db.session.execute(select(Ballot).where(
        Ballot.vote_id == vote.id, Ballot.ballot_no == ballot_no)).scalar_one_or_none()
    if counted is not None:
        return counted
    held = db.session.execute(select(BallotConflict).where(
        BallotConflict.vote_id == vote.id,
        BallotConflict.ballot_no == ballot_no)).scalar_one_or_none()
    if held is not None:
        return held
    return db.session.execute(
        select(PaperEntry).where(PaperEntry.vote_id == vote.id,
                                 PaperEntry.ballot_no == ballot_no)
        .order_by(PaperEntry.id.desc()).limit(1)).scalar_one_or_none()


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
    signals.emit(signals.ballot_conflict_resolved, vote=vote, conflict=conflict, ballot=ballot,
                 actor=actor)
    return ballot


def entry_counts(vote: Vote) -> dict[str, int]:
    """Double entries by state ("waiting", "mismatch"; one query)."""
    rows = db.session.execute(
        select(PaperEntry.state, func.count(PaperEntry.id))
        .where(PaperEntry.vote_id == vote.id, PaperEntry.first_id.is_(None) | (
            PaperEntry.state == EntryState.MISMATCH))
        .group_by(PaperEntry.state)).all()
    counts = {state.value: n for state, n in rows}
    # a mismatch is a pair: count it once
    counts["mismatch"] = counts.get("mismatch", 0) // 2
    return counts
