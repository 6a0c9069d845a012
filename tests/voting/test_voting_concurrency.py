"""Concurrency: an owner casting twice at once, or a proxy and the owner at once, yields exactly
one ballot row; the loser gets a 409 domain error. Enforced by UNIQUE(vote_id, elector_id) with
insert-first writes, not by check-then-insert. Parallel mandates for one owner: exactly one.

Runs on both backends (selected by `tests.conftest.BACKEND`): on PostgreSQL the second insert
blocks on the uncommitted first row's unique index entry and fails when it commits; SQLite
serialises writers (BEGIN IMMEDIATE), so the second writer waits for the lock. Same threads,
same outcome. Work runs in `tests.threads.run_in_threads`, so a failure in a thread fails the
test.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.db import immediate_transactions, utcnow
from app.extensions import db
from app.register.models import Community, Owner
from app.register.services import get_owner
from tests.conftest import BACKEND
from tests.threads import DEADLINE, run_in_threads
from tests.voting.test_voting_api import headers
from tests.voting.voting_helpers import PDF, World, build_world, open_for
from voting.models import Ballot, BallotChoice, BallotRevision, ProxyMandate, Vote, VoteElector
from voting.services import VotingError, cast_ballot, create_mandate


@pytest.fixture
def world(make_community: Callable[..., Community], make_user: Callable[..., User], app: Flask,
          tmp_path: Path) -> World:
    """The voting world with final ballots, the developer's account, uploads in tmp_path."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    world = build_world(make_community, make_user, vote_change="final")
    make_user("dev", world.community, "owner", owner_ref="developer")
    return world


def _ballots_per_elector(vote_id: int) -> dict[str, int]:
    db.session.expire_all()
    return dict(db.session.execute(
        select(VoteElector.owner_ref, func.count(Ballot.id))
        .join(Ballot, Ballot.elector_id == VoteElector.id)
        .where(Ballot.vote_id == vote_id).group_by(VoteElector.owner_ref)).all())


def _a_backend_waits_on_a_lock(app: Flask) -> bool:
    """PostgreSQL: some other backend is blocked on a lock (our second insert)."""
    with app.app_context():
        waiting = db.session.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'")).scalar_one()
        db.session.remove()
    return bool(waiting > 0)


@pytest.mark.parametrize(("second", "refusal"), [("same_owner", "ballot_final"),
                                                 ("proxy", "owner_voted")])
def test_second_insert_blocks_on_the_unique_key_and_loses(app: Flask, world: World,
                                                          second: str, refusal: str) -> None:
    """Deterministic interleaving: A has inserted (uncommitted) before B even starts."""
    vote = open_for(world)
    if second == "proxy":
        create_mandate(world.community, world.committee, get_owner(world.community, "o1"),
                       world.outsider, PDF, vote=vote)
    db.session.commit()
    vote_id, a_id = vote.id, world.owner1.id
    b_id, on_behalf = ((world.outsider.id, "o1") if second == "proxy" else (world.owner1.id, None))
    db.session.remove()
    a_inserted, b_started, release_a = threading.Event(), threading.Event(), threading.Event()

    def cast(user_id: int, behalf: str | None, before: Callable[[], object],
             after: Callable[[], object]) -> str | VotingError:
        with app.app_context(), immediate_transactions():
            try:
                before()
                ballot = cast_ballot(db.session.get_one(Vote, vote_id),
                                     db.session.get_one(User, user_id), {}, on_behalf_of=behalf)
                after()
                db.session.commit()
                return ballot.receipt
            except VotingError as error:
                db.session.rollback()
                return error
            finally:
                a_inserted.set()
                db.session.remove()

    def observe() -> None:
        assert b_started.wait(DEADLINE), "B never started"
        if BACKEND == "postgres":
            # B's INSERT is blocked by A's uncommitted row: no check could have seen that row
            deadline = utcnow() + timedelta(seconds=DEADLINE)
            while not _a_backend_waits_on_a_lock(app):
                assert utcnow() < deadline, "the second insert never blocked on the unique key"
        release_a.set()

    first, late, _ = run_in_threads([
        lambda: cast(a_id, None, lambda: None,
                     lambda: (a_inserted.set(), release_a.wait(DEADLINE))),
        lambda: cast(b_id, on_behalf, lambda: (a_inserted.wait(DEADLINE), b_started.set()),
                     lambda: None),
        observe,
    ])
    assert isinstance(first, str)
    assert isinstance(late, VotingError)
    assert (late.status, late.code) == (409, refusal)
    assert _ballots_per_elector(vote_id) == {"o1": 1}


