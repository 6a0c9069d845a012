"""JSON API of proposals and their discussion (API.md), over the same services as the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate

from app.api.auth import api_user, token_required
from app.api.communities import load_community
from app.api.errors import ApiError
from app.context import membership_of
from app.extensions import db, limiter
from app.register.models import Community
from proposals import discussion, services
from proposals import permissions as perm
from proposals.api_json import comment_json, proposal_json
from proposals.comment_models import Comment
from proposals.errors import ProposalError, to_hundredths
from proposals.models import Proposal
from proposals.queries import comments_page, load_proposal
from proposals.ratelimit import comment_key, comment_limit

blp = Blueprint("api_proposals", __name__, description="Proposals and discussion")


class Amount(fields.Field):
    """A non-negative amount with at most two decimals, as a string or a number."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        try:
            amount = to_hundredths(value, attr or "amount")
        except ProposalError as exc:
            raise ValidationError(exc.message) from None
        if amount is None:
            raise ValidationError("a number is required")
        return amount

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else f"{value:.2f}"


_text = {"validate": validate.Length(max=20000), "load_default": ""}


class OptionIn(Schema):
    """An option of a new proposal."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(**_text)
    cost_cny = Amount(allow_none=True, load_default=None, metadata={"example": "186000.00"})
    funding_source = fields.String(load_default="none", validate=validate.OneOf(
        ["maintenance_fund", "owners_by_area", "subsidy", "mixed", "none"]))
    timeline = fields.String(validate=validate.Length(max=200), load_default="")
    green_area_lost_m2 = Amount(allow_none=True, load_default=None)
    parking_delta = fields.Integer(strict=True, allow_none=True, load_default=None,
                                   validate=validate.Range(-100000, 100000))
    risks = fields.String(**_text)
    pros = fields.String(**_text)
    cons = fields.String(**_text)
    is_status_quo = fields.Boolean(load_default=False)


class ScopeIn(Schema):
    """Buildings in scope."""

    buildings = fields.List(fields.String(validate=validate.Length(min=1, max=64)),
                            required=True, validate=validate.Length(min=1))


class ProposalIn(Schema):
    """A new proposal."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    summary = fields.String(validate=validate.Length(max=2000), load_default="")
    body = fields.String(validate=validate.Length(max=100000), load_default="")
    matters = fields.List(fields.Integer(strict=True, validate=validate.Range(1, 9)),
                          load_default=list, metadata={"description": "[] = advisory"})
    scope = fields.Nested(ScopeIn, allow_none=True, load_default=None)
    options = fields.List(fields.Nested(OptionIn), load_default=list,
                          validate=validate.Length(max=services.MAX_OPTIONS))
    state = fields.String(load_default="draft",
                          validate=validate.OneOf(["draft", "deliberation"]))


class OptionOut(Schema):
    """An option as the API shows it."""

    id = fields.Integer()
    title = fields.String()
    description = fields.String()
    cost_cny = fields.String(allow_none=True, metadata={"example": "186000.00"})
    funding_source = fields.String()
    timeline = fields.String()
    green_area_lost_m2 = fields.String(allow_none=True)
    parking_delta = fields.Integer(allow_none=True)
    risks = fields.String()
    pros = fields.String()
    cons = fields.String()
    is_status_quo = fields.Boolean()


