"""Casting ballots: one counted ballot per owner, written insert-first under a UNIQUE constraint.

A second write for the same (vote, elector) is refused by the database itself
(INSERT ... ON CONFLICT DO NOTHING), and only then does the service decide what to do: replace
with history (vote change allowed), refuse (final), or hold the ballot as a paper/electronic
conflict. No check-then-insert race is possible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.exc import IntegrityError

from app import signals
from app.accounts.models import User
from app.db import utcnow
from app.dialect import insert_ignoring_conflicts
from app.extensions import db
from app.law.words import N_
from app.register.models import VoteChangePolicy
from voting.counting import BallotError, get_method
from voting.models import (
    Ballot,
    BallotChoice,
    BallotConflict,
    BallotRevision,
    Channel,
    ProxyMandate,
    Vote,
    VoteElector,
)
from voting.services.common import (
    VotingError,
    elector_by_ref,
    elector_of_user,
    new_receipt,
    normalize_receipt,
    refused,
    require_open,
)

BALLOT_FIELDS = ("channel", "choices", "blank", "cast_by_id", "mandate_id", "ballot_no",
                 "entered_by_id", "cast_at")


def validate_choices(vote: Vote, choices: object) -> object:
    """Validate choices with the vote's method; a bad ballot is a 422 VotingError."""
    try:
        return get_method(vote.method).validate_choices(choices, frozenset(vote.option_ids))
    except BallotError as error:
        raise refused(error) from None


def choice_rows(vote: Vote, choices: Mapping[str, Any] | None,
                blank: bool) -> list[tuple[int, str, int | None]]:
    """(option_id, side, rank) rows of a ballot: what the SQL tally groups by."""
    method = get_method(vote.method)
    return [(option_id, side.value, rank)
            for option_id, side, rank in method.choice_rows(choices, blank, vote.option_ids)]


def write_choices(ballot: Ballot, vote: Vote, *, new: bool = False) -> None:
    """Replace the ballot's BallotChoice rows (a `new` ballot has none to delete)."""
    if not new:
        db.session.execute(delete(BallotChoice).where(BallotChoice.ballot_id == ballot.id))
    rows = [{"ballot_id": ballot.id, "option_id": o, "vote_id": vote.id,
             "elector_id": ballot.elector_id, "side": s, "rank": r}
            for o, s, r in choice_rows(vote, ballot.choices, ballot.blank)]
    if rows:
        db.session.execute(insert(BallotChoice), rows)


def keep_revision(ballot: Ballot, reason: str) -> BallotRevision:
    """Copy the ballot's current version into its history."""
    revision = BallotRevision(ballot_id=ballot.id, version=ballot.version, receipt=ballot.receipt,
                              superseded_at=utcnow(), reason=reason,
                              **{f: getattr(ballot, f) for f in BALLOT_FIELDS})
    db.session.add(revision)
    return revision


def apply_version(ballot: Ballot, vote: Vote, data: dict[str, Any], receipt: str) -> None:
    """Make `data` the ballot's current version (the caller kept the old one)."""
    for field in BALLOT_FIELDS:
        setattr(ballot, field, data[field])
    ballot.receipt = receipt
    ballot.version += 1
    db.session.flush()
    write_choices(ballot, vote)


#: the statement is built once per dialect; each ballot passes only its values
_INSERT_BALLOT = {dialect: insert_ignoring_conflicts(Ballot, dialect).returning(Ballot)
                  for dialect in ("postgresql", "sqlite")}


def _insert_ballot(vote: Vote, elector: VoteElector, data: dict[str, Any],
                   receipt: str) -> Ballot | None:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING the ballot; None when a UNIQUE key is taken.

    The database decides, in the same statement: no savepoint, no check-then-insert race.
    """
    values = {"vote_id": vote.id, "elector_id": elector.id, "receipt": receipt, "version": 1,
              **data}
    statement = _INSERT_BALLOT[db.session.get_bind().dialect.name]
    return db.session.scalars(statement, values).one_or_none()


def write_ballot(vote: Vote, elector: VoteElector, data: dict[str, Any]) -> Ballot | BallotConflict:
    """Insert the counted ballot, or on UNIQUE(vote, elector) replace, refuse or hold it.

    The owner's own ballot prevails over a mandate: a proxy (`mandate_id` set) never replaces
    a ballot the owner cast themselves or handed in on paper (409 `owner_voted`), while the
    owner may replace their proxy's ballot where votes may be changed (kept as a revision).
    """
    receipt = new_receipt()
    ballot = _insert_ballot(vote, elector, data, receipt)
    if ballot is not None:
        write_choices(ballot, vote, new=True)
        return ballot
    existing = db.session.execute(
        select(Ballot).where(Ballot.vote_id == vote.id, Ballot.elector_id == elector.id)
        .with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if existing is None:
        raise VotingError("duplicate_ballot_no", N_("这个选票编号已经录入过"),
                          field="ballot_no", ballot_no=data["ballot_no"])
    if data["mandate_id"] is not None and existing.mandate_id is None:
        raise VotingError("owner_voted", N_("业主本人已经投票，以业主本人的选票为准"),
                          owner_ref=elector.owner_ref)
    if existing.channel != data["channel"]:
        return _hold_conflict(vote, elector, existing, data, receipt)
    if data["channel"] == Channel.PAPER:
        raise VotingError("duplicate_owner", N_("这位业主的纸质票已经录入过（编号 %(ballot_no)s）"),
                          field="owner_ref", owner_ref=elector.owner_ref,
                          ballot_no=existing.ballot_no)
    if vote.proposal.community.vote_change == VoteChangePolicy.FINAL:
        raise VotingError("ballot_final", N_("你已经投过票，本小区规定投票后不能更改"))
    keep_revision(existing, "changed")
    apply_version(existing, vote, data, receipt)
    return existing


def _hold_conflict(vote: Vote, elector: VoteElector, existing: Ballot, data: dict[str, Any],
                   receipt: str) -> BallotConflict:
    """Hold a ballot of the other channel for the committee; never merged."""
    try:
        with db.session.begin_nested():
            conflict = BallotConflict(vote_id=vote.id, elector_id=elector.id,
                                      ballot_id=existing.id, receipt=receipt, **data)
            db.session.add(conflict)
            db.session.flush()
        return conflict
    except IntegrityError:
        raise VotingError("conflict_pending",
                          N_("这位业主已有纸质票和电子票各一张，等待业委会处理"),
                          field="owner_ref", owner_ref=elector.owner_ref) from None


def usable_mandate(vote: Vote, holder: User, elector: VoteElector) -> ProxyMandate | None:
    """An unrevoked mandate from the elector's owner to the holder that covers this vote."""
    at = utcnow()
    return db.session.execute(
        select(ProxyMandate).where(
            ProxyMandate.holder_id == holder.id,
            ProxyMandate.mandator_id == elector.owner_id,
            ProxyMandate.community_id == vote.community_id,
            ProxyMandate.revoked_at.is_(None),
            or_(ProxyMandate.vote_id == vote.id,
                (ProxyMandate.vote_id.is_(None)) & (ProxyMandate.valid_from <= at)
                & (ProxyMandate.valid_until >= at)),
        ).order_by(ProxyMandate.id).limit(1)
    ).scalar_one_or_none()


