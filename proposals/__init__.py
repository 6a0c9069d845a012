"""Proposals and deliberation: options, comparison, discussion."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask

if TYPE_CHECKING:
    from app.accounts.models import Membership
    from app.register.models import Community
    from app.web.nav import NavItem


def _nav_item(community: Community, member: Membership | None) -> NavItem | None:
    """The 议题 link, for those who may read proposals."""
    from flask import url_for
    from flask_babel import pgettext

    from app.web.nav import NavItem
    from proposals.permissions import can_list_proposals

    if can_list_proposals(member, community):
        return NavItem(url_for("proposals.index", slug=community.slug),
                       pgettext("proposals list", "议题"))
    return None


def _home_section(community: Community, member: Membership | None) -> dict[str, Any] | None:
    """Open proposals (deliberation and voting) on the community home."""
    from app.permissions import is_staff
    from proposals.models import ProposalState
    from proposals.services import visible_proposals

    open_states = [ProposalState.DELIBERATION, ProposalState.VOTING]
    if is_staff(member):
        open_states.append(ProposalState.DRAFT)
    return {"template": "proposals/_home_section.html",
            "open_proposals": visible_proposals(community, member, states=open_states)}


def init_app(app: Flask) -> None:
    """Register the proposals feature: models, pages, API, navigation and home section."""
    from app.extensions import api, csrf
    from app.hooks import hooks
    from app.markdown import render_markdown
    from proposals import api as proposals_api
    from proposals import (  # noqa: F401
        comment_models,
        desk,
        models,
        views,
        views_discussion,
        views_moderation,
    )
    from proposals.presenters import share_text, split_text
    from proposals.vocabulary import JINJA_GLOBALS

    app.register_blueprint(views.bp)
    proposals_api.init_api(api)
    csrf.exempt(proposals_api.blp)
    app.jinja_env.globals.update(JINJA_GLOBALS, share_text=share_text, split_text=split_text)
    app.jinja_env.filters["markdown"] = render_markdown
    hooks(app).nav.append(_nav_item)
    hooks(app).home_sections.append(_home_section)
    hooks(app).desk_items.append(desk.desk_items)
