"""The public register of decisions, minutes and notices of a community (read-only queries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.register.models import Community
from meetings.models import MeetingAgendaItem, Minutes, MinutesState, ResultNotice
from proposals.models import Proposal

LIMIT = 500


@dataclass(frozen=True)
class RegisterItem:
    """One entry of the register: a result notice (a decision) or published minutes."""

    kind: str  #: "notice" | "minutes"
    id: int
    title: str
    published_at: datetime
    proposal_id: int | None
    passed: bool | None
    matters: tuple[int, ...]
    sha256: str


def _matches(title: str, query: str) -> bool:
    return not query or query.casefold() in title.casefold()


def register_items(community: Community, *, query: str = "", year: int | None = None,
                   matter: int | None = None, kind: str = "") -> list[RegisterItem]:
    """Published notices and minutes, newest first, filtered by text, year, matter and kind."""
    items: list[RegisterItem] = []
    query = query.strip()[:100]
    if kind in ("", "notice"):
        rows = db.session.execute(
            select(ResultNotice, Proposal.matters).join(Proposal)
            .where(ResultNotice.community_id == community.id)
            .order_by(ResultNotice.published_at.desc()).limit(LIMIT))
        items += [RegisterItem("notice", n.id, n.title, n.published_at, n.proposal_id, n.passed,
                               tuple(matters or ()), n.sha256) for n, matters in rows]
    if kind in ("", "minutes"):
        rows = db.session.execute(
            select(Minutes).where(Minutes.community_id == community.id,
                                  Minutes.state == MinutesState.PUBLISHED)
            .order_by(Minutes.published_at.desc()).limit(LIMIT)).scalars()
        for m in rows:
            proposals = [m.proposal] if m.proposal else \
                [i.proposal for i in (m.meeting.agenda if m.meeting else [])]
            matters = tuple(sorted({x for p in proposals for x in (p.matters or [])}))
            items.append(RegisterItem("minutes", m.id, m.title, m.published_at, m.proposal_id,
                                      None, matters, m.sha256))
    items = [i for i in items if _matches(i.title, query)
             and (year is None or i.published_at.year == year)
             and (matter is None or (matter in i.matters if matter else not i.matters))]
    return sorted(items, key=lambda i: (i.published_at, i.kind, i.id), reverse=True)


def register_years(community: Community) -> list[int]:
    """Years in which something was published, newest first."""
    years = {i.published_at.year for i in register_items(community)}
    return sorted(years, reverse=True)


def minutes_for_proposal(proposal: Proposal) -> Minutes | None:
    """The newest published minutes covering a proposal (its own, or its meeting's)."""
    meeting_ids = select(MeetingAgendaItem.meeting_id).where(
        MeetingAgendaItem.proposal_id == proposal.id)
    return db.session.execute(
        select(Minutes).where(Minutes.state == MinutesState.PUBLISHED,
                              (Minutes.proposal_id == proposal.id)
                              | Minutes.meeting_id.in_(meeting_ids))
        .order_by(Minutes.published_at.desc(), Minutes.id.desc()).limit(1)).scalar_one_or_none()


def awaiting_records(community: Community) -> list[tuple[Proposal, bool, bool]]:
    """Proposals whose vote is closed, with whether they have a notice and published minutes."""
    from voting.models import Vote, VoteState

    proposals = db.session.execute(
        select(Proposal).join(Vote, Vote.proposal_id == Proposal.id)
        .where(Proposal.community_id == community.id, Vote.state == VoteState.CLOSED)
        .order_by(Vote.closed_at.desc()).limit(LIMIT)).scalars().all()
    noticed = set(db.session.execute(select(ResultNotice.proposal_id).where(
        ResultNotice.community_id == community.id)).scalars())
    out = []
    for proposal in proposals:
        has_minutes = minutes_for_proposal(proposal) is not None
        if proposal.id not in noticed or not has_minutes:
            out.append((proposal, proposal.id in noticed, has_minutes))
    return out
