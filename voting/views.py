"""The voting pages (HTML): one blueprint, its routes split over `voting/views_*.py`.

Committee: open, desk (close early), paper ballots, conflicts, CSV (`views_committee`).
Owners: the panel on the proposal page, ballot, my ballot, receipt check (`views_owner`).
Proxies: mandates and the holder's screen (`views_proxy`). Results, inspection (`views_results`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import url_for
from flask_babel import gettext as _

from app.accounts.models import Membership
from app.i18n import lang_code
from app.law import text
from app.register.models import Community
from app.web.nav import NavItem
from voting import (  # noqa: F401
    views_committee,
    views_extend,
    views_paper,
    views_printing,
    views_proxy,
    views_results,
)
from voting.counting import get_method, side_choices
from voting.permissions import can_edit_vote_settings
from voting.views_base import bp
from voting.views_owner import vote_panel


def settings_nav(community: Community, member: Membership | None) -> NavItem | None:
    """The committee's link to the community's voting settings."""
    if not can_edit_vote_settings(member):
        return None
    return NavItem(url_for("voting.settings", slug=community.slug), _("表决设置"))


def method_label(method: str) -> str:
    """A voting method's name in the UI language (the method's own label)."""
    return text(get_method(method).label, lang_code())


def choice_lines(method: str, choices: Mapping[str, Any] | None, blank: bool,
                 titles: Mapping[int, str]) -> list[str]:
    """A stored ballot's choices in words, one line per option or group (the method's words)."""
    return get_method(method).describe_ballot(choices, blank, titles, lang_code())


def sides() -> tuple[tuple[str, str], ...]:
    """(value, word) of agree, oppose, abstain in the UI language."""
    return side_choices(lang_code())


JINJA_GLOBALS: dict[str, Callable[..., Any]] = {
    "vote_choice_lines": choice_lines, "vote_method_label": method_label, "vote_sides": sides}

__all__ = ["JINJA_GLOBALS", "bp", "settings_nav", "vote_panel"]
