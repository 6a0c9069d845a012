"""Voting services: opening freezes the electorate, ballots, co-owners, vote change, closing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import func, select
from time_machine import Traveller

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.db import utcnow
from app.extensions import db
from app.register.models import Community
from proposals.models import ProposalState
from tests.voting.voting_helpers import World, build_world, make_proposal, open_for, run_jobs
from voting.models import Ballot, BallotChoice, BallotRevision, Vote, VoteElector, VoteState
from voting.services import (
    VotingError,
    ballot_status,
    cast_ballot,
    check_receipt,
    close_due_votes,
    close_vote,
    get_vote,
    open_vote,
    result_payload,
    vote_result,
)


def test_open_freezes_the_electorate_and_moves_the_proposal(world: World) -> None:
    vote = open_for(world)
    assert vote.state == VoteState.OPEN
    assert world.proposal.state == ProposalState.VOTING
    assert (vote.headcount, vote.area_m2, vote.units) == (4, Decimal("492.25"), 6)
    assert vote.threshold == "three_quarters"
    electors = {e.owner_ref: e for e in db.session.execute(select(VoteElector)).scalars()}
    assert set(electors) == {"o1", "o2", "o3", "developer"}
    assert electors["o1"].area_m2 == Decimal("179.50")
    assert electors["o1"].unit_labels == "1栋-101, 1栋-102"
    assert electors["developer"].unit_count == 2
    assert db.session.execute(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "vote.open")).scalar_one() == 1


def test_open_respects_scope_and_parking_setting(make_community: Callable[..., Community],
        make_user: Callable[..., User]) -> None:
    community = make_community(parking_area="excluded")
    committee = make_user("c", community, "committee")
    proposal = make_proposal(community, scope=["1栋", "P"])
    vote = open_vote(proposal, committee, "approve_each", utcnow() + timedelta(days=1))
    assert (vote.headcount, vote.area_m2) == (2, Decimal("279.50"))  # o1 + o2; parking excluded


def test_open_only_from_deliberation_with_a_known_method(world: World) -> None:
    with pytest.raises(VotingError) as bad_method:
        open_vote(world.proposal, world.committee, "borda", utcnow() + timedelta(days=1))
    assert bad_method.value.status == 422
    with pytest.raises(VotingError) as past:
        open_vote(world.proposal, world.committee, "approve_each", utcnow() - timedelta(hours=1))
    assert past.value.code == "invalid_closes_at"
    open_for(world)
    with pytest.raises(VotingError) as again:
        open_vote(world.proposal, world.committee, "approve_each", utcnow() + timedelta(days=1))
    assert again.value.code == "invalid_state"


def test_cast_gives_a_receipt_and_one_choice_row_per_option(world: World) -> None:
    vote = open_for(world)
    a, b = world.option_ids
    ballot = cast_ballot(vote, world.owner1, {str(a): "agree"})
    db.session.commit()
    assert len(ballot.receipt) == 14 and check_receipt(vote, ballot.receipt) == "counted"
    sides = dict(db.session.execute(select(BallotChoice.option_id, BallotChoice.side)).all())
    assert sides == {a: "agree", b: "abstain"}  # an option left out is an abstention


@pytest.mark.parametrize("choices, code", [
    ({"999": "agree"}, "unknown_option"),
    ({"1": "maybe"}, "unknown_option"),
    ("agree", "invalid_choice"),
])
def test_bad_choices_are_422(world: World, choices: object, code: str) -> None:
    vote = open_for(world)
    if code == "unknown_option" and "1" in choices:
        choices = {str(world.option_ids[0]): "maybe"}
        code = "invalid_choice"
    with pytest.raises(VotingError) as error:
        cast_ballot(vote, world.owner1, choices)
    assert (error.value.status, error.value.code) == (422, code)


def test_outside_the_electorate_is_403(world: World) -> None:
    vote = open_for(world)
    with pytest.raises(VotingError) as error:
        cast_ballot(vote, world.outsider, {})
    assert (error.value.status, error.value.code) == (403, "not_in_electorate")


def test_co_owners_share_one_ballot_and_see_who_voted(world: World) -> None:
    vote = open_for(world)
    a, _ = world.option_ids
    cast_ballot(vote, world.coowner_a, {str(a): "agree"})
    db.session.commit()
    status = ballot_status(vote, world.coowner_b)
    assert status.ballot is not None and status.cast_by_name == "coa"
    assert status.cast_at is not None
    cast_ballot(vote, world.coowner_b, {str(a): "oppose"})  # allowed: replaces, keeps history
    db.session.commit()
    assert db.session.execute(select(func.count(Ballot.id))).scalar_one() == 1
    assert db.session.execute(select(func.count(BallotRevision.id))).scalar_one() == 1


def test_changing_keeps_history_and_supersedes_the_receipt(world: World) -> None:
    vote = open_for(world)
    a, _ = world.option_ids
    first = cast_ballot(vote, world.owner1, {str(a): "agree"}).receipt
    db.session.commit()
    second = cast_ballot(vote, world.owner1, {str(a): "oppose"})
    db.session.commit()
    assert second.version == 2 and second.receipt != first
    assert check_receipt(vote, first) == "superseded"
    assert check_receipt(vote, second.receipt) == "counted"
    assert check_receipt(vote, "NOPE-NOPE-NOPE") is None
    side = db.session.execute(select(BallotChoice.side).where(BallotChoice.option_id == a))
    assert side.scalar_one() == "oppose"


def test_final_policy_refuses_a_second_ballot(make_community: Callable[..., Community],
        make_user: Callable[..., User]) -> None:
    world = build_world(make_community, make_user, vote_change="final")
    vote = open_for(world)
    cast_ballot(vote, world.coowner_a, {})
    db.session.commit()
    with pytest.raises(VotingError) as error:
        cast_ballot(vote, world.coowner_b, {})
    assert (error.value.status, error.value.code) == (409, "ballot_final")


def test_closed_vote_refuses_ballots_and_moves_the_proposal(world: World) -> None:
    vote = open_for(world)
    close_vote(vote, world.committee)
    db.session.commit()
    assert world.proposal.state == ProposalState.CLOSED
    assert vote.closed_by_id == world.committee.id
    with pytest.raises(VotingError) as error:
        cast_ballot(vote, world.owner1, {})
    assert (error.value.status, error.value.code) == (409, "vote_closed")
    with pytest.raises(VotingError) as again:
        close_vote(vote, world.committee)
    assert again.value.code == "vote_closed"


def test_a_due_vote_is_refused_and_read_without_writing_then_closed_by_the_job(
        world: World, app: Flask, clock: Traveller) -> None:
    vote = open_for(world, hours=1)
    clock.shift(timedelta(hours=2))
    with pytest.raises(VotingError) as due:
        cast_ballot(vote, world.owner1, {})  # due: refused even before it is closed
    assert (due.value.status, due.value.code) == (409, "vote_closed")
    assert get_vote(vote.id).state == VoteState.OPEN and vote.closing  # a read never closes
    vote_id = vote.id
    run_jobs(app)
    closed = db.session.get_one(Vote, vote_id)
    assert (closed.state, closed.closed_by_id, closed.closed_at) == (
        VoteState.CLOSED, None, closed.closes_at)
    assert not closed.closing
    assert close_due_votes() == []


def test_close_due_command_closes_due_votes(world: World, app: Flask,
                                            clock: Traveller) -> None:
    vote = open_for(world, hours=1)
    clock.shift(timedelta(hours=2))
    result = app.test_cli_runner().invoke(args=["votes", "close-due"])
    assert result.exit_code == 0, result.output
    assert "1 vote(s) closed" in result.output
    db.session.expire_all()
    assert db.session.get(Vote, vote.id).state == VoteState.CLOSED


def test_result_while_open_shows_only_turnout(world: World) -> None:
    vote = open_for(world)
    cast_ballot(vote, world.owner1, {})
    payload = result_payload(vote)
    assert set(payload) >= {"state", "electorate", "participation"}
    assert "options" not in payload and payload["state"] == "open"
    assert payload["participation"] == {"headcount": 1, "area_m2": "179.50", "quorum_met": False}


def test_result_after_close_counts_area_and_headcount(make_community: Callable[..., Community],
        make_user: Callable[..., User]) -> None:
    world = build_world(make_community, make_user)
    world.community.follow_majority = True
    db.session.commit()
    vote = open_for(world)
    a, b = world.option_ids
    cast_ballot(vote, world.owner1, {str(a): "agree", str(b): "oppose"})
    cast_ballot(vote, world.coowner_a, {str(a): "agree", str(b): "agree"})
    cast_ballot(vote, world.parking, {str(a): "oppose"})
    close_vote(vote, world.committee)
    data = vote_result(vote).to_dict("closed", extended=True)
    # participation 3 of 4 heads, 292.00 of 492.25 m² (59.3%): quorum not met
    assert data["participation"] == {"headcount": 3, "area_m2": "292.00", "quorum_met": False}
    option_a = data["options"][0]
    assert option_a["agree"] == {"headcount": 2, "area_m2": "279.50"}
    assert option_a["oppose"] == {"headcount": 1, "area_m2": "12.50"}
    assert option_a["passed"] is False
    assert "按面积参与率 59.32%，低于三分之二" in data["outcome"]["reasons"]
    assert data["adjusted"]["label"] == "non_voters_with_majority"


def test_the_services_send_their_domain_events(world: World, app: Flask) -> None:
    """Opening, a ballot, a paper ballot and closing each send their signal, to this app."""
    from app import signals

    heard: list[tuple[str, dict[str, object]]] = []
    receivers = []  # blinker keeps weak references: hold the receivers for the test
    for name in ("vote_opened", "ballot_recorded", "vote_closed"):
        def receiver(sender: Flask, name: str = name, **payload: object) -> None:
            heard.append((name, payload))
        receivers.append(receiver)
        getattr(signals, name).connect_via(app)(receiver)
    vote = open_for(world)
    ballot = cast_ballot(vote, world.owner1, {})
    close_vote(vote, world.committee)
    assert [name for name, _ in heard] == ["vote_opened", "ballot_recorded", "vote_closed"]
    assert heard[1][1] == {"vote": vote, "ballot": ballot, "channel": "electronic",
                           "actor": world.owner1, "proxy": None}
    assert heard[2][1] == {"vote": vote, "actor": world.committee}