class ProposalOut(Schema):
    """A proposal."""

    id = fields.Integer()
    community = fields.String()
    title = fields.String()
    summary = fields.String()
    body = fields.String()
    body_html = fields.String()
    state = fields.String()
    matters = fields.List(fields.Integer())
    threshold = fields.String(metadata={"description": "the approval rule in plain words"})
    threshold_kind = fields.String(metadata={"description": "majority|three_quarters|advisory"})
    scope = fields.Dict(allow_none=True)
    options = fields.List(fields.Nested(OptionOut))
    author = fields.String(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()
    url = fields.String()


class CommentIn(Schema):
    """A new comment."""

    body = fields.String(required=True, validate=validate.Length(min=1, max=discussion.MAX_BODY))
    parent_id = fields.Integer(strict=True, allow_none=True, load_default=None)
    option_id = fields.Integer(strict=True, allow_none=True, load_default=None)
    stance = fields.String(allow_none=True, load_default=None,
                           validate=validate.OneOf(["support", "oppose", "question"]))


class CommentOut(Schema):
    """A comment; deleted ones are tombstones, hidden ones show the reason."""

    id = fields.Integer()
    body_html = fields.String()
    author = fields.String(allow_none=True)
    author_role = fields.String()
    stance = fields.String(allow_none=True)
    option_id = fields.Integer(allow_none=True)
    parent_id = fields.Integer(allow_none=True)
    created_at = fields.String()
    edited_at = fields.String(allow_none=True)
    official = fields.Boolean()
    deleted = fields.Boolean()
    hidden = fields.Boolean()
    hidden_reason = fields.String(allow_none=True)


class CommentPage(Schema):
    """A page of comments in posting order."""

    items = fields.List(fields.Nested(CommentOut))
    page = fields.Integer()
    pages = fields.Integer()
    total = fields.Integer()


class PageArgs(Schema):
    """Which page."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1000000))


def _refuse(exc: ProposalError) -> ApiError:
    db.session.rollback()
    status = 409 if exc.code in {"discussion_closed", "not_editable", "invalid_transition"} \
        else 422
    return ApiError(status, exc.code, exc.message)


def _member_or_refuse(community: Community, *, required: bool) -> Any:
    """The caller's membership; 401 for a bad token (or none where one is required)."""
    has_header = bool(request.headers.get("Authorization"))
    user = api_user()
    if (required or has_header) and user is None:
        raise ApiError(401, "unauthorized", "a valid bearer token is required")
    return membership_of(user, community)


def _viewable(proposal_id: int, *, required: bool = False) -> tuple[Community, Any, Proposal]:
    """A proposal the caller may see (404 for unknown, 401/403/404 when not allowed)."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        raise ApiError(404, "not_found", f"no proposal {proposal_id}")
    community = db.session.get(Community, proposal.community_id)
    member = _member_or_refuse(community, required=required)
    if not perm.can_view_proposal(member, proposal, community):
        if api_user() is None:
            raise ApiError(401, "unauthorized", "sign in to see this proposal")
        if member is None:
            raise ApiError(403, "forbidden", "you are not a member of this community")
        raise ApiError(404, "not_found", f"no proposal {proposal_id}")
    return community, member, load_proposal(proposal.id, community.id)  # type: ignore[return-value]


@blp.route("/communities/<slug>/proposals", methods=["POST"])
@token_required
@blp.arguments(ProposalIn)
@blp.response(201, ProposalOut)
@blp.alt_response(403, description="Not the committee of this community")
def create_proposal(body: dict, slug: str) -> dict:
    """Create a proposal with its options (the committee); `state` draft (default) or
    deliberation."""
    community = load_community(slug)
    member = membership_of(api_user(), community)
    if not perm.can_create_proposal(member):
        raise ApiError(403, "forbidden", "only the committee creates proposals")
    scope = body["scope"]["buildings"] if body["scope"] else None
    try:
        proposal = services.create_proposal(
            community, api_user(), title=body["title"], summary=body["summary"],
            body=body["body"], matters=body["matters"], scope_buildings=scope,
            options=body["options"], state=body["state"])
    except ProposalError as exc:
        raise _refuse(exc) from None
    db.session.commit()
    return proposal_json(community, load_proposal(proposal.id, community.id))


@blp.route("/proposals/<int:proposal_id>")
@blp.response(200, ProposalOut)
def get_proposal(proposal_id: int) -> dict:
    """A proposal with its options and threshold (members; anyone when the community
    publishes proposals)."""
    community, _member, proposal = _viewable(proposal_id)
    return proposal_json(community, proposal)


@blp.route("/proposals/<int:proposal_id>/comments")
@blp.arguments(PageArgs, location="query")
@blp.response(200, CommentPage)
def list_comments(args: dict, proposal_id: int) -> dict:
    """The discussion in posting order, 50 per page."""
    _community, _member, proposal = _viewable(proposal_id)
    page = comments_page(proposal, args["page"])
    return {"items": [comment_json(c) for c in page.items], "page": page.page,
            "pages": page.pages, "total": page.total}


@blp.route("/proposals/<int:proposal_id>/comments", methods=["POST"])
@limiter.shared_limit(comment_limit, scope="comment", key_func=comment_key)
@token_required
@blp.arguments(CommentIn)
@blp.response(201, CommentOut)
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def post_comment(body: dict, proposal_id: int) -> dict:
    """Post a comment, a reply (`parent_id`) or a comment on one option (`option_id`)."""
    community, member, proposal = _viewable(proposal_id, required=True)
    if not perm.can_comment(member, proposal, community):
        if proposal.state.value not in ("deliberation", "voting"):
            raise ApiError(409, "discussion_closed", "the discussion of this proposal is closed")
        raise ApiError(403, "forbidden", "you may not comment on this proposal")
    parent = None
    if body["parent_id"] is not None:
        parent = db.session.get(Comment, body["parent_id"])
        if parent is None or parent.proposal_id != proposal.id:
            raise ApiError(422, "unknown_parent", "parent_id: not a comment of this proposal")
    option = None
    if body["option_id"] is not None:
        option = next((o for o in proposal.options if o.id == body["option_id"]), None)
        if option is None:
            raise ApiError(422, "unknown_option", "option_id: not an option of this proposal")
    try:
        comment = discussion.post_comment(proposal, api_user(), role=member.role,
                                          body=body["body"], parent=parent, option=option,
                                          stance=body["stance"])
    except ProposalError as exc:
        raise _refuse(exc) from None
    db.session.commit()
    return comment_json(comment)



