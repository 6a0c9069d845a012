"""What every voting page shares: the blueprint and loading a vote."""

from __future__ import annotations

from flask import Blueprint, abort

from app.accounts.models import Membership
from app.context import current_member, get_community_or_404, get_in_community_or_404
from app.register.models import Community
from voting.models import Vote

bp = Blueprint("voting", __name__)


def load_vote(slug: str, vote_id: int) -> tuple[Community, Membership | None, Vote]:
    """The community, the member and the vote (404 unless the vote is the community's).

    Reads never write: a vote past its closing time that the periodic job has not closed yet
    is shown as closing (`Vote.closing`) and accepts no ballot (`is_open`).
    """
    community = get_community_or_404(slug)
    vote = get_in_community_or_404(Vote, vote_id, community)
    return community, current_member(community), vote


def admitted(member: Membership | None) -> Membership:
    """A membership a permission check let through, as such (403 for none)."""
    if member is None:
        abort(403)
    return member
