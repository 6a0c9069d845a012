"""Permission matrix of turnout: the dashboard and volunteers page are the committee's; a
building's outstanding owners, its sheet and its visit log are the committee's and that
building's volunteer's (VOLUNTEER serves 1栋; 2栋 is another building's and refused); the API
answers outsiders 404."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.register.models import Building
from tests.matrix import STAFF, VOLUNTEER, VOLUNTEER_BUILDING, Route, World
from tests.matrix.voting import open_vote_on
from turnout.models import TurnoutUnit, VolunteerAssignment

STAFF_AND_VOLUNTEER = STAFF | {VOLUNTEER}


def _building(world: World, name: str) -> int:
    return db.session.execute(select(Building.id).where(
        Building.community_id == world.community_id, Building.name == name)).scalar_one()


def vote_and_building(world: World) -> dict[str, Any]:
    """An open vote and the volunteer's building, with an outstanding owner (o1) in it."""
    params = open_vote_on(world)
    building_id = _building(world, VOLUNTEER_BUILDING)
    elector = db.session.execute(select(TurnoutUnit.elector_id).where(
        TurnoutUnit.vote_id == params["vote_id"], TurnoutUnit.building_id == building_id)
        .limit(1)).scalar_one()
    return {**params, "building_id": building_id, "elector_id": elector}


def vote_and_other_building(world: World) -> dict[str, Any]:
    """An open vote and a building the volunteer does not serve."""
    params = open_vote_on(world)
    return {**params, "building_id": _building(world, "2栋")}


def an_assignment(world: World) -> dict[str, Any]:
    """The volunteer's assignment to their building."""
    assignment = db.session.execute(select(VolunteerAssignment.id).where(
        VolunteerAssignment.community_id == world.community_id)).scalar_one()
    return {"assignment_id": assignment}


def _visit(world: World, params: dict[str, Any]) -> dict[str, Any]:
    return {"elector": str(params["elector_id"]), "outcome": "not_home", "note": ""}


def _assign(world: World, params: dict[str, Any]) -> dict[str, Any]:
    return {"username": world.user("resident").username,
            "building": str(_building(world, VOLUNTEER_BUILDING))}


BUILDING = "/c/{slug}/votes/{vote_id}/turnout/buildings/{building_id}"

MATRIX = [
    Route("turnout.dashboard", "GET", "/c/{slug}/votes/{vote_id}/turnout", STAFF,
          setup=open_vote_on),
    Route("turnout.building", "GET", BUILDING, STAFF_AND_VOLUNTEER, setup=vote_and_building),
    Route("turnout.building", "GET", BUILDING, STAFF, setup=vote_and_other_building),
    Route("turnout.sheet", "GET", BUILDING + "/sheet.pdf", STAFF_AND_VOLUNTEER,
          setup=vote_and_building),
    Route("turnout.visit", "POST", BUILDING + "/visits", STAFF_AND_VOLUNTEER,
          setup=vote_and_building, data=_visit),
    Route("turnout.volunteers", "GET", "/c/{slug}/volunteers", STAFF),
    Route("turnout.volunteers", "POST", "/c/{slug}/volunteers", STAFF, data=_assign),
    Route("turnout.remove", "POST", "/c/{slug}/volunteers/{assignment_id}/remove", STAFF,
          setup=an_assignment),
    Route("api_turnout.get_turnout", "GET", "/api/v1/votes/{vote_id}/turnout",
          STAFF_AND_VOLUNTEER, setup=open_vote_on, outsider=404),
]

MATRIX.append(Route("turnout.remind", "POST", BUILDING + "/remind", STAFF,
                    setup=vote_and_building))
