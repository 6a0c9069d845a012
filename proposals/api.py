"""JSON API of proposals and their discussion (API.md), over the same services as the pages.

Every constraint the API enforces is in its schemas, so the OpenAPI document states it; every
response, errors included, is declared.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask import request
from flask_smorest import Api, Blueprint
from marshmallow import Schema, ValidationError, fields, validate

from app.accounts.models import Membership, Role, User
from app.api.auth import api_user, token_required
from app.api.communities import load_community
from app.context import membership_of
from app.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from app.extensions import limiter
from app.ids import IdField, PageField
from app.law import N_, Threshold
from app.numbers import MAX_AMOUNT, to_hundredths
from app.register.models import Community
from app.uow import transactional
from proposals import discussion, services
from proposals import permissions as perm
from proposals.api_json import comment_json, proposal_json
from proposals.comment_models import Stance
from proposals.discussion import unknown_option, unknown_parent
from proposals.models import FundingSource, Proposal, ProposalState, SplitUnit
from proposals.queries import comment_of, comments_page, load_proposal, option_of
from proposals.ratelimit import comment_key, comment_limit
from proposals.states import DISCUSSABLE

blp = Blueprint("api_proposals", __name__, description="Proposals and discussion")

#: text without NUL bytes (the database refuses them)
NO_NUL = r"^[^\x00]*$"
#: text without NUL bytes and with something besides white space
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"
#: an amount as the API sends it: digits, at most two decimals, below `MAX_AMOUNT`
AMOUNT_PATTERN = r"^(0|[1-9][0-9]{0,10})(\.[0-9]{1,2})?$"
AMOUNT = re.compile(AMOUNT_PATTERN.removeprefix("^").removesuffix("$"))


def text_field(max_length: int, *, blank: bool = True, **kwargs: Any) -> fields.String:
    """A string of at most `max_length` characters, never with a NUL byte.

    `blank=False`: it must hold more than white space (the services refuse blank text with
    their own code, e.g. `empty_comment`; the document states it as a pattern).
    """
    metadata = dict(kwargs.pop("metadata", {}))
    if not blank:
        metadata["pattern"] = NOT_BLANK
    return fields.String(validate=[validate.Length(min=0 if blank else 1, max=max_length),
                                   validate.Regexp(NO_NUL)], metadata=metadata, **kwargs)


class Amount(fields.String):
    """A non-negative amount with at most two decimals: a string of digits like "186000.00".

    A JSON number with at most two decimals is accepted too (API v1 clients send them).
    """

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"pattern": AMOUNT_PATTERN, "example": "186000.00",
                    "description": "yuan or m², at most two decimals, below "
                                   f"{MAX_AMOUNT:,}; a JSON number is accepted too"}
        metadata.update(kwargs.pop("metadata", {}))
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str) and not AMOUNT.fullmatch(value):
            raise ValidationError("digits with at most two decimals, e.g. \"186000.00\"")
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ValidationError("a string of digits, e.g. \"186000.00\"")
        try:
            amount = to_hundredths(value, attr or "amount")
        except InvalidInput as error:
            raise ValidationError(error.message) from None
        if amount is None:
            raise ValidationError("a number is required")
        return amount

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else f"{Decimal(value):.2f}"


class NullableNested(fields.Nested):
    """A nested object or null; documented as `allOf: [its schema]` and `nullable` (apispec's
    OpenAPI 3.0 default, `anyOf` with an open object, would allow any object)."""


def nullable_nested2properties(converter: Any, field: fields.Field, ret: dict[str, Any],
                               **kwargs: Any) -> dict[str, Any]:
    """The apispec attribute function that documents `NullableNested` (see `init_api`)."""
    del converter, kwargs
    if isinstance(field, NullableNested) and "anyOf" in ret:
        ret["allOf"] = ret.pop("anyOf")[:1]
        ret["nullable"] = True
    return {}


def init_api(api: Api) -> None:
    """Teach the app's OpenAPI generator this module's fields, then register the blueprint."""
    api.ma_plugin.converter.add_attribute_function(nullable_nested2properties)
    api.register_blueprint(blp, url_prefix="/api/v1")


def _enum(values: Any) -> validate.OneOf:
    return validate.OneOf([item.value for item in values])


SPLIT_DESCRIPTION = (
    "How a mixed option's cost is split between the sources. Required when funding_source is "
    "\"mixed\", refused (422 split_not_mixed) otherwise. unit \"amount\": the parts are yuan "
    "and must add up to cost_cny exactly (cost_cny required; 422 split_amount_sum, "
    "split_needs_cost); unit \"percent\": the parts are percentages of cost_cny and must add "
    "up to exactly 100.00 (422 split_percent_sum). A source left out is 0; at least one part "
    "is above 0 (422 split_empty). Every part has at most two decimals.")


def _part(description: str, **kwargs: Any) -> Amount:
    return Amount(metadata={"description": description + " (yuan, or percent of the cost)",
                            "example": "60000.00"}, **kwargs)


class SplitIn(Schema):
    """How a mixed option's cost is split between the sources."""

    unit = fields.String(required=True, validate=_enum(SplitUnit))
    fund = _part("from the maintenance fund (专项维修资金)", data_key="maintenance_fund",
                 load_default=Decimal(0))
    owners = _part("paid by the owners in scope, by area", data_key="owners_by_area",
                   load_default=Decimal(0))
    subsidy = _part("a government or other subsidy", load_default=Decimal(0))
    common_income = _part("the community's common income (公共收益)", load_default=Decimal(0))