def cast_ballot(vote: Vote, actor: User, choices: object,
                on_behalf_of: str | None = None) -> Ballot | BallotConflict:
    """Cast (or change) an electronic ballot for the actor's owner or, by mandate, another's.

    Who votes is decided by the current membership: an account whose role no longer votes
    (demoted to resident) is not in the electorate any more, whatever owner it is linked to.
    """
    require_open(vote)
    mandate = None
    own = elector_of_user(vote, actor)
    if on_behalf_of is None or (own is not None and own.owner_ref == on_behalf_of):
        elector = own
        if elector is None:
            raise VotingError("not_in_electorate", N_("不在本次表决的业主名单中"), status=403)
    else:
        elector = elector_by_ref(vote, on_behalf_of)
        if elector is None:
            raise VotingError("not_in_electorate", N_("不在本次表决的业主名单中"), status=403,
                              owner_ref=on_behalf_of)
        mandate = usable_mandate(vote, actor, elector)
        if mandate is None:
            raise VotingError("no_mandate", N_("你没有这位业主的有效委托"), status=403,
                              owner_ref=on_behalf_of)
    validate_choices(vote, choices)
    cast_at = utcnow()
    data = {"channel": Channel.ELECTRONIC, "choices": choices, "blank": False,
            "cast_by_id": actor.id, "mandate_id": getattr(mandate, "id", None),
            "ballot_no": None, "entered_by_id": None, "cast_at": cast_at}
    result = write_ballot(vote, elector, data)
    if mandate is not None and mandate.used_at is None:
        mandate.used_at = cast_at
    signals.emit(signals.ballot_recorded, vote=vote, ballot=result, channel=Channel.ELECTRONIC,
                 actor=actor, proxy=mandate)
    return result


@dataclass(frozen=True)
class BallotStatus:
    """What an owner (or a co-owner) sees of their ballot: who cast it and when."""

    ballot: Ballot | None
    elector: VoteElector | None
    cast_by_name: str
    cast_at: datetime | None


def ballot_status(vote: Vote, user: User) -> BallotStatus:
    """The counted ballot of the user's owner, shared by all co-owners' accounts."""
    elector = elector_of_user(vote, user)
    if elector is None:
        return BallotStatus(None, None, "", None)
    ballot = db.session.execute(
        select(Ballot).where(Ballot.vote_id == vote.id, Ballot.elector_id == elector.id)
    ).scalar_one_or_none()
    if ballot is None:
        return BallotStatus(None, elector, "", None)
    who = ballot.cast_by.name if ballot.cast_by else ""
    return BallotStatus(ballot, elector, who, ballot.cast_at)


def check_receipt(vote: Vote, receipt: str) -> str | None:
    """Status of a receipt (matched ignoring case, spaces and dashes): counted, superseded,
    void, held, or None when unknown."""
    code = normalize_receipt(receipt)
    if code is None:
        return None
    if db.session.execute(select(Ballot.id).where(Ballot.vote_id == vote.id,
                                                  Ballot.receipt == code)).first():
        return "counted"
    reason = db.session.execute(
        select(BallotRevision.reason).join(Ballot, Ballot.id == BallotRevision.ballot_id)
        .where(Ballot.vote_id == vote.id, BallotRevision.receipt == code)).scalar_one_or_none()
    if reason is not None:
        return "superseded" if reason == "changed" else "void"
    conflict = db.session.execute(
        select(BallotConflict).where(BallotConflict.vote_id == vote.id,
                                     BallotConflict.receipt == code)).scalar_one_or_none()
    if conflict is not None:
        return "held" if conflict.resolved_at is None else "void"
    return None
