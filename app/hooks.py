"""Extension points of one app instance: features add to them in their `init_app`.

Each app keeps its own `Hooks` on `app.extensions["yishi.hooks"]`, so two apps in one process
(tests, a worker beside a web app) never share state. Domain events are blinker signals
(`app.signals`); these are the places where a feature contributes to another's page or rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

if TYPE_CHECKING:
    from app.accounts.models import Membership
    from app.register.models import Community
    from app.web.nav import NavItem

#: (community, member) -> a link of the community navigation, or None
NavProvider = Callable[["Community", "Membership | None"], "NavItem | None"]
#: (community, member) -> {"template": ..., **context} for the community home, or None
HomeSection = Callable[["Community", "Membership | None"], "dict[str, Any] | None"]
#: (community, member, proposal) -> {"template": ..., **context} on a proposal page, or None
ProposalPanel = Callable[["Community", "Membership | None", Any], "dict[str, Any] | None"]
#: (proposal, closes_at) -> None, or raises a DomainError: may a vote on it open now?
OpenVoteCheck = Callable[[Any, datetime], None]


@dataclass(frozen=True)
class DeskItem:
    """One thing waiting for the committee, on the committee's desk of the community home."""

    #: what kind of work (e.g. "turnout", "conflicts", "claims"), for grouping and tests
    kind: str
    #: the item in words, already translated
    label: str
    #: where to act on it
    url: str
    #: a detail in words (turnout against the quorum, days left, a count)
    detail: str = ""


#: (community, member) -> what waits for the committee (a few queries, whatever the sizes);
#: called only for the committee
DeskProvider = Callable[["Community", "Membership | None"], "list[DeskItem]"]


@dataclass(frozen=True)
class AuditAnchor:
    """An audit chain head published outside the log (on a result notice, on minutes)."""

    community_id: int
    #: the `entry_hash` of the community's latest audit entry when it was published
    head: str
    published_at: datetime
    #: where it was published, e.g. "result_notice:12"
    where: str


#: () -> the published audit heads, for `flask audit verify` to check the chains against
AnchorSource = Callable[[], Iterable[AuditAnchor]]

KEY = "yishi.hooks"


@dataclass
class Hooks:
    """The extension points of one app; each list keeps its callables in registration order."""

    nav: list[NavProvider] = field(default_factory=list)
    home_sections: list[HomeSection] = field(default_factory=list)
    #: sections of the community home an anonymous visitor or an outsider sees: only what is
    #: public (published decisions, notices, meetings noticed); called with member None
    public_home_sections: list[HomeSection] = field(default_factory=list)
    proposal_panels: list[ProposalPanel] = field(default_factory=list)
    open_vote_checks: list[OpenVoteCheck] = field(default_factory=list)
    audit_anchors: list[AnchorSource] = field(default_factory=list)
    desk_items: list[DeskProvider] = field(default_factory=list)


def init_app(app: Flask) -> None:
    """Give the app its own, empty extension points."""
    app.extensions[KEY] = Hooks()


def hooks(app: Flask | None = None) -> Hooks:
    """The extension points of `app` (default: the current app)."""
    target = app if app is not None else current_app
    registry: Hooks = target.extensions[KEY]
    return registry
