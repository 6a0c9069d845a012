"""The voting API (API.md): open, cast, enter paper ballots, resolve, close, results, ballots.

Every vote endpoint first loads the vote in the path and the caller's membership (`vote_access`,
before the body is read): a caller who is not a member of the vote's community gets 404 —
whatever the body, whatever the vote's state — so neither existence nor state leaks. Writes
run inside `@transactional`; refusals are `DomainError`s, answered as `{"error": ...}`.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from functools import wraps
from http import HTTPStatus
from typing import Any, TypeVar

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import and_, bindparam, select

from app.accounts.models import Membership
from app.api.auth import api_user, token_required
from app.api.errors import ErrorSchema
from app.context import membership_of
from app.errors import Forbidden, NotFound
from app.extensions import db
from app.ids import PageField
from app.law import Threshold
from app.law.words import N_
from app.uow import transactional, write_during_read
from proposals.queries import load_proposal
from voting import permissions as perm
from voting.counting import METHODS
from voting.models import (
    BallotConflict,
    ConflictKept,
    EntryState,
    PaperEntry,
    Vote,
    VoteElector,
    VoteState,
)
from voting.services import (
    ballot_page,
    cast_ballot,
    check_receipt,
    close_vote,
    enter_paper_ballot,
    export_ballots_csv,
    extend_vote,
    open_vote,
    resolve_conflict,
    result_payload,
)
from voting.services.common import normalize_receipt

blp = Blueprint("api_voting", __name__, description="Owner votes")
F = TypeVar("F", bound=Callable[..., Any])

#: a decimal quantity as the API sends it: a string with two places
DECIMAL_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"
#: text without NUL bytes (refused before any schema, 400 `invalid_json`)
NO_NUL = validate.Regexp(r"^[^\x00]*$", error="NUL bytes are not allowed")
#: the choices of any registered method (which one applies depends on the vote)
CHOICES_DOC = {"anyOf": [dict(m.choices_schema) for m in METHODS.values()],
               "description": "The ballot in the vote method's shape (API.md, Choices)"}
#: `null` as an alternative of an `anyOf` in OpenAPI 3.0 (`nullable` needs a `type` beside it)
NULL_ALTERNATIVE = {"type": "object", "enum": [None], "nullable": True}


class StrictBoolean(fields.Boolean):
    """A JSON boolean, nothing else (no "yes", 1 or "true")."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class Choices(fields.Raw):
    """A ballot's choices: a JSON object in the shape of one of the registered methods.

    Documented as the `anyOf` of the methods' shapes alone (and `null` where allowed): a
    `type: object` beside it would hide the `null` from generated clients.
    """

    default_error_messages = {"invalid": "Not a valid mapping type."}

    def __init__(self, **kwargs: Any) -> None:
        doc = dict(CHOICES_DOC)
        if kwargs.get("allow_none") or kwargs.get("load_default", ...) is None:
            doc["anyOf"] = [*doc["anyOf"], NULL_ALTERNATIVE]
        super().__init__(metadata=doc, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, dict):
            raise self.make_error("invalid")
        return value


def _decimal(**kwargs: Any) -> fields.String:
    return fields.String(required=True, validate=validate.Regexp(DECIMAL_PATTERN),
                         metadata={"example": "89.50"}, **kwargs)


def _moment(**kwargs: Any) -> fields.String:
    return fields.String(metadata={"format": "date-time"}, **kwargs)


# --- requests ------------------------------------------------------------------------------


class OpenVoteSchema(Schema):
    """Open a vote on a proposal in deliberation."""

    method = fields.String(required=True, validate=validate.OneOf(list(METHODS)))
    closes_at = fields.AwareDateTime(required=True, metadata={"description": "with an offset"})
    settings = fields.Dict(load_default=None)


class BallotSchema(Schema):
    """An electronic ballot (`on_behalf_of`: a mandator's owner_ref)."""

    choices = Choices(required=True, allow_none=False)
    on_behalf_of = fields.String(load_default=None,
                                 validate=[validate.Length(min=1, max=64), NO_NUL])


class PaperBallotSchema(Schema):
    """A paper ballot entered by the committee; `blank: true` is an abstention. A number
    assigned in advance names its owner: `owner_ref` may be omitted, and another owner's is
    422 `ballot_no_mismatch` (API.md v1.1)."""

    ballot_no = fields.String(required=True, validate=[validate.Length(min=1, max=32), NO_NUL])
    owner_ref = fields.String(load_default=None,
                              validate=[validate.Length(min=1, max=64), NO_NUL])
    choices = Choices(load_default=None)
    blank = StrictBoolean(load_default=False)


