"""Meetings' items on the committee desk: closed votes without a result notice, draft minutes
waiting for signatures or ready to publish (four queries, whatever their number)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Membership
from app.extensions import db
from app.hooks import DeskItem
from app.law import more_than_half
from app.register.models import Community
from meetings.minutes import committee_signed, needs_committee_signatures
from meetings.models import Meeting, Minutes, MinutesSignature, MinutesState, ResultNotice
from meetings.services import committee_members
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
    items += _minutes_items(community)
    return items


def _minutes_items(community: Community) -> list[DeskItem]:
    """Draft minutes: committee-meeting minutes with their signatures of the current text
    against the committee (more than half needed to publish), the others ready to publish."""
    drafts = db.session.execute(
        select(Minutes.id, Minutes.title, Minutes.text, Meeting.kind)
        .outerjoin(Meeting, Meeting.id == Minutes.meeting_id)
        .where(Minutes.community_id == community.id, Minutes.state == MinutesState.DRAFT)
        .order_by(Minutes.id)).all()
    if not drafts:
        return []
    committee = {m.user_id for m in committee_members(community.id)}
    signatures: dict[int, list[tuple[int, str]]] = {}
    for minutes_id, user_id, sha in db.session.execute(
            select(MinutesSignature.minutes_id, MinutesSignature.user_id,
                   MinutesSignature.text_sha256)
            .where(MinutesSignature.minutes_id.in_([d.id for d in drafts]))):
        signatures.setdefault(minutes_id, []).append((user_id, sha))
    items = []
    for minutes_id, title, text, kind in drafts:
        url = url_for("meetings.minutes_edit", slug=community.slug, minutes_id=minutes_id)
        if not needs_committee_signatures(kind):
            items.append(DeskItem("minutes", _("纪要待发布：%(title)s", title=title), url))
            continue
        count = committee_signed(signatures.get(minutes_id, []), text, committee)
        words = (_("纪要可发布：%(title)s（已签 %(signed)s / %(total)s）", title=title,
                   signed=count, total=len(committee))
                 if more_than_half(count, len(committee)) else
                 _("纪要待签字：%(title)s（已签 %(signed)s / %(total)s）", title=title,
                   signed=count, total=len(committee)))
        items.append(DeskItem("minutes", words, url))
    return items
