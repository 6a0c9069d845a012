"""Concurrency: an owner casting twice at once, or a proxy and the owner at once, yields exactly
one ballot row; the loser gets a 409 domain error. Enforced by UNIQUE(vote_id, elector_id) with
insert-first writes, not by check-then-insert.

Runs on both backends (selected by `tests.conftest.BACKEND`): on PostgreSQL the second insert
blocks on the uncommitted first row's unique index entry and fails when it commits; SQLite
serialises writers (BEGIN IMMEDIATE), so the second writer waits for the lock. Same threads,
same outcome.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from app.accounts.models import User
from app.db import immediate_transactions, utcnow
from app.extensions import db
from app.register.services import get_owner
from tests.conftest import BACKEND
from tests.voting.test_voting_api import headers
from tests.voting.voting_helpers import PDF, build_world, open_for
from voting.models import Ballot, BallotChoice, BallotRevision, Vote, VoteElector
from voting.services import VotingError, cast_ballot, create_mandate

DEADLINE = 20  # seconds any thread may wait for another before the test fails


@pytest.fixture
def world(make_community, make_user, app, tmp_path):  # noqa: ANN001, ANN201
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


def _a_backend_waits_on_a_lock(app) -> bool:  # noqa: ANN001
    """PostgreSQL: some other backend is blocked on a lock (our second insert)."""
    with app.app_context():
        waiting = db.session.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'")).scalar_one()
        db.session.remove()
    return waiting > 0


@pytest.mark.parametrize("second", ["same_owner", "proxy"])
def test_second_insert_blocks_on_the_unique_key_and_loses(app, world, second) -> None:  # noqa: ANN001
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
    outcome: dict[str, object] = {}

    def run(name: str, user_id: int, behalf: str | None, before: Callable[[], None],
            after: Callable[[], None]) -> None:
        with app.app_context(), immediate_transactions():
            try:
                before()
                ballot = cast_ballot(db.session.get(Vote, vote_id), db.session.get(User, user_id),
                                     {}, on_behalf_of=behalf)
                after()
                db.session.commit()
                outcome[name] = ballot.receipt
            except VotingError as error:
                db.session.rollback()
                outcome[name] = error
            finally:
                a_inserted.set()
                db.session.remove()

    thread_a = threading.Thread(target=run, args=(
        "a", a_id, None, lambda: None,
        lambda: (a_inserted.set(), release_a.wait(DEADLINE))))
    thread_b = threading.Thread(target=run, args=(
        "b", b_id, on_behalf, lambda: (a_inserted.wait(DEADLINE), b_started.set()), lambda: None))
    thread_a.start()
    thread_b.start()
    assert b_started.wait(DEADLINE)
    if BACKEND == "postgres":
        # B's INSERT is blocked by A's uncommitted row: no check could have seen that row
        deadline = utcnow() + timedelta(seconds=DEADLINE)
        while not _a_backend_waits_on_a_lock(app):
            assert utcnow() < deadline, "the second insert never blocked on the unique key"
    release_a.set()
    thread_a.join(DEADLINE)
    thread_b.join(DEADLINE)
    assert isinstance(outcome["a"], str)
    error = outcome["b"]
    assert isinstance(error, VotingError) and (error.status, error.code) == (409, "ballot_final")
    assert _ballots_per_elector(vote_id) == {"o1": 1}


@pytest.mark.parametrize("policy", ["final", "allowed"])
def test_concurrent_requests_leave_one_ballot_per_owner(app, world, policy) -> None:  # noqa: ANN001
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
    barrier = threading.Barrier(len(plan))
    statuses: list[int] = [0] * len(plan)

    def run(index: int) -> None:
        body: dict[str, object] = {"choices": {str(a): "agree"}}
        if plan[index][1]:
            body["on_behalf_of"] = plan[index][1]
        barrier.wait(DEADLINE)
        response = app.test_client().put(f"/api/v1/votes/{vote_id}/ballot", json=body,
                                          headers=auth[index])
        statuses[index] = response.status_code
        if response.status_code != 200:
            assert response.get_json()["error"]["code"] == "ballot_final"

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(plan))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE)
    assert _ballots_per_elector(vote_id) == {"o1": 1, "o2": 1, "developer": 1}
    revisions = db.session.execute(select(func.count(BallotRevision.id))).scalar_one()
    if policy == "final":
        assert sorted(statuses) == [200, 200, 200, 409, 409, 409]
        assert revisions == 0
    else:
        assert statuses == [200] * 6
        assert revisions == 3  # every second write became a kept revision
    choices = db.session.execute(select(func.count()).select_from(BallotChoice)).scalar_one()
    assert choices == 3 * n_options
