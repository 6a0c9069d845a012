"""Proxy mandates: an owner authorises a person in writing, for one vote or for a period."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import and_, func, or_, select

from app import signals
from app.accounts.models import Membership, User
from app.audit.services import record_event
from app.extensions import db
from app.register.models import Community, Owner
from app.storage import KINDS, sniff_type, upload_root
from voting.models import Ballot, ProxyMandate, Vote, VoteElector
from voting.services.common import VotingError, now, require_open

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
def store_document(community: Community, data: bytes) -> str:
    """Check and save a signed mandate under instance/uploads; returns its relative path."""
    if not data or len(data) > MAX_DOCUMENT_BYTES:
        raise VotingError(422, "invalid_document", "the mandate must be a file of at most 10 MB")
    content_type = sniff_type(data[:16])
    if content_type is None:
        raise VotingError(422, "invalid_document", "the mandate must be a PDF or an image")
    relative = (Path("mandates") / str(community.id)
                / f"{secrets.token_hex(16)}.{KINDS[content_type]}")
    target = upload_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return relative.as_posix()


def _covers_vote(vote: Vote):  # noqa: ANN202
    """SQL condition: a mandate for this vote, or for a period overlapping it."""
    return or_(ProxyMandate.vote_id == vote.id,
               and_(ProxyMandate.vote_id.is_(None), ProxyMandate.valid_from <= vote.closes_at,
                    ProxyMandate.valid_until >= vote.opened_at))


def _active_count(holder: User, community: Community, condition) -> int:  # noqa: ANN001
    return db.session.execute(
        select(func.count(ProxyMandate.id)).where(
            ProxyMandate.holder_id == holder.id, ProxyMandate.community_id == community.id,
            ProxyMandate.revoked_at.is_(None), condition)
    ).scalar_one()


def create_mandate(community: Community, actor: User, mandator: Owner, holder: User,
                   document: bytes, *, vote: Vote | None = None,
                   valid_from: datetime | None = None,
                   valid_until: datetime | None = None) -> ProxyMandate:
    """Record a mandate; at most `Community.proxy_limit` per holder in any vote."""
    if mandator.community_id != community.id:
        raise VotingError(422, "unknown_owner", "the mandator is not an owner of this community")
    linked = db.session.execute(select(Membership.id).where(
        Membership.user_id == holder.id, Membership.owner_id == mandator.id)).first()
    if linked:
        raise VotingError(422, "self_mandate", "the holder already votes for this owner")
    # serialise mandates of one holder so the limit holds under concurrency
    db.session.execute(select(User.id).where(User.id == holder.id).with_for_update())
    if vote is not None:
        if vote.community_id != community.id:
            raise VotingError(422, "invalid_vote", "the vote is not of this community")
        require_open(vote)
        condition = _covers_vote(vote)
        valid_from = valid_until = None
    else:
        if valid_from is None or valid_until is None or valid_from >= valid_until:
            raise VotingError(422, "invalid_period", "a period needs valid_from < valid_until")
        condition = or_(
            and_(ProxyMandate.vote_id.is_(None), ProxyMandate.valid_from <= valid_until,
                 ProxyMandate.valid_until >= valid_from),
            ProxyMandate.vote_id.in_(select(Vote.id).where(
                Vote.closes_at >= valid_from, Vote.opened_at <= valid_until)))
    duplicate = db.session.execute(select(ProxyMandate.id).where(
        ProxyMandate.mandator_id == mandator.id, ProxyMandate.revoked_at.is_(None),
        ProxyMandate.community_id == community.id, condition)).first()
    if duplicate:
        raise VotingError(409, "mandate_exists", "this owner already has an active mandate here")
    if _active_count(holder, community, condition) >= community.proxy_limit:
        raise VotingError(409, "proxy_limit",
                          f"a proxy may hold at most {community.proxy_limit} mandates")
    mandate = ProxyMandate(
        community_id=community.id, vote_id=getattr(vote, "id", None), valid_from=valid_from,
        valid_until=valid_until, mandator_id=mandator.id, holder_id=holder.id,
        document_path=store_document(community, document), created_by_id=actor.id,
        created_at=now())
    db.session.add(mandate)
    db.session.flush()
    record_event("proxy.create", actor=actor, community_id=community.id,
                 target=f"mandate:{mandate.id}",
                 details={"mandator": mandator.owner_ref, "holder": holder.username,
                          "vote_id": mandate.vote_id})
    signals.emit(signals.mandate_granted, mandate=mandate, actor=actor)
    return mandate


def revoke_mandate(mandate: ProxyMandate, actor: User) -> ProxyMandate:
    """Revoke a mandate before any ballot is cast with it."""
    if mandate.revoked_at is not None:
        raise VotingError(409, "mandate_revoked", "the mandate is already revoked")
    used = mandate.used_at is not None or db.session.execute(
        select(Ballot.id).where(Ballot.mandate_id == mandate.id)).first() is not None
    if used:
        raise VotingError(409, "mandate_used", "a ballot was cast with this mandate")
    mandate.revoked_at = now()
    mandate.revoked_by_id = actor.id
    record_event("proxy.revoke", actor=actor, community_id=mandate.community_id,
                 target=f"mandate:{mandate.id}", details={})
    db.session.flush()
    signals.emit(signals.mandate_revoked, mandate=mandate, actor=actor)
    return mandate


@dataclass(frozen=True)
class HeldMandate:
    """One mandator on the proxy's screen: the mandate, the elector and their ballot if cast."""

    mandate: ProxyMandate
    elector: VoteElector
    ballot: Ballot | None


def mandates_held(user: User, vote: Vote) -> list[HeldMandate]:
    """Every active mandate the user holds for this vote, with the mandator's ballot (one query)."""
    rows = db.session.execute(
        select(ProxyMandate, VoteElector, Ballot)
        .join(VoteElector, and_(VoteElector.vote_id == vote.id,
                                VoteElector.owner_id == ProxyMandate.mandator_id))
        .outerjoin(Ballot, and_(Ballot.vote_id == vote.id, Ballot.elector_id == VoteElector.id))
        .where(ProxyMandate.holder_id == user.id, ProxyMandate.revoked_at.is_(None),
               ProxyMandate.community_id == vote.community_id, _covers_vote(vote))
        .order_by(VoteElector.owner_ref)
    ).all()
    return [HeldMandate(m, e, b) for m, e, b in rows]
