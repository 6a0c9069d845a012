"""Turnout drive: how far each open vote is from its quorum, building by building; the
outstanding owners and the building volunteers (楼长、网格员) who visit them; reminders.

It sits on top of voting (and reads the notifications feature's list of owners no channel
reaches); it reads votes, their frozen electorate and ballots through their models and never
reads a choice. When a vote opens it freezes the vote's units per building (`TurnoutUnit`).
"""

from __future__ import annotations

from typing import Any

from flask import Flask


def _on_vote_opened(sender: Flask, *, vote: Any, **_: Any) -> None:
    from turnout.services import snapshot_units

    snapshot_units(vote)


def _home_section(community: Any, member: Any) -> dict[str, Any] | None:
    """A volunteer's buildings in the open votes, each a link to its outstanding list."""
    from turnout.services import volunteer_items

    items = volunteer_items(community, member)
    if not items:
        return None
    return {"template": "turnout/_home_section.html", "entries": items}


def _desk_items(community: Any, member: Any) -> list[Any]:
    """Open votes on the committee's desk: turnout against the quorum, days left."""
    from flask import url_for
    from flask_babel import gettext as _

    from app.hooks import DeskItem
    from app.i18n import format_percent, lang_code
    from app.law import QUORUM, describe_share
    from turnout.services import open_vote_turnouts
    from turnout.views import missing_words

    items = []
    for t in open_vote_turnouts(community):
        detail = _("参与 %(heads)s（人数）、%(area)s（面积），法定%(quorum)s；%(missing)s；"
                   "剩余 %(days)s 天", quorum=describe_share(QUORUM, lang_code()),
                   heads=format_percent(t.participation.headcount, t.electorate.headcount,
                                        QUORUM),
                   area=format_percent(t.participation.area, t.electorate.area, QUORUM),
                   missing=missing_words(t.missing.headcount, t.missing.area), days=t.days_left)
        items.append(DeskItem("turnout", _("表决进行中：%(title)s", title=t.title),
                              url_for("turnout.dashboard", slug=community.slug, vote_id=t.vote_id),
                              detail))
    return items


def init_app(app: Flask) -> None:
    """Register the turnout models, the vote-opened listener, pages, API and hook entries."""
    from app import signals
    from app.extensions import api, csrf
    from app.hooks import hooks
    from turnout import api as turnout_api
    from turnout import models, views

    del models  # imported for its tables
    signals.vote_opened.connect_via(app)(_on_vote_opened)
    api.register_blueprint(turnout_api.blp, url_prefix="/api/v1")
    csrf.exempt(turnout_api.blp)
    app.register_blueprint(views.bp)
    hooks(app).home_sections.append(_home_section)
    hooks(app).desk_items.append(_desk_items)
