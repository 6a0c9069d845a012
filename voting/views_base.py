"""What every voting page shares: the blueprint and loading a vote."""

from __future__ import annotations

from flask import Blueprint, abort

from app.accounts.models import Membership
from app.context import current_member, get_community_or_404, get_in_community_or_404
from app.db import utcnow
from app.register.models import Community
from app.uow import write_during_read
from voting.models import Vote, VoteState
from voting.services import get_vote

bp = Blueprint("voting", __name__)


def load_vote(slug: str, vote_id: int) -> tuple[Community, Membership | None, Vote]:
    """The community, the member and the vote (404 unless the vote is the community's).

    A vote whose closing time has passed is closed here before it is shown: the one read that
    writes (`app.uow.write_during_read`), until a scheduled job closes due votes.
    """
    community = get_community_or_404(slug)
    vote = get_in_community_or_404(Vote, vote_id, community)
    if vote.state == VoteState.OPEN and vote.closes_at <= utcnow():
        write_during_read(lambda: get_vote(vote_id))
        community = get_community_or_404(slug)
        vote = get_in_community_or_404(Vote, vote_id, community)
    return community, current_member(community), vote


def admitted(member: Membership | None) -> Membership:
    """A membership a permission check let through, as such (403 for none)."""
    if member is None:
        abort(403)
    return member
