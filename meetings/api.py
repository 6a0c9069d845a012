"""The meetings API (API.md): draft and publish minutes, read them, the public decisions list.

Load -> permission -> the service inside `@transactional` -> JSON. Refusals are
`app.errors` kinds or `MeetingError`, answered as `{"error": {"code", "message"}}`; the OpenAPI
document declares every answer's schema and every 4xx.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from app.api.auth import api_user, token_required
from app.context import membership_of
from app.errors import N_, Forbidden, NotFound, Unauthorized
from app.extensions import db
from app.ids import IdField
from app.register.models import Community
from app.uow import transactional
from meetings import minutes as svc
from meetings.decisions import decisions_of
from meetings.errors import MeetingError
from meetings.models import Minutes, MinutesState
from meetings.permissions import can_draft_minutes, can_publish_minutes, can_view_minutes
from proposals.queries import load_proposal

blp = Blueprint("api_meetings", __name__, description="Minutes and the decision register")

SHA256 = validate.Regexp(r"^[0-9a-f]{64}$")
URI = {"format": "uri"}


class MinutesSchema(Schema):
    """Minutes as the API shows them."""

    id = IdField(required=True)
    proposal_id = IdField(required=True, allow_none=True,
                          metadata={"description": "Set for minutes of a vote outside a meeting"})
    meeting_id = IdField(required=True, allow_none=True,
                         metadata={"description": "Set for minutes of a meeting"})
    state = fields.String(required=True, validate=validate.OneOf([s.value for s in MinutesState]))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    text = fields.String(required=True, metadata={"description": "Markdown"})
    sha256 = fields.String(required=True, allow_none=True, validate=SHA256, metadata={
        "description": "sha256 of the UTF-8 text; null while a draft"})
    pdf_url = fields.String(required=True, metadata=URI)
    published_at = fields.DateTime(required=True, allow_none=True)
    corrects_id = IdField(required=True, allow_none=True,
                          metadata={"description": "The published minutes these correct"})
    audit_head = fields.String(required=True, allow_none=True, validate=SHA256, metadata={
        "description": "The community's audit chain head when published (the hash of the "
                       "publish event); null while a draft or for minutes published before "
                       "heads were kept"})


class DecisionSchema(Schema):
    """A decided proposal of the public register."""

    proposal_id = IdField(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200),
                          metadata={"description": "The proposal's title"})
    passed = fields.Boolean(required=True, metadata={
        "description": "The result notice's verdict; while only minutes are published, the "
                       "outcome of the proposal's closed vote"})
    published_at = fields.DateTime(required=True, metadata={
        "description": "When the decision was first made public: the earlier of its result "
                       "notice and its first published minutes"})
    minutes_url = fields.String(required=True, allow_none=True, metadata={
        **URI, "description": "The newest published minutes covering it; null until any"})
    notice_url = fields.String(required=True, allow_none=True, metadata={
        **URI, "description": "Its result notice; null until published"})


def _pdf_url(minutes: Minutes) -> str:
    return url_for("meetings.minutes_pdf", slug=minutes.community.slug, minutes_id=minutes.id,
                   _external=True)


def minutes_json(minutes: Minutes) -> dict[str, Any]:
    """API.md's minutes object."""
    published = minutes.is_published
    return {"id": minutes.id, "proposal_id": minutes.proposal_id,
            "meeting_id": minutes.meeting_id, "state": minutes.state.value,
            "title": minutes.title, "text": minutes.text,
            "sha256": minutes.sha256 if published else None, "pdf_url": _pdf_url(minutes),
            "published_at": minutes.published_at if published else None,
            "corrects_id": minutes.corrects_id,
            "audit_head": minutes.audit_head if published else None}


def _load_minutes(minutes_id: int) -> Minutes:
    minutes = db.session.get(Minutes, minutes_id)
    if minutes is None:
        raise NotFound("not_found", N_("没有这份纪要"))
    return minutes


@blp.route("/proposals/<id:proposal_id>/minutes", methods=["POST"])
@token_required
@transactional
@blp.response(201, MinutesSchema)
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="Its minutes are already published")
@blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
def create_minutes(proposal_id: int) -> dict[str, Any]:
    """Draft minutes from a proposal, its discussion and its result (committee)."""
    proposal = load_proposal(proposal_id, None)
    if proposal is None:
        raise NotFound("not_found", N_("没有这个议题"))
    user = api_user()
    if not can_draft_minutes(membership_of(user, proposal.community)):
        raise Forbidden("forbidden", N_("只有业委会可以起草纪要"))
    return minutes_json(svc.draft_proposal_minutes(proposal, actor=user))


@blp.route("/minutes/<id:minutes_id>/publish", methods=["POST"])
@token_required
@transactional
@blp.response(200, MinutesSchema)
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT",
                  description="Already published, or committee signatures missing")
@blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
def publish(minutes_id: int) -> dict[str, Any]:
    """Publish and freeze minutes (committee); published minutes never change (409)."""
    minutes = _load_minutes(minutes_id)
    user = api_user()
    member = membership_of(user, minutes.community)
    if not can_view_minutes(member, minutes) or not can_draft_minutes(member):
        raise Forbidden("forbidden", N_("只有业委会可以发布纪要"))
    if not can_publish_minutes(member, minutes):
        raise MeetingError("minutes_published", N_("已发布的纪要不能更改"))
    return minutes_json(svc.publish_minutes(minutes, actor=user))


@blp.route("/minutes/<id:minutes_id>")
@blp.response(200, MinutesSchema)
@blp.alt_response(401, response="UNAUTHORIZED", description="Draft minutes, no token")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def get_minutes(minutes_id: int) -> dict[str, Any]:
    """Minutes: anyone once published; drafts for the committee (bearer token)."""
    minutes = _load_minutes(minutes_id)
    user = api_user()
    if not can_view_minutes(membership_of(user, minutes.community), minutes):
        if user is None:
            raise Unauthorized("unauthorized", N_("草稿纪要须凭业委会的令牌查看"))
        raise Forbidden("forbidden", N_("草稿纪要仅业委会可见"))
    return minutes_json(minutes)


@blp.route("/communities/<slug>/decisions")
@blp.response(200, DecisionSchema(many=True))
@blp.alt_response(404, response="NOT_FOUND")
def decisions(slug: str) -> list[dict[str, Any]]:
    """Published decisions of a community (minutes or result notice published); public."""
    community = db.session.execute(select(Community).where(Community.slug == slug)
                                   ).scalar_one_or_none()
    if community is None:
        raise NotFound("not_found", N_("没有这个小区"))
    return [{"proposal_id": d.proposal_id, "title": d.title, "passed": d.passed,
             "published_at": d.published_at,
             "minutes_url": url_for("meetings.minutes_view", slug=slug, minutes_id=d.minutes_id,
                                    _external=True) if d.minutes_id else None,
             "notice_url": url_for("meetings.result_notice", slug=slug, notice_id=d.notice_id,
                                   _external=True) if d.notice_id else None}
            for d in decisions_of(community)]