@pytest.mark.parametrize("policy", ["final", "allowed"])
def test_concurrent_requests_leave_one_ballot_per_owner(app: Flask, world: World,
                                                        policy: str) -> None:
    """Through the HTTP stack: co-owners at once, one owner twice, a proxy and the owner."""
    world.community.vote_change = policy
    vote = open_for(world)
    create_mandate(world.community, world.committee, get_owner(world.community, "developer"),
                   world.outsider, PDF, vote=vote)
    db.session.commit()
    a, n_options, vote_id = world.option_ids[0], len(world.option_ids), vote.id
    client = app.test_client()
    plan = [("coa", None), ("cob", None), ("owner1", None), ("owner1", None),
            ("dev", None), ("resident", "developer")]
    auth = [headers(client, user) for user, _ in plan]
    db.session.remove()

    def put(index: int) -> tuple[int, str | None]:
        body: dict[str, object] = {"choices": {str(a): "agree"}}
        if plan[index][1]:
            body["on_behalf_of"] = plan[index][1]
        response = app.test_client().put(f"/api/v1/votes/{vote_id}/ballot", json=body,
                                          headers=auth[index])
        code = None if response.status_code == 200 else response.get_json()["error"]["code"]
        return response.status_code, code

    answers = run_in_threads([lambda i=i: put(i) for i in range(len(plan))])
    assert _ballots_per_elector(vote_id) == {"o1": 1, "o2": 1, "developer": 1}
    developer = db.session.execute(
        select(Ballot).join(VoteElector, VoteElector.id == Ballot.elector_id)
        .where(VoteElector.owner_ref == "developer")).scalar_one()
    kept_from_developer = db.session.execute(
        select(func.count(BallotRevision.id)).where(BallotRevision.ballot_id == developer.id)
    ).scalar_one()
    revisions = db.session.execute(select(func.count(BallotRevision.id))).scalar_one()
    owners, proxy = answers[:5], answers[5]
    if policy == "final":
        for pair in (answers[0:2], answers[2:4]):
            assert sorted(pair, key=lambda a: a[0]) == [(200, None), (409, "ballot_final")]
        if developer.mandate_id is None:  # the owner was first: the proxy is refused
            assert (owners[4], proxy) == ((200, None), (409, "owner_voted"))
        else:  # the proxy was first and the ballot is final
            assert (owners[4], proxy) == ((409, "ballot_final"), (200, None))
        assert revisions == 0
    else:
        assert owners == [(200, None)] * 5
        assert developer.mandate_id is None  # whoever came first, the owner's ballot counts
        expected = (200, None) if kept_from_developer else (409, "owner_voted")
        assert proxy == expected
        assert revisions == 2 + kept_from_developer  # each replaced ballot became a revision
    choices = db.session.execute(select(func.count()).select_from(BallotChoice)).scalar_one()
    assert choices == 3 * n_options


def test_the_database_refuses_a_second_active_mandate_for_one_owner_and_vote(
        world: World) -> None:
    """The unique partial index itself, bypassing the service: revoked rows do not count."""
    vote = open_for(world)
    owner = get_owner(world.community, "o1")
    row = {"community_id": world.community.id, "vote_id": vote.id, "mandator_id": owner.id,
           "document_path": "mandates/x.pdf", "created_at": utcnow()}
    db.session.execute(insert(ProxyMandate), [{**row, "holder_id": world.outsider.id,
                                               "revoked_at": utcnow()},
                                              {**row, "holder_id": world.parking.id}])
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(insert(ProxyMandate).values(**row, holder_id=world.coowner_a.id))
    db.session.rollback()


@pytest.mark.postgres_only
@pytest.mark.parametrize("scope", ["vote", "period"])
def test_three_parallel_mandates_for_one_owner_one_succeeds(app: Flask, world: World,
                                                            scope: str) -> None:
    """Three holders at once for owner o1: the owner's row lock (and, for one vote, the unique
    index) lets exactly one mandate through; the others are refused, none is half-made."""
    vote = open_for(world)
    vote_id, community_id = vote.id, world.community.id
    holders = [world.outsider.id, world.parking.id, world.coowner_a.id]
    start = utcnow() - timedelta(days=1)
    db.session.remove()

    def grant(holder_id: int) -> str:
        with app.app_context():
            community = db.session.get_one(Community, community_id)
            mandator = db.session.execute(select(Owner).where(
                Owner.community_id == community_id, Owner.owner_ref == "o1")).scalar_one()
            holder = db.session.get_one(User, holder_id)
            committee = db.session.execute(
                select(User).where(User.username == "committee")).scalar_one()
            try:
                if scope == "vote":
                    create_mandate(community, committee, mandator, holder, PDF,
                                   vote=db.session.get_one(Vote, vote_id))
                else:
                    create_mandate(community, committee, mandator, holder, PDF,
                                   valid_from=start, valid_until=start + timedelta(days=30))
                db.session.commit()
                return "created"
            except VotingError as error:
                db.session.rollback()
                return error.code
            finally:
                db.session.remove()

    outcomes = run_in_threads([lambda h=h: grant(h) for h in holders])
    assert sorted(outcomes) == ["created", "mandate_exists", "mandate_exists"]
    active = db.session.execute(select(func.count(ProxyMandate.id)).where(
        ProxyMandate.revoked_at.is_(None))).scalar_one()
    assert active == 1