class ExtendSchema(Schema):
    """Move an open vote's close later, with the reason the extension notice publishes."""

    closes_at = fields.AwareDateTime(required=True, metadata={
        "description": "with an offset; later than now and than the current close"})
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000), NO_NUL])


class ResolveSchema(Schema):
    """Which ballot of a paper/electronic conflict counts, and why."""

    keep = fields.String(required=True, validate=validate.OneOf([k.value for k in ConflictKept]))
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000), NO_NUL])


class LangQuery(Schema):
    """The language of the result's reasons."""

    lang = fields.String(load_default="zh", validate=validate.OneOf(["zh", "en"]))


class BallotsQuery(Schema):
    """A page of the counted ballots, or all of them as CSV (the committee)."""

    page = PageField()
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))


# --- answers -------------------------------------------------------------------------------


class TallySchema(Schema):
    """A headcount and an area."""

    headcount = fields.Integer(required=True, validate=validate.Range(min=0))
    area_m2 = _decimal()


class ParticipationSchema(TallySchema):
    """Who took part, and whether that meets the two-thirds quorum of area and headcount."""

    quorum_met = fields.Boolean(required=True)


class VoteOpenedSchema(Schema):
    """The vote just opened, its electorate frozen."""

    id = fields.Integer(required=True)
    proposal_id = fields.Integer(required=True)
    state = fields.String(required=True, validate=validate.OneOf([s.value for s in VoteState]))
    method = fields.String(required=True, validate=validate.OneOf(list(METHODS)))
    threshold = fields.String(required=True, validate=validate.OneOf([t.value for t in Threshold]))
    closes_at = _moment(required=True)
    electorate = fields.Nested(TallySchema, required=True)


class ReceiptAnswerSchema(Schema):
    """A ballot recorded: its receipt, counted or held as a paper/electronic conflict."""

    receipt = fields.String(required=True, metadata={"example": "ABCD-EFGH-JKLM"})
    status = fields.String(required=True, validate=validate.OneOf(["counted", "held"]))
    cast_at = _moment(required=True)


class PaperAnswerSchema(Schema):
    """A paper ballot entered: counted, or held beside the owner's electronic ballot; under
    double entry, waiting for the second entry or queued as a mismatch (no receipt yet)."""

    ballot_no = fields.String(required=True)
    owner_ref = fields.String(required=True)
    receipt = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(
        ["counted", "held", "awaiting_second_entry", "entry_mismatch"]))
    conflict_id = fields.Integer(required=True, allow_none=True)
    entry_id = fields.Integer(allow_none=True, metadata={
        "description": "double entry: the entry just recorded"})


class ExtendedSchema(Schema):
    """The vote's new close."""

    id = fields.Integer(required=True)
    closes_at = _moment(required=True)
    previous_closes_at = _moment(required=True)
    extension_id = fields.Integer(required=True)


class ResolvedSchema(Schema):
    """A conflict resolved: which ballot now counts."""

    conflict_id = fields.Integer(required=True)
    kept = fields.String(required=True, validate=validate.OneOf([k.value for k in ConflictKept]))
    receipt = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(["electronic", "paper"]))


