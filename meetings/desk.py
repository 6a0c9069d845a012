"""Meetings' items on the committee desk: closed votes without a result notice, draft minutes
waiting for signatures (two queries)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Membership
from app.extensions import db
from app.hooks import DeskItem
from app.register.models import Community
from meetings.models import Minutes, MinutesState, ResultNotice
from proposals.models import Proposal
from voting.models import Vote, VoteState


def desk_items(community: Community, member: Membership | None) -> list[DeskItem]:
    """Results waiting for their notice (表决结果公告), and minutes still in draft."""
    noticed = select(ResultNotice.vote_id)
    waiting = db.session.execute(
        select(Vote.id, Proposal.title).join(Proposal, Proposal.id == Vote.proposal_id)
        .where(Vote.community_id == community.id, Vote.state == VoteState.CLOSED,
               Vote.id.not_in(noticed)).order_by(Vote.id))
    items = [DeskItem("result_notice", _("结果待公告：%(title)s", title=title),
                      url_for("voting.results", slug=community.slug, vote_id=vote_id))
             for vote_id, title in waiting]
    drafts = db.session.execute(
        select(Minutes.id, Minutes.title).where(Minutes.community_id == community.id,
                                                Minutes.state == MinutesState.DRAFT)
        .order_by(Minutes.id))
    items += [DeskItem("minutes", _("纪要待签字：%(title)s", title=title),
                       url_for("meetings.minutes_edit", slug=community.slug,
                               minutes_id=minutes_id))
              for minutes_id, title in drafts]
    return items
