"""The SQL tally (GROUP BY over ballot choices joined with the snapshot) agrees with the pure
counting module fed the same ballots one by one, on random registers and ballots."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.register.models import Community
from tests.factories import HEADER
from tests.voting.voting_helpers import make_proposal
from voting.counting import Ballot as PureBallot
from voting.counting import Electorate, Voter, get_method
from voting.models import Ballot, VoteElector
from voting.services import close_vote, enter_paper_ballot, open_vote, vote_result
from voting.services.results import vote_options


def random_register(rng: random.Random, units: int) -> str:
    """A register CSV with repeated owners, developer units and parking spaces."""
    lines = [HEADER.strip()]
    for i in range(units):
        building = rng.choice(["1栋", "2栋", "3栋"])
        area = Decimal(rng.randint(1000, 20000)) / 100
        status = rng.choices(["delivered", "unsold", "undelivered"], [8, 1, 1])[0]
        kind = rng.choices(["residence", "parking", "commercial"], [6, 2, 1])[0]
        owner = f"o{rng.randint(1, units // 2)}"
        lines.append(f"{building},{i + 100},{area},registry,{kind},{status},{owner},业主,")
    return "\n".join(lines) + "\n"


def random_choices(rng: random.Random, method: str, ids: list[int]) -> object:
    """A valid random ballot for the method."""
    if method == "approve_each":
        return {str(o): rng.choice(["agree", "oppose", "abstain"])
                for o in ids if rng.random() < 0.8}
    if method == "single_choice":
        return {"option": rng.choice([*ids, "oppose_all", "abstain"])}
    shuffled = rng.sample(ids, rng.randint(1, len(ids)))
    groups: list[list[int]] = []
    for option in shuffled:
        if groups and rng.random() < 0.3:
            groups[-1].append(option)
        else:
            groups.append([option])
    return {"ranking": groups}


@pytest.mark.parametrize("method", ["approve_each", "single_choice", "ranked"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_tally_equals_pure_tally(make_community: Callable[..., Community],
                                     make_user: Callable[..., User], method: str,
                                     seed: int) -> None:
    rng = random.Random(f"{method}-{seed}")
    community = make_community(register=random_register(rng, 40))
    community.follow_majority = True
    committee = make_user("c", community, "committee")
    proposal = make_proposal(community, matters=rng.choice([[], [1], [7]]), options=3)
    vote = open_vote(proposal, committee, method, utcnow() + timedelta(days=1))
    ids = list(vote.option_ids)
    electors = list(db.session.execute(select(VoteElector)).scalars())
    turnout = rng.choice([0.5, 0.7, 0.9, 1.0])
    for n, elector in enumerate(electors):
        if rng.random() < turnout:
            blank = rng.random() < 0.1
            enter_paper_ballot(vote, committee, str(n), elector.owner_ref,
                               None if blank else random_choices(rng, method, ids), blank)
    close_vote(vote, committee)
    db.session.commit()

    sql = vote_result(vote).to_dict("closed", extended=True)

    electorate = Electorate(tuple(Voter(e.owner_ref, e.area_m2) for e in electors))
    ballots = [PureBallot(owner_ref=ref, choices=choices, blank=blank) for ref, choices, blank in
               db.session.execute(select(VoteElector.owner_ref, Ballot.choices, Ballot.blank)
                                  .join(VoteElector, VoteElector.id == Ballot.elector_id))]
    rng.shuffle(ballots)
    pure = get_method(method).tally(electorate, ballots, vote_options(vote), vote.threshold,
                                    adjust_non_voters=True).to_dict("closed", extended=True)
    assert sql == pure
    assert sql["electorate"]["headcount"] == len(electors)