class SplitOut(Schema):
    """How a mixed option's cost is split (parts in the unit given)."""

    unit = fields.String(required=True, validate=_enum(SplitUnit))
    maintenance_fund = _part("from the maintenance fund (专项维修资金)", required=True)
    owners_by_area = _part("paid by the owners in scope, by area", required=True)
    subsidy = _part("a government or other subsidy", required=True)
    common_income = _part("the community's common income (公共收益)", required=True)


class OptionIn(Schema):
    """An option of a new proposal."""

    title = text_field(services.OPTION_SHORT_MAX, blank=False, required=True)
    description = text_field(services.OPTION_TEXT_MAX, load_default="")
    cost_cny = Amount(allow_none=True, load_default=None)
    funding_source = fields.String(load_default="none", validate=_enum(FundingSource))
    split = NullableNested(SplitIn, allow_none=True, load_default=None,
                           metadata={"description": SPLIT_DESCRIPTION})
    timeline = text_field(services.OPTION_SHORT_MAX, load_default="")
    green_area_lost_m2 = Amount(allow_none=True, load_default=None,
                                metadata={"example": "120.00"})
    parking_delta = fields.Integer(strict=True, allow_none=True, load_default=None,
                                   validate=validate.Range(-services.MAX_PARKING_DELTA,
                                                           services.MAX_PARKING_DELTA))
    risks = text_field(services.OPTION_TEXT_MAX, load_default="")
    pros = text_field(services.OPTION_TEXT_MAX, load_default="")
    cons = text_field(services.OPTION_TEXT_MAX, load_default="")
    is_status_quo = fields.Boolean(load_default=False)


class ScopeIn(Schema):
    """Buildings in scope."""

    buildings = fields.List(text_field(64, blank=False), required=True,
                            validate=validate.Length(min=1))


class ProposalIn(Schema):
    """A new proposal."""

    title = text_field(services.TITLE_MAX, blank=False, required=True)
    summary = text_field(services.SUMMARY_MAX, load_default="")
    body = text_field(services.BODY_MAX, load_default="")
    matters = fields.List(fields.Integer(strict=True, validate=validate.Range(1, 9)),
                          load_default=list,
                          metadata={"description": "Civil Code Art. 278 items; [] = advisory"})
    scope = NullableNested(ScopeIn, allow_none=True, load_default=None,
                          metadata={"description": "null = the whole community"})
    options = fields.List(fields.Nested(OptionIn), load_default=list,
                          validate=validate.Length(max=services.MAX_OPTIONS))
    state = fields.String(load_default="draft", validate=validate.OneOf(
        [ProposalState.DRAFT.value, ProposalState.DELIBERATION.value]))


