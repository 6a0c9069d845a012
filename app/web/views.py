"""Site home (communities I belong to) and community home."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import Membership
from app.context import current_member, get_community_or_404, require
from app.extensions import db
from app.hooks import hooks
from app.permissions import can_view_community, is_staff
from app.register.models import Community
from app.register.services import community_electorate

bp = Blueprint("web", __name__)

@bp.route("/")
def home() -> str:
    """The communities the signed-in user belongs to."""
    memberships: list[Membership] = []
    if current_user.is_authenticated:
        memberships = list(db.session.execute(
            select(Membership).join(Community).where(Membership.user_id == current_user.id)
            .order_by(Community.name)).scalars())
    return render_template("web/site_home.html", memberships=memberships)


@bp.route("/c/<slug>/")
def community_home(slug: str) -> str:
    """A community's home: its open proposals and register summary."""
    community = get_community_or_404(slug)
    member = current_member(community)
    require(can_view_community(member))
    electorate = community_electorate(community)
    sections = [section(community, member) for section in hooks().home_sections]
    desk = ([item for provider in hooks().desk_items for item in provider(community, member)]
            if is_staff(member) else None)
    return render_template("web/community_home.html", community=community, member=member,
                           electorate=electorate, sections=[s for s in sections if s],
                           is_staff=is_staff(member), desk=desk)
