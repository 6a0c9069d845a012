"""Votes of the demo stories: 尚品居's charging shed open with some ballots cast, 金安小筑's
guard-room lease closed with its result. Ballots are drawn from a seeded `random.Random`."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from app.extensions import db
from app.register.services import get_owner
from demo.accounts import owner_ref_for, spec_by_code
from demo.data.communities import featured_owners

if TYPE_CHECKING:
    from demo.loader import DemoResult

#: the 尚品居 owner who authorised spj-owner in writing to vote for them on the shed
MANDATOR_REF = "spj0003"
MANDATE_PDF = Path(__file__).resolve().parent / "data" / "mandate-spj0003.pdf"

#: demo owners who have not voted on the open vote yet, so a visitor can cast their ballot
UNVOTED = ("spj-owner", "spj-coowner")
Chooser = Callable[[random.Random, list[int]], dict[str, str] | None]


def load_votes(result: DemoResult) -> None:
    """Open and close the stories' votes when the voting feature is built."""
    from demo.stories import feature

    api = feature("voting.services", "open_vote", "cast_ballot", "enter_paper_ballot",
                   "close_vote", "vote_result")
    if api is None:
        result.stages.append("votes: feature not available, skipped")
        return
    open_vote, cast_ballot, enter_paper_ballot, close_vote, vote_result = api
    from voting.counting.methods import ApproveEach  # built whenever voting.services is

    method = ApproveEach.name  # per-option agree / oppose / abstain, named by the registry
    now = datetime.now(UTC)

    shed = result.proposals["shed"]
    committee = result.users["spj-committee"]
    vote = open_vote(shed, committee, method, now + timedelta(days=14))
    for username, sides in (("spj-committee", ("abstain", "agree")),
                            ("chen-lixin", ("oppose", "agree"))):
        cast_ballot(vote, result.users[username], _sides(shed, sides))
    _mandate(result, vote)
    skip = _linked_refs(result, "spj") | {"spj0001", "spj0002", MANDATOR_REF}
    count = _paper_ballots(vote, committee, enter_paper_ballot, 278_101, 0.38, skip,
                           _shed_choice, "SPJ")
    result.votes["shed"] = vote
    result.stages.append(f"votes: 尚品居 charging shed open, {count + 2} ballots so far")

    lease = result.proposals["guardroom"]
    committee = result.users["jax-committee"]
    vote = open_vote(lease, committee, method, now + timedelta(days=7))
    for username in ("jax-committee", "jax-owner", "jax-coowner"):
        cast_ballot(vote, result.users[username], _sides(lease, ("agree",)))
    skip = _linked_refs(result, "jax") | {"jax0001"}
    count = _paper_ballots(vote, committee, enter_paper_ballot, 278_104, 0.9, skip,
                           _lease_choice, "JAX")
    close_vote(vote, committee)
    outcome = vote_result(vote)
    result.votes["guardroom"] = vote
    result.stages.append(f"votes: 金安小筑 guard-room lease closed, {count + 3} ballots, "
                         f"{'passed' if outcome.outcome_passed else 'failed'}")


def _mandate(result: DemoResult, vote: Any) -> None:
    """spj-owner holds a written mandate from a neighbour for the shed vote (not yet used)."""
    from demo.stories import feature

    api = feature("voting.services", "create_mandate")
    if api is None:
        return
    community = result.communities["shangpinju"]
    mandator = get_owner(community, MANDATOR_REF)
    api[0](community, result.users["spj-committee"], mandator, result.users["spj-owner"],
           MANDATE_PDF.read_bytes(), vote=vote)


def _sides(proposal: Any, sides: tuple[str, ...]) -> dict[str, str]:
    """Per-option choices: one side per option, in the options' order."""
    return {str(o.id): side for o, side in zip(proposal.options, sides, strict=True)}


def _linked_refs(result: DemoResult, code: str) -> set[str]:
    """owner_refs of the community's demo owner accounts (they vote online, or not yet)."""
    spec = spec_by_code(code)
    featured = featured_owners(spec)
    return {owner_ref_for(spec, "multi", featured), owner_ref_for(spec, "co", featured)}


def _paper_ballots(vote: Any, committee: Any, enter: Callable[..., Any], seed: int,
                   share: float, skip: set[str], choose: Chooser, prefix: str) -> int:
    """Enter paper ballots for a seeded share of the electorate; returns how many."""
    from voting.models import VoteElector

    refs = list(db.session.execute(
        select(VoteElector.owner_ref).where(VoteElector.vote_id == vote.id)
        .order_by(VoteElector.owner_ref)).scalars())
    rng = random.Random(seed)
    count = 0
    for ref in refs:
        if ref in skip or rng.random() >= share:
            continue
        choices = choose(rng, list(vote.option_ids))
        count += 1
        enter(vote, committee, f"{prefix}-{count:04d}", ref, choices=choices,
              blank=choices is None)
    return count


def _shed_choice(rng: random.Random, option_ids: list[int]) -> dict[str, str] | None:
    """A 尚品居 owner on plans A (green space) and B (parking spaces): B is the favourite."""
    a, b = (str(i) for i in option_ids)
    roll = rng.random()
    if roll < 0.03:
        return None
    if roll < 0.35:  # rides an e-bike and wants the shed close to home
        return {a: "agree", b: rng.choice(("agree", "agree", "abstain"))}
    if roll < 0.9:  # keep the green space
        return {a: "oppose", b: rng.choice(("agree", "agree", "agree", "abstain"))}
    return {a: "oppose", b: "oppose"}


def _lease_choice(rng: random.Random, option_ids: list[int]) -> dict[str, str] | None:
    """A 金安小筑 owner on leasing the guard room: most agree."""
    roll = rng.random()
    if roll < 0.03:
        return None
    side = "agree" if roll < 0.91 else "oppose" if roll < 0.97 else "abstain"
    return {str(option_ids[0]): side}