class OptionResultSchema(Schema):
    """How one option fared, by headcount and area."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    agree = fields.Nested(TallySchema, required=True)
    oppose = fields.Nested(TallySchema, required=True)
    abstain = fields.Nested(TallySchema, required=True)
    passed = fields.Boolean(required=True)
    reasons = fields.List(fields.String(), required=True)


class OutcomeSchema(Schema):
    """The outcome: the option that passed (null: none) and why, in words."""

    passed = fields.Boolean(required=True)
    option_id = fields.Integer(required=True, allow_none=True)
    reasons = fields.List(fields.String(), required=True)


class CountSchema(Schema):
    """A count of a vote: while open only state, electorate and participation; after close
    the threshold, every option, the outcome (and for a ranked vote the Schulze order)."""

    state = fields.String(required=True, validate=validate.OneOf([s.value for s in VoteState]))
    threshold = fields.String(validate=validate.OneOf([t.value for t in Threshold]))
    electorate = fields.Nested(TallySchema, required=True)
    participation = fields.Nested(ParticipationSchema, required=True)
    options = fields.List(fields.Nested(OptionResultSchema))
    outcome = fields.Nested(OutcomeSchema)
    ranking = fields.List(fields.List(fields.Integer()),
                          metadata={"description": "ranked votes: Schulze order, best first"})
    method = fields.String(validate=validate.OneOf(list(METHODS)))
    label = fields.String(metadata={"description": "strict, or non_voters_with_majority"})
    pairwise = fields.Dict(keys=fields.String(), values=fields.Dict(
        keys=fields.String(), values=fields.Integer()),
        metadata={"description": "ranked votes: ballots ranking the row above the column"})


class ResultSchema(CountSchema):
    """The result of a vote (API.md), with the 从众 count beside it where the community uses it."""

    vote_id = fields.Integer(required=True)
    closes_at = _moment(required=True)
    closing = fields.Boolean(metadata={
        "description": "open votes: past closes_at, no ballot accepted; the periodic job "
                       "closes and counts it (`flask jobs drain`)"})
    conflicts_pending = fields.Integer(required=True, validate=validate.Range(min=0))
    adjusted = fields.Nested(CountSchema, metadata={
        "description": "the 从众 count (non-voters with the majority): for reference only"})


class ReceiptStatusSchema(Schema):
    """What became of a ballot with this receipt."""

    receipt = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(
        ["counted", "superseded", "void", "held"]))


class ListedBallotSchema(Schema):
    """A counted ballot by units and area, never by name (API.md v1.1)."""

    ref = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"),
                        metadata={"description": "sha256 hex of the receipt code"})
    units = fields.List(fields.String(), required=True)
    area_m2 = _decimal()
    channel = fields.String(required=True, validate=validate.OneOf(["online", "paper", "proxy"]))
    blank = fields.Boolean(required=True)
    choices = Choices(required=True, allow_none=True)
    cast_at = _moment(required=True)


class BallotsPageSchema(Schema):
    """A page of the counted ballots."""

    items = fields.List(fields.Nested(ListedBallotSchema), required=True)
    page = fields.Integer(required=True, validate=validate.Range(min=1))
    pages = fields.Integer(required=True, validate=validate.Range(min=1))


# --- errors, loading, permissions ------------------------------------------------------------


def refusals(**described: str) -> Callable[[F], F]:
    """Declare the 4xx answers of an endpoint: `refusals(s409="vote_closed, ...")`."""

    def decorate(view: F) -> F:
        for key, description in sorted(described.items()):
            status = int(key[1:])
            view = blp.alt_response(status, schema=ErrorSchema,
                                    description=f"{HTTPStatus(status).phrase}: {description}")(view)
        return view

    return decorate


#: what the body checks (`app.api.guards`) answer before any schema
BODY_REFUSALS = {"s400": "invalid_json (not JSON, a NUL byte, nested too deep)",
                 "s415": "unsupported_media_type (the body is not application/json)"}
NOT_FOUND = "not_found (no such vote, or the caller is not a member of its community)"


#: built once (every ballot runs it); an outsider's membership is not found, nor the vote
_VOTE_AND_MEMBER = (
    select(Vote, Membership)
    .join(Membership, and_(Membership.community_id == Vote.community_id,
                           Membership.user_id == bindparam("user_id")))
    .where(Vote.id == bindparam("vote_id"))
)


def _vote_and_member(vote_id: int) -> tuple[Vote, Membership] | None:
    """The vote and the caller's current membership in its community, in one round trip."""
    user = api_user()
    row = db.session.execute(_VOTE_AND_MEMBER, {
        "vote_id": vote_id, "user_id": user.id if user is not None else None}).first()
    return None if row is None else (row[0], row[1])


def _load_vote(vote_id: int) -> tuple[Vote, Membership]:
    """The vote and the caller's membership, or 404 (reads never write: a vote past its
    close that the periodic job has not closed yet answers as closing)."""
    loaded = _vote_and_member(vote_id)
    if loaded is None:
        raise NotFound("not_found", N_("没有这个表决"))
    return loaded


