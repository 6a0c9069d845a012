"""The meetings API (API.md): draft and publish minutes, read them, the public decisions list."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from app.api.auth import api_user, token_required
from app.api.errors import ApiError
from app.context import membership_of
from app.extensions import db
from app.register.models import Community
from meetings import minutes as svc
from meetings.decisions import minutes_for_proposal, register_items
from meetings.errors import MeetingError
from meetings.models import Minutes
from meetings.permissions import can_draft_minutes, can_publish_minutes, can_view_minutes
from proposals.models import Proposal

blp = Blueprint("api_meetings", __name__, description="Minutes and the decision register")


class MinutesSchema(Schema):
    """Minutes as the API shows them."""

    id = fields.Integer()
    proposal_id = fields.Integer(allow_none=True)
    meeting_id = fields.Integer(allow_none=True)
    state = fields.String()
    title = fields.String()
    text = fields.String()
    sha256 = fields.String(allow_none=True)
    pdf_url = fields.String(allow_none=True)
    published_at = fields.String(allow_none=True)
    corrects_id = fields.Integer(allow_none=True)


class DecisionSchema(Schema):
    """A published decision of the register."""

    proposal_id = fields.Integer()
    title = fields.String()
    passed = fields.Boolean()
    published_at = fields.String()
    minutes_url = fields.String(allow_none=True)
    notice_url = fields.String()


def _refusal(error: MeetingError) -> ApiError:
    return ApiError(error.status, error.code, error.message)


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
            "published_at": minutes.published_at.isoformat() if published else None,
            "corrects_id": minutes.corrects_id}


def _load_minutes(minutes_id: int) -> Minutes:
    minutes = db.session.get(Minutes, minutes_id)
    if minutes is None:
        raise ApiError(404, "not_found", f"no minutes {minutes_id}")
    return minutes


@blp.route("/proposals/<int:proposal_id>/minutes", methods=["POST"])
@token_required
@blp.response(201, MinutesSchema)
def create_minutes(proposal_id: int) -> dict[str, Any]:
    """Draft minutes from a proposal, its discussion and its result (committee)."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        raise ApiError(404, "not_found", f"no proposal {proposal_id}")
    if not can_draft_minutes(membership_of(api_user(), proposal.community)):
        raise ApiError(403, "forbidden", "only the committee drafts minutes")
    try:
        minutes = svc.draft_proposal_minutes(proposal, actor=api_user())
    except MeetingError as error:
        db.session.rollback()
        raise _refusal(error) from None
    db.session.commit()
    return minutes_json(minutes)


@blp.route("/minutes/<int:minutes_id>/publish", methods=["POST"])
@token_required
@blp.response(200, MinutesSchema)
def publish(minutes_id: int) -> dict[str, Any]:
    """Publish and freeze minutes (committee); published minutes never change (409)."""
    minutes = _load_minutes(minutes_id)
    member = membership_of(api_user(), minutes.community)
    if not can_view_minutes(member, minutes) or not can_draft_minutes(member):
        raise ApiError(403, "forbidden", "only the committee publishes minutes")
    if not can_publish_minutes(member, minutes):
        raise ApiError(409, "minutes_published", "published minutes never change")
    try:
        svc.publish_minutes(minutes, actor=api_user())
    except MeetingError as error:
        db.session.rollback()
        raise _refusal(error) from None
    db.session.commit()
    return minutes_json(minutes)


@blp.route("/minutes/<int:minutes_id>")
@blp.response(200, MinutesSchema)
def get_minutes(minutes_id: int) -> dict[str, Any]:
    """Minutes: anyone once published; drafts for the committee (bearer token)."""
    minutes = _load_minutes(minutes_id)
    if not can_view_minutes(membership_of(api_user(), minutes.community), minutes):
        if api_user() is None:
            raise ApiError(401, "unauthorized", "draft minutes need a committee token")
        raise ApiError(403, "forbidden", "draft minutes are for the committee")
    return minutes_json(minutes)


@blp.route("/communities/<slug>/decisions")
@blp.response(200, DecisionSchema(many=True))
def decisions(slug: str) -> list[dict[str, Any]]:
    """Published decisions (result notices) of a community; public."""
    community = db.session.execute(select(Community).where(Community.slug == slug)
                                   ).scalar_one_or_none()
    if community is None:
        raise ApiError(404, "not_found", f"no community {slug!r}")
    out = []
    for item in register_items(community, kind="notice"):
        proposal = db.session.get(Proposal, item.proposal_id)
        minutes = minutes_for_proposal(proposal) if proposal else None
        out.append({
            "proposal_id": item.proposal_id, "title": item.title, "passed": bool(item.passed),
            "published_at": item.published_at.isoformat(),
            "minutes_url": url_for("meetings.minutes_view", slug=slug, minutes_id=minutes.id,
                                   _external=True) if minutes else None,
            "notice_url": url_for("meetings.notice_view", slug=slug, notice_id=item.id,
                                  _external=True)})
    return out
