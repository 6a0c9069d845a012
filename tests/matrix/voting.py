"""Permission matrix of the voting API (the voting engineer extends this file).

Voting answers 404 to signed-in non-members (a vote's existence is not disclosed), hence
`outsider=404`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.db import utcnow
from app.extensions import db
from proposals.models import Proposal, ProposalOption, ProposalState
from tests.matrix import MEMBERS, OWNER, STAFF, Route, World
from voting.services import cast_ballot, close_vote, enter_paper_ballot, open_vote


def _proposal(world: World) -> Proposal:
    """A proposal in deliberation with two options."""
    proposal = Proposal(community_id=world.community_id, title="充电棚选址", matters=[7],
                        scope_buildings=None, state=ProposalState.DELIBERATION)
    for i in range(2):
        proposal.options.append(ProposalOption(title=f"方案{'AB'[i]}", position=i))
    db.session.add(proposal)
    db.session.flush()
    return proposal


def in_deliberation(world: World) -> dict[str, Any]:
    """A proposal ready for its vote."""
    proposal = _proposal(world)
    return {"proposal_id": proposal.id, "option_ids": [o.id for o in proposal.options]}


def open_vote_on(world: World) -> dict[str, Any]:
    """An open approve-each vote."""
    proposal = _proposal(world)
    vote = open_vote(proposal, world.user("committee"), "approve_each",
                     utcnow() + timedelta(days=1))
    db.session.flush()
    return {"vote_id": vote.id, "option_ids": [o.id for o in proposal.options]}


def _agree(params: dict[str, Any]) -> dict[str, str]:
    return {str(option_id): "agree" for option_id in params["option_ids"]}


def with_ballot(world: World) -> dict[str, Any]:
    """An open vote in which the owner voted online (their receipt in `code`)."""
    params = open_vote_on(world)
    from voting.models import Vote

    vote = db.session.get(Vote, params["vote_id"])
    ballot = cast_ballot(vote, world.user("owner"), _agree(params))
    return {**params, "code": ballot.receipt}


def with_conflict(world: World) -> dict[str, Any]:
    """An online ballot and a paper ballot for the same owner: a conflict to resolve."""
    params = with_ballot(world)
    from voting.models import Vote

    vote = db.session.get(Vote, params["vote_id"])
    conflict = enter_paper_ballot(vote, world.user("committee"), "P1", "o1", blank=True)
    return {**params, "conflict_id": conflict.id}


def closed_vote(world: World) -> dict[str, Any]:
    """A closed vote with one ballot."""
    params = with_ballot(world)
    from voting.models import Vote

    close_vote(db.session.get(Vote, params["vote_id"]), world.user("committee"))
    return params


MATRIX = [
    Route("api_voting.create_vote", "POST", "/api/v1/proposals/{proposal_id}/votes", STAFF,
          setup=in_deliberation, outsider=404,
          data=lambda w, p: {"method": "approve_each",
                             "closes_at": (utcnow() + timedelta(days=2)).isoformat()}),
    Route("api_voting.put_ballot", "PUT", "/api/v1/votes/{vote_id}/ballot", frozenset({OWNER}),
          setup=open_vote_on, outsider=404, data=lambda w, p: {"choices": _agree(p)}),
    Route("api_voting.post_paper_ballot", "POST", "/api/v1/votes/{vote_id}/paper-ballots",
          STAFF, setup=open_vote_on, outsider=404,
          data={"ballot_no": "P7", "owner_ref": "o2", "blank": True}),
    Route("api_voting.post_resolve", "POST",
          "/api/v1/votes/{vote_id}/conflicts/{conflict_id}/resolve", STAFF,
          setup=with_conflict, outsider=404,
          data={"keep": "counted", "reason": "网上投票在先"}),
    Route("api_voting.post_close", "POST", "/api/v1/votes/{vote_id}/close", STAFF,
          setup=open_vote_on, outsider=404),
    Route("api_voting.post_extend", "POST", "/api/v1/votes/{vote_id}/extend", STAFF,
          setup=open_vote_on, outsider=404,
          data=lambda w, p: {"closes_at": (utcnow() + timedelta(days=3)).isoformat(),
                             "reason": "延期"}),
    Route("api_voting.get_result", "GET", "/api/v1/votes/{vote_id}/result", MEMBERS,
          setup=open_vote_on, outsider=404),
    Route("api_voting.get_receipt", "GET", "/api/v1/votes/{vote_id}/receipts/{code}", MEMBERS,
          setup=with_ballot, outsider=404),
    Route("api_voting.get_ballots", "GET", "/api/v1/votes/{vote_id}/ballots", MEMBERS,
          setup=closed_vote, outsider=404),
]
