"""What the minutes and notices read from the proposals and voting features (their services).

The one place meetings depends on their internals: the discussion summary (stance counts,
official replies) and the closed vote with its result JSON.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.i18n import community_tz
from app.register.models import Owner
from meetings.drafting import AgendaSection, VoteSummary, zh_datetime
from proposals.comment_models import Comment
from proposals.models import Proposal

REPLY_CHARS = 300


def owner_label(owner: Owner) -> str:
    """An owner as public lists show them: unit numbers and area, never names."""
    units = "、".join(u.label for u in owner.units) or owner.owner_ref
    area = sum((u.area_m2 for u in owner.units), 0)
    return f"{units}（{area} m²）"


def stance_counts(proposal: Proposal) -> dict[str, int]:
    """Comments by stance over the whole proposal and its options."""
    rows = db.session.execute(
        select(Comment.stance, func.count(Comment.id))
        .where(Comment.proposal_id == proposal.id, Comment.stance.is_not(None),
               Comment.deleted_at.is_(None), Comment.hidden_at.is_(None))
        .group_by(Comment.stance))
    totals = {"support": 0, "oppose": 0, "question": 0}
    for stance, count in rows:
        totals[str(stance)] = count
    return totals


def official_replies(proposal: Proposal) -> list[str]:
    """The committee's pinned official replies (官方回复), shortened."""
    rows = db.session.execute(
        select(Comment.body).where(Comment.proposal_id == proposal.id,
                                   Comment.pinned_at.is_not(None), Comment.deleted_at.is_(None),
                                   Comment.hidden_at.is_(None)).order_by(Comment.id)).scalars()
    out = []
    for body in rows:
        text = " ".join(body.split())
        out.append(text if len(text) <= REPLY_CHARS else text[:REPLY_CHARS] + "…")
    return out


def closed_vote(proposal: Proposal) -> VoteSummary | None:
    """The proposal's closed vote with its result, through the voting feature's services."""
    from voting.models import Vote, VoteState
    from voting.services import result_payload

    vote = db.session.execute(select(Vote).where(Vote.proposal_id == proposal.id)
                              ).scalar_one_or_none()
    if vote is None or vote.state != VoteState.CLOSED:
        return None
    tz = community_tz()
    return VoteSummary(vote_id=vote.id, method=vote.method,
                       opened_at=zh_datetime(vote.opened_at, tz),
                       closed_at=zh_datetime(vote.closed_at, tz),
                       result=result_payload(vote))


def agenda_section(proposal: Proposal) -> AgendaSection:
    """A proposal's options, discussion summary and closed vote, for the minutes."""
    return AgendaSection(
        proposal_id=proposal.id, title=proposal.title,
        options=[(o.id, o.title, o.cost_cny) for o in proposal.options],
        stance_counts=stance_counts(proposal), official_replies=official_replies(proposal),
        vote=closed_vote(proposal))


def reasons_for_notice(vote_id: int, content: dict[str, Any], lang: str) -> list[str] | None:
    """The reasons of a noticed vote's outcome in `lang`, counted anew, or None unless the
    count gives the very figures and verdicts the notice froze (the record prevails)."""
    from voting.models import Vote, VoteState
    from voting.services import result_payload

    vote = db.session.get(Vote, vote_id)
    if vote is None or vote.state != VoteState.CLOSED:
        return None
    result = result_payload(vote, lang=lang)
    par = result.get("participation", {})
    same = (bool(result.get("outcome", {}).get("passed")) == bool(content.get("passed"))
            and str(par.get("headcount")) == str(content["participation"]["headcount"])
            and str(par.get("area_m2")) == str(content["participation"]["area_m2"]))
    counted = {o["id"]: o for o in result.get("options", [])}
    for option in content.get("options", []):
        now = counted.get(option["id"])
        same = same and now is not None and bool(now.get("passed")) == option["passed"] and all(
            str(now[key]["headcount"]) == str(option[key]["headcount"])
            and str(now[key]["area_m2"]) == str(option[key]["area_m2"])
            for key in ("agree", "oppose", "abstain"))
    return list(result.get("outcome", {}).get("reasons", [])) if same else None
