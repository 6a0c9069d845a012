"""The voting API (API.md): open, cast, enter paper ballots, close, results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import and_, select

from app.accounts.models import Membership
from app.api.auth import api_user, token_required
from app.api.errors import ApiError
from app.context import membership_of
from app.db import in_write_transaction
from app.extensions import db
from proposals.models import Proposal
from voting import permissions as perm
from voting.models import BallotConflict, Vote, VoteState
from voting.services import (
    VotingError,
    ballot_rows,
    cast_ballot,
    check_receipt,
    close_vote,
    enter_paper_ballot,
    export_ballots_csv,
    get_vote,
    open_vote,
    resolve_conflict,
    result_payload,
)
from voting.services.common import now

blp = Blueprint("api_voting", __name__, description="Owner votes")
T = TypeVar("T")


class OpenVoteSchema(Schema):
    """Open a vote on a proposal in deliberation."""

    method = fields.String(required=True, validate=validate.OneOf(
        ["approve_each", "single_choice", "ranked"]))
    closes_at = fields.AwareDateTime(required=True)
    settings = fields.Dict(load_default=None)


class BallotSchema(Schema):
    """An electronic ballot (`on_behalf_of`: a mandator's owner_ref)."""

    choices = fields.Raw(required=True, allow_none=False)
    on_behalf_of = fields.String(load_default=None)


class PaperBallotSchema(Schema):
    """A paper ballot entered by the committee; `blank: true` is an abstention."""

    ballot_no = fields.String(required=True, validate=validate.Length(min=1, max=32))
    owner_ref = fields.String(required=True, validate=validate.Length(min=1, max=64))
    choices = fields.Raw(load_default=None)
    blank = fields.Boolean(load_default=False)


class ResolveSchema(Schema):
    """Which ballot of a paper/electronic conflict counts, and why."""

    keep = fields.String(required=True, validate=validate.OneOf(["counted", "held"]))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


def _service(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call a service; a refusal becomes `{"error": ...}` with its status."""
    try:
        return fn(*args, **kwargs)
    except VotingError as error:
        db.session.rollback()
        raise ApiError(error.status, error.code, error.message) from None


def _load_vote(vote_id: int) -> tuple[Vote, object]:
    """The vote (closed first if due, committed) and the caller's membership, or 404."""
    user = api_user()
    row = db.session.execute(
        select(Vote, Membership).outerjoin(Membership, and_(
            Membership.community_id == Vote.community_id,
            Membership.user_id == (user.id if user is not None else None)))
        .where(Vote.id == vote_id)
    ).first()  # the vote and the caller's membership in one round trip
    if row is None:
        raise ApiError(404, "not_found", f"no vote {vote_id}")
    vote, member = row
    if vote.state == VoteState.OPEN and vote.closes_at <= now():
        vote = in_write_transaction(lambda: get_vote(vote_id))
        return vote, membership_of(user, vote.proposal.community)
    return vote, member


def _require(allowed: bool, member: object) -> None:
    if not allowed:
        if member is None:
            raise ApiError(404, "not_found", "no such vote")
        raise ApiError(403, "forbidden", "you may not do this")


def _lang() -> str:
    return "en" if request.args.get("lang") == "en" else "zh"


@blp.route("/proposals/<int:proposal_id>/votes", methods=["POST"])
@token_required
@blp.arguments(OpenVoteSchema)
@blp.response(201)
def create_vote(body: dict, proposal_id: int) -> dict:
    """Open the proposal's vote: freezes the electorate, moves the proposal to voting."""
    proposal = db.session.get(Proposal, proposal_id)
    member = membership_of(api_user(), proposal.community) if proposal else None
    if proposal is None or member is None:
        raise ApiError(404, "not_found", f"no proposal {proposal_id}")
    _require(perm.can_open_vote(member), member)
    vote = _service(open_vote, proposal, api_user(), body["method"], body["closes_at"],
                    body["settings"])
    db.session.commit()
    return {"id": vote.id, "proposal_id": proposal.id, "state": vote.state.value,
            "method": vote.method, "threshold": vote.threshold,
            "closes_at": vote.closes_at.isoformat(),
            "electorate": {"headcount": vote.headcount, "area_m2": f"{vote.area_m2:.2f}"}}


@blp.route("/votes/<int:vote_id>/ballot", methods=["PUT"])
@token_required
@blp.arguments(BallotSchema)
@blp.response(200)
def put_ballot(body: dict, vote_id: int) -> dict:
    """Cast or change the caller's ballot, or a mandator's with `on_behalf_of`."""
    vote, member = _load_vote(vote_id)
    if body["on_behalf_of"] is None:
        _require(perm.can_cast_ballot(member), member)
    result = _service(cast_ballot, vote, api_user(), body["choices"], body["on_behalf_of"])
    held = isinstance(result, BallotConflict)
    answer = {"receipt": result.receipt, "status": "held" if held else "counted",
              "cast_at": result.cast_at.isoformat()}
    db.session.commit()  # the answer is read first: after commit it would reload the row
    return answer


@blp.route("/votes/<int:vote_id>/paper-ballots", methods=["POST"])
@token_required
@blp.arguments(PaperBallotSchema)
@blp.response(201)
def post_paper_ballot(body: dict, vote_id: int) -> dict:
    """Enter a paper ballot; a second ballot of the other channel is held as a conflict."""
    vote, member = _load_vote(vote_id)
    _require(perm.can_enter_paper_ballot(member), member)
    result = _service(enter_paper_ballot, vote, api_user(), body["ballot_no"], body["owner_ref"],
                      body["choices"], body["blank"])
    held = isinstance(result, BallotConflict)
    answer = {"ballot_no": result.ballot_no, "owner_ref": body["owner_ref"],
              "receipt": result.receipt, "status": "held" if held else "counted",
              "conflict_id": result.id if held else None}
    db.session.commit()  # the answer is read first: after commit it would reload the row
    return answer


@blp.route("/votes/<int:vote_id>/conflicts/<int:conflict_id>/resolve", methods=["POST"])
@token_required
@blp.arguments(ResolveSchema)
@blp.response(200)
def post_resolve(body: dict, vote_id: int, conflict_id: int) -> dict:
    """Keep the counted or the held ballot of a paper/electronic conflict."""
    vote, member = _load_vote(vote_id)
    _require(perm.can_resolve_conflict(member), member)
    conflict = db.session.get(BallotConflict, conflict_id)
    if conflict is None or conflict.vote_id != vote.id:
        raise ApiError(404, "not_found", f"no conflict {conflict_id}")
    ballot = _service(resolve_conflict, conflict, api_user(), body["keep"], body["reason"])
    db.session.commit()
    return {"conflict_id": conflict.id, "kept": conflict.kept.value,
            "receipt": ballot.receipt, "channel": ballot.channel.value}


@blp.route("/votes/<int:vote_id>/close", methods=["POST"])
@token_required
@blp.response(200)
def post_close(vote_id: int) -> dict:
    """Close the vote now and return its result."""
    vote, member = _load_vote(vote_id)
    _require(perm.can_close_vote(member), member)
    _service(close_vote, vote, api_user())
    db.session.commit()
    return result_payload(vote, lang=_lang())


@blp.route("/votes/<int:vote_id>/result")
@token_required
@blp.response(200)
def get_result(vote_id: int) -> dict:
    """Turnout while open; the full result after close."""
    vote, member = _load_vote(vote_id)
    _require(perm.can_view_result(member), member)
    return result_payload(vote, lang=_lang())


@blp.route("/votes/<int:vote_id>/receipts/<code>")
@token_required
@blp.response(200)
def get_receipt(vote_id: int, code: str) -> dict:
    """Whether a receipt is counted, superseded, void or held."""
    vote, member = _load_vote(vote_id)
    _require(perm.can_view_result(member), member)
    status = check_receipt(vote, code)
    if status is None:
        raise ApiError(404, "unknown_receipt", "no ballot with this receipt in this vote")
    return {"receipt": code.strip().upper(), "status": status}


@blp.route("/votes/<int:vote_id>/ballots")
@token_required
@blp.response(200)
def get_ballots(vote_id: int) -> dict:
    """Counted ballots by unit and area (after close), or CSV for the committee (`?format=csv`)."""
    vote, member = _load_vote(vote_id)
    community = vote.proposal.community
    _require(perm.can_inspect_ballots(member, vote, community), member)
    if request.args.get("format") == "csv":
        _require(perm.can_export_ballots(member), member)
        text = export_ballots_csv(vote, api_user())
        db.session.commit()
        return Response(text, mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename=vote-{vote.id}.csv"})
    page = request.args.get("page", default=1, type=int) or 1
    return {"items": ballot_rows(vote, page=page), "page": page}
