"""Site home (communities I belong to) and community home."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import Membership
from app.context import current_member, get_community_or_404
from app.extensions import db
from app.hooks import hooks
from app.i18n import lang_code
from app.law.art278 import MATTERS, Threshold, describe_quorum, describe_threshold, matter_name
from app.permissions import can_view_community, is_staff
from app.register.models import Community
from app.register.services import community_electorate

bp = Blueprint("web", __name__)

def _how_votes_count(lang: str) -> dict[str, object]:
    """The law's own words on how a vote counts, for the landing page."""
    groups: dict[Threshold, list[str]] = {}
    for matter in MATTERS.values():
        groups.setdefault(matter.threshold, []).append(matter_name(matter.number, lang))
    return {
        "quorum": describe_quorum(lang),
        "rules": [(describe_threshold(threshold, lang), names)
                  for threshold, names in groups.items()],
        "advisory": describe_threshold(Threshold.ADVISORY, lang),
    }


@bp.route("/")
def home() -> str:
    """The landing: what Yishi is, how a vote counts, every community's public register; and
    the communities the signed-in user belongs to."""
    memberships: list[Membership] = []
    if current_user.is_authenticated:
        memberships = list(db.session.execute(
            select(Membership).join(Community).where(Membership.user_id == current_user.id)
            .order_by(Community.name)).scalars())
    communities = db.session.execute(select(Community).order_by(Community.name)).scalars().all()
    return render_template("web/site_home.html", memberships=memberships,
                           communities=communities, law=_how_votes_count(lang_code()))


@bp.route("/c/<slug>/")
def community_home(slug: str) -> str:
    """A community's home: its open proposals and register summary."""
    community = get_community_or_404(slug)
    member = current_member(community)
    if not can_view_community(member):
        public = [section(community, None) for section in hooks().public_home_sections]
        return render_template("web/community_public.html", community=community,
                               sections=[s for s in public if s])
    electorate = community_electorate(community)
    sections = [section(community, member) for section in hooks().home_sections]
    desk = ([item for provider in hooks().desk_items for item in provider(community, member)]
            if is_staff(member) else None)
    return render_template("web/community_home.html", community=community, member=member,
                           electorate=electorate, sections=[s for s in sections if s],
                           is_staff=is_staff(member), desk=desk)
