"""Permission matrix of the voting pages (HTML); the API's entries are in voting.py.

Pages answer 403 to signed-in non-members and to members without the right (an owner outside
the electorate, a resident on an owner's page), and send anonymous visitors to sign in.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from app.db import utcnow
from app.extensions import db
from app.i18n import utc_to_local
from tests.matrix import MEMBERS, OWNER, RESIDENT, STAFF, VOLUNTEER, Route, World
from tests.matrix.voting import (
    _agree,
    closed_vote,
    in_deliberation,
    open_vote_on,
    with_ballot,
    with_conflict,
)
from voting.services import create_mandate

PDF = b"%PDF-1.4\n% signed mandate\n"
OWNERS_AND_STAFF = frozenset({OWNER}) | STAFF


def with_mandate(world: World) -> dict[str, Any]:
    """An open vote in which owner o1 authorised the resident."""
    params = open_vote_on(world)
    from voting.models import Vote

    vote = db.session.get(Vote, params["vote_id"])
    mandate = create_mandate(world.community(), world.user(OWNER), world.owner("o1"),
                             world.user(RESIDENT), PDF, vote=vote)
    return {**params, "mandate_id": mandate.id}


def _closes_at(world: World, params: dict[str, Any]) -> dict[str, str]:
    del world, params
    local = utc_to_local(utcnow() + timedelta(days=3))
    return {"method": "approve_each", "closes_at": local.strftime("%Y-%m-%dT%H:%M")}


def _mandate_form(world: World, params: dict[str, Any]) -> dict[str, Any]:
    del params
    return {"holder": world.user(RESIDENT).username, "owner_ref": "o2", "scope": "vote",
            "document": (io.BytesIO(PDF), "mandate.pdf")}


def _proxy_ballot(world: World, params: dict[str, Any]) -> dict[str, str]:
    del world
    return {f"m{params['mandate_id']}-opt_{k}": v for k, v in _agree(params).items()}


def _ballot(world: World, params: dict[str, Any]) -> dict[str, str]:
    del world
    return {f"opt_{k}": v for k, v in _agree(params).items()}


def _resolve(world: World, params: dict[str, Any]) -> dict[str, str]:
    del world
    prefix = f"c{params['conflict_id']}"
    return {f"{prefix}-keep": "counted", f"{prefix}-reason": "网上投票在先"}


MATRIX = [
    Route("voting.open_form", "GET", "/c/{slug}/proposals/{proposal_id}/vote/new", STAFF,
          setup=in_deliberation),
    Route("voting.open_form", "POST", "/c/{slug}/proposals/{proposal_id}/vote/new", STAFF,
          setup=in_deliberation, data=_closes_at),
    Route("voting.desk", "GET", "/c/{slug}/votes/{vote_id}/desk", STAFF, setup=open_vote_on),
    Route("voting.close", "POST", "/c/{slug}/votes/{vote_id}/close", STAFF, setup=open_vote_on),
    Route("voting.paper", "GET", "/c/{slug}/votes/{vote_id}/paper", STAFF, setup=open_vote_on),
    Route("voting.paper", "POST", "/c/{slug}/votes/{vote_id}/paper", STAFF, setup=open_vote_on,
          data={"ballot_no": "P7", "owner_ref": "o2", "blank": "y"}),
    Route("voting.conflicts", "GET", "/c/{slug}/votes/{vote_id}/conflicts", STAFF,
          setup=with_conflict),
    Route("voting.resolve", "POST", "/c/{slug}/votes/{vote_id}/conflicts/{conflict_id}", STAFF,
          setup=with_conflict, data=_resolve),
    Route("voting.export_csv", "GET", "/c/{slug}/votes/{vote_id}/ballots.csv", STAFF,
          setup=closed_vote),
    Route("voting.mandates", "GET", "/c/{slug}/votes/{vote_id}/mandates", OWNERS_AND_STAFF,
          setup=open_vote_on),
    Route("voting.mandates", "POST", "/c/{slug}/votes/{vote_id}/mandates", OWNERS_AND_STAFF,
          setup=open_vote_on, data=_mandate_form),
    Route("voting.revoke", "POST", "/c/{slug}/votes/{vote_id}/mandates/{mandate_id}/revoke",
          OWNERS_AND_STAFF, setup=with_mandate),
    Route("voting.mandate_document", "GET", "/c/{slug}/mandates/{mandate_id}/document",
          MEMBERS - {VOLUNTEER}, setup=with_mandate),  # its parties and the committee
    Route("voting.proxy", "GET", "/c/{slug}/votes/{vote_id}/proxy", MEMBERS,
          setup=with_mandate),
    Route("voting.proxy_cast", "POST", "/c/{slug}/votes/{vote_id}/proxy/{mandate_id}",
          frozenset({RESIDENT}), setup=with_mandate, data=_proxy_ballot),
    Route("voting.results", "GET", "/c/{slug}/votes/{vote_id}/results", MEMBERS,
          setup=open_vote_on),
    Route("voting.inspect", "GET", "/c/{slug}/votes/{vote_id}/ballots", MEMBERS,
          setup=closed_vote),
    Route("voting.ballot", "GET", "/c/{slug}/votes/{vote_id}/ballot", frozenset({OWNER}),
          setup=open_vote_on),
    Route("voting.ballot", "POST", "/c/{slug}/votes/{vote_id}/ballot", frozenset({OWNER}),
          setup=open_vote_on, data=_ballot),
    Route("voting.my_ballot", "GET", "/c/{slug}/votes/{vote_id}/my-ballot", frozenset({OWNER}),
          setup=with_ballot),
    Route("voting.receipt", "GET", "/c/{slug}/votes/{vote_id}/receipt", MEMBERS,
          setup=with_ballot),
    Route("voting.receipt", "POST", "/c/{slug}/votes/{vote_id}/receipt", MEMBERS,
          setup=with_ballot, data=lambda w, p: {"code": p["code"]}),
]