def vote_access(view: F) -> F:
    """Load the vote in the path and the caller's membership before the body is parsed."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        request.yishi_vote = _load_vote(kwargs["vote_id"])  # type: ignore[attr-defined]
        return view(*args, **kwargs)

    wrapper._apidoc = deepcopy(getattr(view, "_apidoc", {}))  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def loaded() -> tuple[Vote, Membership]:
    """The vote and membership `vote_access` loaded for this request."""
    access: tuple[Vote, Membership] = request.yishi_vote  # type: ignore[attr-defined]
    return access


def _require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden("forbidden", N_("你无权进行此操作"))


# --- endpoints -----------------------------------------------------------------------------


@blp.route("/proposals/<id:proposal_id>/votes", methods=["POST"])
@token_required
@blp.arguments(OpenVoteSchema)
@blp.response(201, VoteOpenedSchema)
@refusals(**BODY_REFUSALS, s403="forbidden (not the committee)",
          s404="not_found (no such proposal, or not a member of its community)",
          s409="invalid_state, vote_exists, or a pre-open check (e.g. notice_period)",
          s422="validation_error, invalid_closes_at, window_too_short, window_too_long (outside "
               "the window the committee saved), no_options, empty_electorate, ...")
@transactional
def create_vote(body: dict[str, Any], proposal_id: int) -> dict[str, Any]:
    """Open the proposal's vote: freezes the electorate, moves the proposal to voting."""
    user = api_user()
    proposal = load_proposal(proposal_id, None)
    member = membership_of(user, proposal.community) if proposal else None
    if proposal is None or member is None or user is None:
        raise NotFound("not_found", N_("没有这个议题"))
    _require(perm.can_open_vote(member))
    vote = open_vote(proposal, user, body["method"], body["closes_at"], body["settings"])
    return {"id": vote.id, "proposal_id": proposal.id, "state": vote.state.value,
            "method": vote.method, "threshold": vote.threshold,
            "closes_at": vote.closes_at.isoformat(),
            "electorate": {"headcount": vote.headcount, "area_m2": f"{vote.area_m2:.2f}"}}


@blp.route("/votes/<id:vote_id>/ballot", methods=["PUT"])
@token_required
@vote_access
@blp.arguments(BallotSchema)
@blp.response(200, ReceiptAnswerSchema)
@refusals(**BODY_REFUSALS, s403="not_in_electorate, no_mandate", s404=NOT_FOUND,
          s409="vote_closed, ballot_final, owner_voted, conflict_pending",
          s422="validation_error, invalid_choice, unknown_option, duplicate_option")
@transactional
def put_ballot(body: dict[str, Any], vote_id: int) -> dict[str, Any]:
    """Cast or change the caller's ballot, or a mandator's with `on_behalf_of`.

    The caller's current membership decides: an account demoted to resident is no longer in
    the electorate. Once an owner has cast their own ballot, their proxy gets `owner_voted`.
    """
    vote, member = loaded()
    _require(perm.can_cast_ballot(member))
    result = cast_ballot(vote, member.user, body["choices"], body["on_behalf_of"])
    held = isinstance(result, BallotConflict)
    return {"receipt": result.receipt, "status": "held" if held else "counted",
            "cast_at": result.cast_at.isoformat()}


@blp.route("/votes/<id:vote_id>/paper-ballots", methods=["POST"])
@token_required
@vote_access
@blp.arguments(PaperBallotSchema)
@blp.response(201, PaperAnswerSchema)
@refusals(**BODY_REFUSALS, s403="forbidden (not the committee)", s404=NOT_FOUND,
          s409="vote_closed, duplicate_ballot_no, duplicate_owner, conflict_pending, "
               "same_enterer, entry_mismatch_pending",
          s422="validation_error, invalid_ballot_no, ballot_no_mismatch, owner_ref_required, "
               "invalid_choice, not_in_electorate, ...")
@transactional
def post_paper_ballot(body: dict[str, Any], vote_id: int) -> dict[str, Any]:
    """Enter a paper ballot; a second ballot of the other channel is held as a conflict."""
    vote, member = loaded()
    _require(perm.can_enter_paper_ballot(member))
    result = enter_paper_ballot(vote, member.user, body["ballot_no"], body["owner_ref"],
                                body["choices"], body["blank"])
    owner_ref = db.session.get_one(VoteElector, result.elector_id).owner_ref
    if isinstance(result, PaperEntry):
        status = ("entry_mismatch" if result.state == EntryState.MISMATCH
                  else "awaiting_second_entry")
        return {"ballot_no": result.ballot_no, "owner_ref": owner_ref, "receipt": None,
                "status": status, "conflict_id": None, "entry_id": result.id}
    held = isinstance(result, BallotConflict)
    return {"ballot_no": result.ballot_no, "owner_ref": owner_ref,
            "receipt": result.receipt, "status": "held" if held else "counted",
            "conflict_id": result.id if held else None}


@blp.route("/votes/<id:vote_id>/conflicts/<id:conflict_id>/resolve", methods=["POST"])
@token_required
@vote_access
@blp.arguments(ResolveSchema)
@blp.response(200, ResolvedSchema)
@refusals(**BODY_REFUSALS, s403="forbidden (not the committee)",
          s404=NOT_FOUND + "; not_found (no such conflict in this vote)",
          s409="already_resolved", s422="validation_error, reason_required")
