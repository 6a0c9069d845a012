"""Calendar entries from the database: a person's upcoming meetings and open votes' deadlines
in the communities they belong to, one vote's deadline, one meeting."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import Membership
from app.db import utcnow
from app.extensions import db
from app.law.words import N_, text
from app.permissions import is_staff
from meetings.models import Meeting, MeetingState
from meetings.rules import MeetingKind
from notifications import links
from notifications.calendar import Entry, deadline_entry, meeting_entry
from voting.models import Vote, VoteState

#: meetings this long past still show in a feed
FEED_PAST = timedelta(days=30)


def vote_deadline(vote: Vote, lang: str) -> Entry:
    """A vote's deadline."""
    proposal = vote.proposal
    return deadline_entry(
        vote_id=vote.id, summary=text(N_("表决截止：%(title)s"), lang, title=proposal.title),
        closes_at=vote.closes_at,
        url=links.absolute(links.ballot_path(proposal.community.slug, vote.id)))


def meeting(meeting_row: Meeting) -> Entry:
    """A noticed meeting."""
    return meeting_entry(
        meeting_id=meeting_row.id, title=meeting_row.title, starts_at=meeting_row.starts_at,
        place=meeting_row.place or meeting_row.online_url,
        url=links.absolute(links.meeting_notice_path(meeting_row.community.slug,
                                                     meeting_row.id)),
        description="；".join(item.proposal.title for item in meeting_row.agenda))


def person_feed(user_id: int, lang: str) -> list[Entry]:
    """What a person's calendar subscription shows."""
    memberships = db.session.execute(select(Membership).where(
        Membership.user_id == user_id)).scalars().all()
    staff_in = {m.community_id for m in memberships if is_staff(m)}
    communities = [m.community_id for m in memberships]
    if not communities:
        return []
    entries: list[Entry] = []
    for row in db.session.execute(select(Meeting).where(
            Meeting.community_id.in_(communities), Meeting.state == MeetingState.NOTICED,
            Meeting.starts_at >= utcnow() - FEED_PAST).order_by(Meeting.starts_at)).scalars():
        if row.kind == MeetingKind.COMMITTEE_MEETING and row.community_id not in staff_in:
            continue
        entries.append(meeting(row))
    for vote in db.session.execute(select(Vote).where(
            Vote.community_id.in_(communities), Vote.state == VoteState.OPEN)
            .order_by(Vote.closes_at)).scalars():
        entries.append(vote_deadline(vote, lang))
    return entries
