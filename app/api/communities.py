"""`GET /communities/{slug}`."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from app.api.auth import api_user, token_required
from app.context import membership_of
from app.errors import N_, Forbidden, NotFound
from app.extensions import db
from app.permissions import can_view_community
from app.register.models import Community
from app.register.services import community_electorate

blp = Blueprint("api_communities", __name__, description="Communities")


class CommunitySchema(Schema):
    """A community and its register totals."""

    slug = fields.String()
    name = fields.String()
    units = fields.Integer()
    headcount = fields.Integer()
    area_m2 = fields.String(metadata={"example": "38211.40"})


def load_community(slug: str) -> Community:
    """A community by slug, or a 404 API error."""
    community = db.session.execute(
        select(Community).where(Community.slug == slug)).scalar_one_or_none()
    if community is None:
        raise NotFound("not_found", N_("没有小区 %(slug)s"), slug=slug)
    return community


@blp.route("/communities/<slug>")
@token_required
@blp.response(200, CommunitySchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def get_community(slug: str) -> dict[str, object]:
    """A community's name and register totals (members only)."""
    community = load_community(slug)
    if not can_view_community(membership_of(api_user(), community)):
        raise Forbidden("forbidden", N_("您不是这个小区的成员"))
    electorate = community_electorate(community)
    return {"slug": community.slug, "name": community.name, "units": electorate.units,
            "headcount": electorate.headcount, "area_m2": f"{electorate.area_m2:.2f}"}