@transactional
def post_resolve(body: dict[str, Any], vote_id: int, conflict_id: int) -> dict[str, Any]:
    """Keep the counted or the held ballot of a paper/electronic conflict."""
    vote, member = loaded()
    _require(perm.can_resolve_conflict(member))
    conflict = db.session.get(BallotConflict, conflict_id)
    if conflict is None or conflict.vote_id != vote.id:
        raise NotFound("not_found", N_("没有这个冲突"))
    ballot = resolve_conflict(conflict, member.user, body["keep"], body["reason"])
    return {"conflict_id": conflict.id, "kept": body["keep"], "receipt": ballot.receipt,
            "channel": ballot.channel.value}


@blp.route("/votes/<id:vote_id>/close", methods=["POST"])
@token_required
@vote_access
@blp.arguments(LangQuery, location="query")
@blp.response(200, ResultSchema)
@refusals(**BODY_REFUSALS, s403="forbidden (not the committee)", s404=NOT_FOUND,
          s409="vote_closed, conflicts_pending", s422="validation_error (lang)")
@transactional
def post_close(query: dict[str, Any], vote_id: int) -> dict[str, Any]:
    """Close the vote now and return its result."""
    vote, member = loaded()
    _require(perm.can_close_vote(member))
    close_vote(vote, member.user)
    return result_payload(vote, lang=query["lang"])


@blp.route("/votes/<id:vote_id>/extend", methods=["POST"])
@token_required
@vote_access
@blp.arguments(ExtendSchema)
@blp.response(200, ExtendedSchema)
@refusals(**BODY_REFUSALS, s403="forbidden (not the committee)", s404=NOT_FOUND,
          s409="vote_closed (closed, or past its close)",
          s422="validation_error, invalid_closes_at (not later than now and the current "
               "close), window_too_long (past the community's maximum window), "
               "reason_required")
@transactional
def post_extend(body: dict[str, Any], vote_id: int) -> dict[str, Any]:
    """Extend an open vote: publishes the extension notice and tells the electorate."""
    vote, member = loaded()
    _require(perm.can_extend_vote(member))
    extension = extend_vote(member.user, vote, body["closes_at"], body["reason"])
    return {"id": vote.id, "closes_at": vote.closes_at.isoformat(),
            "previous_closes_at": extension.previous_closes_at.isoformat(),
            "extension_id": extension.id}


@blp.route("/votes/<id:vote_id>/result")
@token_required
@vote_access
@blp.arguments(LangQuery, location="query")
@blp.response(200, ResultSchema)
@refusals(s404=NOT_FOUND, s422="validation_error (lang)")
def get_result(query: dict[str, Any], vote_id: int) -> dict[str, Any]:
    """Turnout while open; the full result after close."""
    vote, member = loaded()
    _require(perm.can_view_result(member))
    return result_payload(vote, lang=query["lang"])


@blp.route("/votes/<id:vote_id>/receipts/<code>")
@token_required
@vote_access
@blp.response(200, ReceiptStatusSchema)
@refusals(s404=NOT_FOUND + "; unknown_receipt (no ballot with this receipt in this vote)")
def get_receipt(vote_id: int, code: str) -> dict[str, Any]:
    """Whether a receipt is counted, superseded, void or held (case, spaces, dashes ignored)."""
    vote, member = loaded()
    _require(perm.can_view_result(member))
    status = check_receipt(vote, code)
    normalized = normalize_receipt(code)
    if status is None or normalized is None:
        raise NotFound("unknown_receipt", N_("本次表决中没有这个回执码"))
    return {"receipt": normalized, "status": status}


@blp.route("/votes/<id:vote_id>/ballots")
@token_required
@vote_access
@blp.arguments(BallotsQuery, location="query")
@blp.response(200, BallotsPageSchema)
@blp.doc(responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}})
@refusals(s403="forbidden (the vote is open, the community shows no ballots, or CSV for "
               "anyone but the committee)", s404=NOT_FOUND,
          s422="validation_error (page, format)")
def get_ballots(query: dict[str, Any], vote_id: int) -> dict[str, Any] | Response:
    """Counted ballots by unit and area after close (`?page=N`), or every one as CSV for the
    committee's audit (`?format=csv`; the export is recorded in the audit log)."""
    vote, member = loaded()
    community = vote.proposal.community
    _require(perm.can_inspect_ballots(member, vote, community))
    if query["format"] == "csv":
        _require(perm.can_export_ballots(member))
        text = write_during_read(lambda: export_ballots_csv(vote, member.user))
        return Response(text, mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename=vote-{vote.id}.csv"})
    listing = ballot_page(vote, query["page"])
    return {"items": listing.items, "page": listing.page, "pages": listing.pages}

