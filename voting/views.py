"""The voting pages (HTML): one blueprint, its routes split over `voting/views_*.py`.

Committee: open, desk (close early), paper ballots, conflicts, CSV (`views_committee`).
Owners: the panel on the proposal page, ballot, my ballot, receipt check (`views_owner`).
Proxies: mandates and the holder's screen (`views_proxy`). Results, inspection (`views_results`).
"""

from __future__ import annotations

from voting import views_committee, views_proxy, views_results  # noqa: F401
from voting.views_base import bp, choice_lines
from voting.views_owner import vote_panel


def method_label(method: str) -> str:
    """A voting method's name in the UI language."""
    from flask_babel import gettext as _

    return {"approve_each": _("逐项表决"), "single_choice": _("单选"),
            "ranked": _("排序（Schulze）")}.get(method, method)


JINJA_GLOBALS = {"vote_choice_lines": choice_lines, "vote_method_label": method_label}

__all__ = ["JINJA_GLOBALS", "bp", "vote_panel"]
