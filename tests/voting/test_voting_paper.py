"""Paper ballots: entered by the committee, repeats refused, conflicts with e-ballots held."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from tests.voting.voting_helpers import World, open_for
from voting.models import Ballot, BallotConflict, BallotRevision, Channel
from voting.services import (
    VotingError,
    cast_ballot,
    check_receipt,
    close_vote,
    enter_paper_ballot,
    list_conflicts,
    resolve_conflict,
    vote_result,
)


def _count(model: Any) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_paper_ballot_records_the_entering_user_and_counts(world: World) -> None:
    vote = open_for(world)
    a, _ = world.option_ids
    ballot = enter_paper_ballot(vote, world.committee, "001", "developer", {str(a): "agree"})
    db.session.commit()
    assert ballot.channel == Channel.PAPER and ballot.entered_by_id == world.committee.id
    assert ballot.cast_by_id is None
    assert _count(AuditEntry.__table__) >= 2  # vote.open + ballot.paper_enter
    actions = db.session.execute(select(AuditEntry.action)).scalars().all()
    assert "ballot.paper_enter" in actions


def test_blank_paper_ballot_participates_and_abstains(world: World) -> None:
    vote = open_for(world)
    enter_paper_ballot(vote, world.committee, "7", "o1", blank=True)
    close_vote(vote, world.committee)
    result = vote_result(vote)
    assert result.participation.headcount == 1
    option = result.options[0]
    assert (option.abstain.headcount, str(option.abstain.area)) == (1, "179.50")
    assert option.agree.headcount == 0


def test_repeated_ballot_number_or_owner_is_refused(world: World) -> None:
    vote = open_for(world)
    enter_paper_ballot(vote, world.committee, "001", "o1", {})
    with pytest.raises(VotingError) as same_no:
        enter_paper_ballot(vote, world.committee, "001", "o2", {})
    assert (same_no.value.status, same_no.value.code) == (409, "duplicate_ballot_no")
    with pytest.raises(VotingError) as same_owner:
        enter_paper_ballot(vote, world.committee, "002", "o1", {})
    assert (same_owner.value.status, same_owner.value.code) == (409, "duplicate_owner")
    assert "001" in same_owner.value.message
    with pytest.raises(VotingError) as unknown:
        enter_paper_ballot(vote, world.committee, "003", "nobody", {})
    assert unknown.value.code == "not_in_electorate"
    with pytest.raises(VotingError) as neither:
        enter_paper_ballot(vote, world.committee, "004", "o2")
    assert neither.value.status == 422
    assert _count(Ballot.__table__) == 1


def test_paper_after_electronic_is_held_not_merged(world: World) -> None:
    vote = open_for(world)
    a, _ = world.option_ids
    electronic = cast_ballot(vote, world.owner1, {str(a): "agree"})
    held = enter_paper_ballot(vote, world.committee, "009", "o1", {str(a): "oppose"})
    db.session.commit()
    assert isinstance(held, BallotConflict) and held.resolved_at is None
    assert _count(Ballot.__table__) == 1
    assert check_receipt(vote, held.receipt) == "held"
    # the counted ballot is unchanged until the committee decides
    assert db.session.get(Ballot, electronic.id).choices == {str(a): "agree"}
    with pytest.raises(VotingError) as close:
        close_vote(vote, world.committee)
    assert close.value.code == "conflicts_pending"
    with pytest.raises(VotingError) as third:
        enter_paper_ballot(vote, world.committee, "010", "o1", {})
    assert third.value.code in {"duplicate_owner", "conflict_pending"}


def test_resolving_keeps_the_chosen_ballot_and_voids_the_other(world: World) -> None:
    vote = open_for(world)
    a, _ = world.option_ids
    paper = enter_paper_ballot(vote, world.committee, "011", "o2", {str(a): "oppose"})
    first_receipt = paper.receipt
    held = cast_ballot(vote, world.coowner_a, {str(a): "agree"})  # electronic after paper
    assert isinstance(held, BallotConflict)
    with pytest.raises(VotingError) as no_reason:
        resolve_conflict(held, world.committee, "held", "  ")
    assert no_reason.value.code == "reason_required"
    ballot = resolve_conflict(held, world.committee, "held", "业主书面确认以网上投票为准")
    db.session.commit()
    assert ballot.channel == Channel.ELECTRONIC and ballot.choices == {str(a): "agree"}
    revision = db.session.execute(select(BallotRevision)).scalar_one()
    assert (revision.reason, revision.ballot_no) == ("void", "011")
    assert check_receipt(vote, first_receipt) == "void"
    assert check_receipt(vote, held.receipt) == "counted"
    assert held.resolved_by_id == world.committee.id and held.kept.value == "held"
    assert list_conflicts(vote, pending_only=True) == []
    with pytest.raises(VotingError) as again:
        resolve_conflict(held, world.committee, "counted", "x")
    assert again.value.code == "already_resolved"
    close_vote(vote, world.committee)
    assert vote_result(vote).options[0].agree.headcount == 1


def test_keeping_the_counted_ballot_voids_the_held_one(world: World) -> None:
    vote = open_for(world)
    cast_ballot(vote, world.owner1, {})
    held = enter_paper_ballot(vote, world.committee, "012", "o1", blank=True)
    resolve_conflict(held, world.committee, "counted", "纸质票签名不符")
    db.session.commit()
    assert check_receipt(vote, held.receipt) == "void"
    assert db.session.execute(select(Ballot.channel)).scalar_one() == Channel.ELECTRONIC
    with pytest.raises(VotingError) as number:
        enter_paper_ballot(vote, world.committee, "012", "o2", {})
    assert number.value.code == "duplicate_ballot_no"  # a voided number stays used
