"""Meetings, minutes, result notices and the public register of decisions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask

if TYPE_CHECKING:
    from app.accounts.models import Membership
    from app.register.models import Community
    from app.web.nav import NavItem

#: records the community home shows
HOME_ENTRIES = 5


def _nav_meetings(community: Community, member: Membership | None) -> NavItem | None:
    """Members see the meetings link."""
    from flask_babel import gettext as _

    from app.permissions import is_member
    from app.web.nav import NavItem

    if not is_member(member):
        return None
    return NavItem(url=f"/c/{community.slug}/meetings", label=_("会议"))


def _nav_decisions(community: Community, member: Membership | None) -> NavItem | None:
    """Everyone sees the public register of decisions."""
    from flask_babel import gettext as _

    from app.web.nav import NavItem

    return NavItem(url=f"/c/{community.slug}/decisions", label=_("决议公示"))


def _home_section(community: Community, member: Membership | None) -> dict[str, Any]:
    """The latest published decisions and minutes, and upcoming meetings, on the home page."""
    from sqlalchemy import select

    from app.db import utcnow
    from app.extensions import db
    from app.i18n import community_tz
    from meetings.decisions import decision_entries
    from meetings.models import Meeting, MeetingState

    upcoming = db.session.execute(
        select(Meeting).where(Meeting.community_id == community.id,
                              Meeting.state == MeetingState.NOTICED,
                              Meeting.starts_at >= utcnow())
        .order_by(Meeting.starts_at).limit(HOME_ENTRIES)).scalars().all()
    latest = decision_entries(community, per_page=HOME_ENTRIES, tz=community_tz()).items
    return {"template": "meetings/_home_section.html", "upcoming": upcoming, "latest": latest}


def _public_home_section(community: Community, member: Membership | None) -> dict[str, Any]:
    """What an anonymous visitor sees on the community home: only the public register of
    decisions (published notices and minutes) and the meetings whose notice is published."""
    from sqlalchemy import select

    from app.db import utcnow
    from app.extensions import db
    from app.i18n import community_tz
    from meetings.decisions import decision_entries
    from meetings.models import Meeting, MeetingState

    del member
    upcoming = db.session.execute(
        select(Meeting).where(Meeting.community_id == community.id,
                              Meeting.state == MeetingState.NOTICED,
                              Meeting.notice_published_at.is_not(None),
                              Meeting.starts_at >= utcnow())
        .order_by(Meeting.starts_at).limit(HOME_ENTRIES)).scalars().all()
    latest = decision_entries(community, per_page=HOME_ENTRIES, tz=community_tz()).items
    return {"template": "meetings/_public_home_section.html", "upcoming": upcoming,
            "latest": latest}


def init_app(app: Flask) -> None:
    """Register the meetings feature: models, guards, pages, API, navigation, hooks."""
    from app.extensions import api, csrf
    from app.hooks import hooks
    from meetings import api as meetings_api
    from meetings import (  # noqa: F401 - importing the modules registers their routes
        desk,
        guards,
        meeting_notices,
        minutes_views,
        models,
        public,
        views,
    )
    from meetings.anchors import published_heads
    from meetings.services import check_vote_may_open

    guards.install()
    app.register_blueprint(views.bp)
    api.register_blueprint(meetings_api.blp, url_prefix="/api/v1")
    csrf.exempt(meetings_api.blp)
    registry = hooks(app)
    registry.desk_items.append(desk.desk_items)
    registry.nav.extend((_nav_meetings, _nav_decisions))
    registry.home_sections.append(_home_section)
    registry.public_home_sections.append(_public_home_section)
    registry.open_vote_checks.append(check_vote_may_open)
    registry.audit_anchors.append(published_heads)