class OptionOut(Schema):
    """An option as the API shows it."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    cost_cny = Amount(required=True, allow_none=True)
    funding_source = fields.String(required=True, validate=_enum(FundingSource))
    split = NullableNested(SplitOut, required=True, allow_none=True,
                           metadata={"description": "null when the option has no split; "
                                     + SPLIT_DESCRIPTION})
    timeline = fields.String(required=True)
    green_area_lost_m2 = Amount(required=True, allow_none=True, metadata={"example": "120.00"})
    parking_delta = fields.Integer(required=True, allow_none=True)
    risks = fields.String(required=True)
    pros = fields.String(required=True)
    cons = fields.String(required=True)
    is_status_quo = fields.Boolean(required=True)


class ScopeOut(Schema):
    """The buildings in scope."""

    buildings = fields.List(fields.String(), required=True)


class ProposalOut(Schema):
    """A proposal."""

    id = fields.Integer(required=True)
    community = fields.String(required=True, metadata={"description": "the community's slug"})
    title = fields.String(required=True)
    summary = fields.String(required=True)
    body = fields.String(required=True, metadata={"description": "Markdown"})
    body_html = fields.String(required=True, metadata={"description": "the body, sanitised"})
    state = fields.String(required=True, validate=_enum(ProposalState))
    matters = fields.List(fields.Integer(), required=True)
    threshold = fields.String(required=True, metadata={
        "description": "the rule the proposal is decided by, in plain words (Chinese)"})
    threshold_kind = fields.String(required=True, validate=_enum(Threshold))
    scope = NullableNested(ScopeOut, required=True, allow_none=True,
                          metadata={"description": "null = the whole community"})
    options = fields.List(fields.Nested(OptionOut), required=True)
    author = fields.String(required=True, allow_none=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    updated_at = fields.String(required=True, metadata={"format": "date-time"})
    url = fields.String(required=True, metadata={"format": "uri"})


class CommentIn(Schema):
    """A new comment."""

    body = text_field(discussion.MAX_BODY, blank=False, required=True,
                metadata={"description": "Markdown"})
    parent_id = IdField(allow_none=True, load_default=None,
                        metadata={"description": "the comment replied to"})
    option_id = IdField(allow_none=True, load_default=None,
                        metadata={"description": "the option the comment is about"})
    stance = fields.String(allow_none=True, load_default=None, validate=_enum(Stance))


class CommentOut(Schema):
    """A comment; deleted ones are tombstones, hidden ones show the reason."""

    id = fields.Integer(required=True)
    body_html = fields.String(required=True)
    author = fields.String(required=True, allow_none=True)
    author_role = fields.String(required=True, validate=_enum(Role))
    stance = fields.String(required=True, allow_none=True, validate=_enum(Stance))
    option_id = fields.Integer(required=True, allow_none=True)
    parent_id = fields.Integer(required=True, allow_none=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    edited_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})
    official = fields.Boolean(required=True)
    deleted = fields.Boolean(required=True)
    hidden = fields.Boolean(required=True)
    hidden_reason = fields.String(required=True, allow_none=True)


class CommentPage(Schema):
    """A page of comments in posting order (a page past the end is the last page)."""

    items = fields.List(fields.Nested(CommentOut), required=True)
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    total = fields.Integer(required=True)


class PageArgs(Schema):
    """Which page."""

    page = PageField()


def _member(community: Community, *, required: bool) -> Membership | None:
    """The caller's membership; 401 for a bad token (or none where one is required)."""
    user = api_user()
    if (required or request.headers.get("Authorization")) and user is None:
        raise Unauthorized("unauthorized", N_("需要有效的访问令牌"))
    return membership_of(user, community)


def _viewable(proposal_id: int, *, required: bool = False
              ) -> tuple[Community, Membership | None, Proposal]:
    """A proposal the caller may see (404 for unknown, 401/403/404 when not allowed)."""
    proposal = load_proposal(proposal_id, None)
    if proposal is None:
        raise NotFound("not_found", N_("没有编号为 %(id)s 的议题"), id=proposal_id)
    community = proposal.community
    member = _member(community, required=required)
    if not perm.can_view_proposal(member, proposal, community):
        if api_user() is None:
            raise Unauthorized("unauthorized", N_("请登录后查看这个议题"))
        if member is None:
            raise Forbidden("forbidden", N_("您不是本小区的成员"))
        raise NotFound("not_found", N_("没有编号为 %(id)s 的议题"), id=proposal_id)
    return community, member, proposal


