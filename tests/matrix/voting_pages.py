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


def with_numbers(world: World) -> dict[str, Any]:
    """An open vote whose electors have ballot numbers (o2's in `ballot_no`)."""
    from voting.models import Vote
    from voting.services.printing import assign_ballot_numbers, number_of

    params = open_vote_on(world)
    vote = db.session.get_one(Vote, params["vote_id"])
    assign_ballot_numbers(world.user("committee"), vote)
    number = next(n for n in (number_of(vote, f"{vote.id}-{i:04d}") for i in range(1, 5))
                  if n is not None and n.elector.owner_ref == "o2")
    return {**params, "ballot_no": number.ballot_no}


def with_paper_ballot(world: World) -> dict[str, Any]:
    """An open vote with o2's paper ballot entered under its pre-assigned number."""
    from voting.models import Vote
    from voting.services import enter_paper_ballot

    params = with_numbers(world)
    vote = db.session.get_one(Vote, params["vote_id"])
    enter_paper_ballot(vote, world.user("committee"), params["ballot_no"], None, blank=True)
    return params


def with_mismatch(world: World) -> dict[str, Any]:
    """Double entry: the committee and the administrator read o2's ballot differently."""
    from voting.models import Vote
    from voting.services import enter_paper_ballot

    params = with_numbers(world)
    world.community().paper_double_entry = True
    vote = db.session.get_one(Vote, params["vote_id"])
    enter_paper_ballot(vote, world.user("committee"), params["ballot_no"], None, blank=True)
    entry = enter_paper_ballot(vote, world.user("admin"), params["ballot_no"], None,
                               {str(params["option_ids"][0]): "agree"})
    return {**params, "entry_id": entry.id}


def with_ready_batch(world: World) -> dict[str, Any]:
    """An open vote with a rendered PDF batch for building 1栋 (a stored file)."""
    from app.storage import store
    from voting.models import BatchState, PaperBatch

    params = with_numbers(world)
    batch = PaperBatch(vote_id=params["vote_id"], building="1栋", base_url="http://localhost/",
                       state=BatchState.READY, path=f"ballots/matrix-{params['vote_id']}.pdf",
                       pages=2)
    db.session.add(batch)
    db.session.flush()
    store(batch.path or "", PDF)
    return {**params, "batch_id": batch.id}


def _closes_at(world: World, params: dict[str, Any]) -> dict[str, str]:
    del world, params
    local = utc_to_local(utcnow() + timedelta(days=3))
    return {"method": "approve_each", "closes_at": local.strftime("%Y-%m-%dT%H:%M")}


def _extend(world: World, params: dict[str, Any]) -> dict[str, str]:
    del world, params
    local = utc_to_local(utcnow() + timedelta(days=5))
    return {"closes_at": local.strftime("%Y-%m-%dT%H:%M"), "reason": "延期"}


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
    Route("voting.close", "GET", "/c/{slug}/votes/{vote_id}/close", STAFF, setup=open_vote_on),
    Route("voting.close", "POST", "/c/{slug}/votes/{vote_id}/close", STAFF, setup=open_vote_on,
          data={"understood": "y"}),
    Route("voting.paper", "GET", "/c/{slug}/votes/{vote_id}/paper", STAFF, setup=open_vote_on),
    Route("voting.paper", "POST", "/c/{slug}/votes/{vote_id}/paper", STAFF, setup=open_vote_on,
          data={"ballot_no": "P7", "owner_ref": "o2", "blank": "y"}),
    Route("voting.extend", "GET", "/c/{slug}/votes/{vote_id}/extend", STAFF,
          setup=open_vote_on),
    Route("voting.extend", "POST", "/c/{slug}/votes/{vote_id}/extend", STAFF,
          setup=open_vote_on, data=_extend),
    Route("voting.extensions", "GET", "/c/{slug}/votes/{vote_id}/extensions", MEMBERS,
          setup=open_vote_on),
    Route("voting.settings", "GET", "/c/{slug}/vote-settings", STAFF),
    Route("voting.settings", "POST", "/c/{slug}/vote-settings", STAFF,
          data={"min_days": "5", "max_days": "60"}),
    Route("voting.printing", "GET", "/c/{slug}/votes/{vote_id}/printing", STAFF,
          setup=open_vote_on),
    Route("voting.assign_numbers", "POST", "/c/{slug}/votes/{vote_id}/printing/numbers", STAFF,
          setup=open_vote_on),
    Route("voting.request_batch", "POST", "/c/{slug}/votes/{vote_id}/printing/batches", STAFF,
          setup=open_vote_on, data={"building": "1栋"}),
    Route("voting.batch_pdf", "GET",
          "/c/{slug}/votes/{vote_id}/printing/batches/{batch_id}.pdf", STAFF,
          setup=with_ready_batch),
    Route("voting.distribution", "POST", "/c/{slug}/votes/{vote_id}/printing/distribution",
          STAFF, setup=with_numbers, data=lambda w, p: {"ballot_no": p["ballot_no"],
                                                        "received_by": "李四"}),
    Route("voting.paper_saved", "GET", "/c/{slug}/votes/{vote_id}/paper/saved/{ballot_no}",
          STAFF, setup=with_paper_ballot),
    Route("voting.paper_entries", "GET", "/c/{slug}/votes/{vote_id}/paper/entries", STAFF,
          setup=with_mismatch),
    Route("voting.resolve_entry", "POST",
          "/c/{slug}/votes/{vote_id}/paper/entries/{entry_id}", STAFF, setup=with_mismatch,
          data=lambda w, p: {f"e{p['entry_id']}-keep": "neither",
                             f"e{p['entry_id']}-reason": "重新录入"}),
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
