"""The turnout API (API.md `GET /votes/{id}/turnout`): the committee sees every building, a
building volunteer only theirs; anyone else in the community 403, outsiders 404."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.auth import api_user, token_required
from app.api.errors import ErrorSchema
from app.context import membership_of
from app.errors import Forbidden, NotFound
from app.extensions import db
from app.law.words import N_
from turnout import permissions as perm
from turnout.services import outstanding_units, volunteer_buildings, vote_turnout
from voting.counting import Tally
from voting.models import Vote

blp = Blueprint("api_turnout", __name__, description="Turnout of open votes")

DECIMAL_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"


def _decimal() -> fields.String:
    return fields.String(required=True, validate=validate.Regexp(DECIMAL_PATTERN),
                         metadata={"example": "2140.20"})


class TurnoutTallySchema(Schema):
    """A headcount and an area (m², two places)."""

    headcount = fields.Integer(required=True, validate=validate.Range(min=0))
    area_m2 = _decimal()


class TurnoutParticipationSchema(TurnoutTallySchema):
    """Who took part, and whether that meets the two-thirds quorum of area and headcount."""

    quorum_met = fields.Boolean(required=True)


class OutstandingUnitSchema(Schema):
    """A unit whose owner has not taken part."""

    unit = fields.String(required=True, metadata={
        "description": "the unit number as the register has it", "example": "1-0203"})
    owner_ref = fields.String(required=True)


class BuildingTurnoutSchema(Schema):
    """One building: everyone holding a unit in scope there, who took part, who has not."""

    building = fields.String(required=True)
    electorate = fields.Nested(TurnoutTallySchema, required=True)
    participation = fields.Nested(TurnoutParticipationSchema, required=True)
    outstanding = fields.List(fields.Nested(OutstandingUnitSchema), required=True)


class TurnoutSchema(Schema):
    """A vote's turnout; `missing` = headcount max(0, ceil(2H/3) - h), area max(0, 2A/3 - a)
    rounded up to the cent (DESIGN.md)."""

    vote_id = fields.Integer(required=True)
    electorate = fields.Nested(TurnoutTallySchema, required=True)
    participation = fields.Nested(TurnoutParticipationSchema, required=True)
    missing = fields.Nested(TurnoutTallySchema, required=True)
    channels = fields.Dict(keys=fields.String(validate=validate.OneOf(["online", "paper",
                                                                        "proxy"])),
                           values=fields.Nested(TurnoutTallySchema), required=True)
    closes_at = fields.String(required=True, metadata={"format": "date-time"})
    days_left = fields.Integer(required=True, validate=validate.Range(min=0))
    buildings = fields.List(fields.Nested(BuildingTurnoutSchema), required=True)


def _tally(tally: Tally) -> dict[str, Any]:
    return {"headcount": tally.headcount, "area_m2": f"{tally.area:.2f}"}


def turnout_payload(vote: Vote, building_ids: frozenset[int] | None) -> dict[str, Any]:
    """API.md's turnout JSON (three queries whatever the register's size)."""
    from app.law import quorum_met

    turnout = vote_turnout(vote, building_ids)
    missing = {"headcount": turnout.missing.headcount,
               "area_m2": f"{turnout.missing.area:.2f}"}
    rows: dict[int, list[dict[str, str]]] = {}
    for building_id, unit, owner_ref in outstanding_units(vote, building_ids):
        rows.setdefault(building_id, []).append({"unit": unit, "owner_ref": owner_ref})
    buildings: list[dict[str, Any]] = []
    for b in turnout.buildings:
        buildings.append({
            "building": b.building, "electorate": _tally(b.electorate),
            "participation": {**_tally(b.participation), "quorum_met": quorum_met(
                b.participation.headcount, b.participation.area, b.electorate.headcount,
                b.electorate.area)},
            "outstanding": rows.get(b.building_id, [])})
    return {"vote_id": vote.id, "electorate": _tally(turnout.electorate),
            "participation": {**_tally(turnout.participation),
                              "quorum_met": turnout.quorum_met},
            "missing": missing,
            "channels": {name: _tally(t) for name, t in turnout.channels.items()},
            "closes_at": turnout.closes_at.isoformat(), "days_left": turnout.days_left,
            "buildings": buildings}


@blp.route("/votes/<id:vote_id>/turnout", methods=["GET"])
@token_required
@blp.response(200, TurnoutSchema)
@blp.alt_response(403, schema=ErrorSchema,
                  description="forbidden (neither the committee nor a building volunteer)")
@blp.alt_response(404, schema=ErrorSchema,
                  description="not_found (no such vote, or not a member of its community)")
def get_turnout(vote_id: int) -> dict[str, Any]:
    """The vote's turnout against the quorum, per building and channel, with the outstanding
    units (a building volunteer sees their buildings only)."""
    vote = db.session.get(Vote, vote_id)
    user = api_user()
    member = membership_of(user, vote.proposal.community) if vote is not None else None
    if vote is None or member is None:
        raise NotFound("not_found", N_("没有这个表决"))
    assigned = volunteer_buildings(member)
    if not perm.can_view_turnout(member, assigned):
        raise Forbidden("forbidden", N_("你无权进行此操作"))
    return turnout_payload(vote, perm.visible_buildings(member, assigned))