def _signed_in() -> User:
    """The bearer token's user (`token_required` has refused requests without one)."""
    user = api_user()
    if user is None:
        raise Unauthorized("unauthorized", N_("需要有效的访问令牌"))
    return user


@blp.route("/communities/<slug>/proposals", methods=["POST"])
@token_required
@blp.arguments(ProposalIn)
@blp.response(201, ProposalOut)
@blp.alt_response(400, response="BAD_REQUEST", description="The body is not valid JSON")
@blp.alt_response(403, response="FORBIDDEN", description="Not the committee of this community")
@blp.alt_response(404, response="NOT_FOUND", description="No such community")
@blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
@transactional
def create_proposal(body: dict[str, Any], slug: str) -> dict[str, Any]:
    """Create a proposal with its options (the committee); `state` draft (default) or
    deliberation."""
    community = load_community(slug)
    user = _signed_in()
    if not perm.can_create_proposal(membership_of(user, community)):
        raise Forbidden("forbidden", N_("只有业委会可以发起议题"))
    scope = body["scope"]["buildings"] if body["scope"] else None
    proposal = services.create_proposal(
        community, user, title=body["title"], summary=body["summary"], body=body["body"],
        matters=body["matters"], scope_buildings=scope, options=body["options"],
        state=body["state"])
    return proposal_json(community, proposal)


@blp.route("/proposals/<id:proposal_id>")
@blp.response(200, ProposalOut)
@blp.alt_response(401, response="UNAUTHORIZED",
                  description="Sign-in needed (the community does not publish proposals)")
@blp.alt_response(403, response="FORBIDDEN", description="Not a member of this community")
@blp.alt_response(404, response="NOT_FOUND")
def get_proposal(proposal_id: int) -> dict[str, Any]:
    """A proposal with its options and threshold (members; anyone when the community
    publishes proposals)."""
    community, _member, proposal = _viewable(proposal_id)
    return proposal_json(community, proposal)


@blp.route("/proposals/<id:proposal_id>/comments")
@blp.arguments(PageArgs, location="query")
@blp.response(200, CommentPage)
@blp.alt_response(401, response="UNAUTHORIZED",
                  description="Sign-in needed (the community does not publish proposals)")
@blp.alt_response(403, response="FORBIDDEN", description="Not a member of this community")
@blp.alt_response(404, response="NOT_FOUND")
def list_comments(args: dict[str, Any], proposal_id: int) -> dict[str, Any]:
    """The discussion in posting order, 50 per page."""
    _community, _member, proposal = _viewable(proposal_id)
    page = comments_page(proposal, args["page"])
    return {"items": [comment_json(c) for c in page.items], "page": page.page,
            "pages": page.pages, "total": page.total}


@blp.route("/proposals/<id:proposal_id>/comments", methods=["POST"])
@limiter.shared_limit(comment_limit, scope="comment", key_func=comment_key)
@token_required
@blp.arguments(CommentIn)
@blp.response(201, CommentOut)
@blp.alt_response(400, response="BAD_REQUEST", description="The body is not valid JSON")
@blp.alt_response(403, response="FORBIDDEN", description="May not comment on this proposal")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="The discussion is closed")
@blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
@transactional
def post_comment(body: dict[str, Any], proposal_id: int) -> dict[str, Any]:
    """Post a comment, a reply (`parent_id`) or a comment on one option (`option_id`)."""
    community, member, proposal = _viewable(proposal_id, required=True)
    if proposal.state in DISCUSSABLE and not perm.can_comment(member, proposal, community):
        raise Forbidden("forbidden", N_("您不能评论这个议题"))
    if member is None:  # a reader of a public community who is no member (closed: refused)
        raise Forbidden("forbidden", N_("您不是本小区的成员"))
    parent = None
    if body["parent_id"] is not None:
        parent = comment_of(proposal, body["parent_id"])
        if parent is None:
            raise unknown_parent()
    option = None
    if body["option_id"] is not None:
        option = option_of(proposal, body["option_id"])
        if option is None:
            raise unknown_option()
    comment = discussion.post_comment(proposal, member.user, role=member.role,
                                      body=body["body"], parent=parent, option=option,
                                      stance=body["stance"])
    return comment_json(comment)
