"""Meetings, minutes, result notices and the public register of decisions."""

from __future__ import annotations

from typing import Any

from flask import Flask


def _nav_meetings(community: Any, member: Any) -> Any:
    """Members see the meetings link."""
    from flask_babel import gettext as _

    from app.permissions import is_member
    from app.web.nav import NavItem

    if not is_member(member):
        return None
    return NavItem(url=f"/c/{community.slug}/meetings", label=_("会议"))


def _nav_register(community: Any, member: Any) -> Any:
    """Everyone sees the public register link."""
    from flask_babel import gettext as _

    from app.web.nav import NavItem

    return NavItem(url=f"/c/{community.slug}/decisions", label=_("决议公示"))


def _home_section(community: Any, member: Any) -> dict[str, Any]:
    """The latest published decisions and minutes, and upcoming meetings, on the home page."""
    from sqlalchemy import select

    from app.db import utcnow
    from app.extensions import db
    from meetings.decisions import register_items
    from meetings.models import Meeting, MeetingState

    upcoming = db.session.execute(
        select(Meeting).where(Meeting.community_id == community.id,
                              Meeting.state == MeetingState.NOTICED,
                              Meeting.starts_at >= utcnow())
        .order_by(Meeting.starts_at).limit(5)).scalars().all()
    return {"template": "meetings/_home_section.html", "upcoming": upcoming,
            "latest": register_items(community)[:5]}


def init_app(app: Flask) -> None:
    """Register the meetings feature: models, guards, pages, API, navigation."""
    from app.extensions import api, csrf
    from app.hooks import hooks
    from meetings import api as meetings_api
    from meetings import (  # noqa: F401
        guards,
        meeting_notices,
        minutes_views,
        models,
        public,
        views,
    )

    guards.install()
    from meetings.services import check_vote_may_open

    hooks(app).open_vote_checks.append(check_vote_may_open)
    app.register_blueprint(views.bp)
    api.register_blueprint(meetings_api.blp, url_prefix="/api/v1")
    csrf.exempt(meetings_api.blp)
    hooks(app).nav.extend((_nav_meetings, _nav_register))
    hooks(app).home_sections.append(_home_section)
