"""Voting's items on the committee desk: paper/online conflicts and double-entry mismatches
waiting (two queries, whatever their number)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import Membership
from app.extensions import db
from app.hooks import DeskItem
from app.register.models import Community
from proposals.models import Proposal
from voting.models import BallotConflict, EntryState, PaperEntry, Vote


def desk_items(community: Community, member: Membership | None) -> list[DeskItem]:
    """Each vote with unresolved paper/online conflicts, and each with paper ballots whose
    two entries disagree (double entry), and how many."""
    rows = db.session.execute(
        select(Vote.id, Proposal.title, func.count(BallotConflict.id))
        .join(BallotConflict, BallotConflict.vote_id == Vote.id)
        .join(Proposal, Proposal.id == Vote.proposal_id)
        .where(Vote.community_id == community.id, BallotConflict.resolved_at.is_(None))
        .group_by(Vote.id, Proposal.title).order_by(Vote.id))
    items = [DeskItem("conflicts", _("纸质票与电子票冲突：%(title)s", title=title),
                      url_for("voting.conflicts", slug=community.slug, vote_id=vote_id),
                      _("%(n)s 件待处理", n=count))
             for vote_id, title, count in rows]
    # a mismatch is a pair of entries: its second entry (the one compared) counts it once
    mismatches = db.session.execute(
        select(Vote.id, Proposal.title, func.count(PaperEntry.id))
        .join(PaperEntry, PaperEntry.vote_id == Vote.id)
        .join(Proposal, Proposal.id == Vote.proposal_id)
        .where(Vote.community_id == community.id, PaperEntry.state == EntryState.MISMATCH,
               PaperEntry.first_id.is_not(None))
        .group_by(Vote.id, Proposal.title).order_by(Vote.id))
    items += [DeskItem("entry_mismatch", _("纸质票两次录入不一致：%(title)s", title=title),
                       url_for("voting.paper_entries", slug=community.slug, vote_id=vote_id),
                       _("%(n)s 件待处理", n=count))
              for vote_id, title, count in mismatches]
    return items
