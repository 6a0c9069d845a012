"""Proxy mandates: an owner authorises a person in writing, for one vote or for a period.

One active mandate per owner wherever two could cover the same vote: for one vote, a unique
partial index on (vote_id, mandator_id) of the unrevoked rows (`uq_proxy_mandate_active_vote`)
lets the database refuse the second; for periods, which an index cannot compare, every create
locks the mandator's owner row first, so creates for one owner run one after the other and
each sees the others' rows. The holder's row is locked too, for the per-holder limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from app import signals, storage
from app.accounts.models import Membership, User
from app.audit.services import record_event
from app.db import utcnow
from app.extensions import db
from app.law.words import N_
from app.register.models import Community, Owner
from voting.models import Ballot, ProxyMandate, Vote, VoteElector
from voting.permissions import VOTING_ROLES
from voting.services.common import VotingError, require_open

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def check_document(data: bytes) -> str:
    """The content type of a signed mandate (a PDF or an image of at most 10 MB, recognised
    by its content), or a 422 refusal."""
    content_type = storage.sniff_type(data[:storage.SNIFF_BYTES]) if data else None
    if not data or len(data) > MAX_DOCUMENT_BYTES or content_type is None:
        raise VotingError("invalid_document", N_("委托书必须是不超过 10 MB 的 PDF 或图片"),
                          status=422, field="document")
    return content_type


def document_type(mandate: ProxyMandate) -> str | None:
    """The content type of a stored mandate, recognised from its first bytes."""
    path = storage.path_of(mandate.document_path)
    with open(path, "rb") as handle:
        return storage.sniff_type(handle.read(storage.SNIFF_BYTES))


def _covers_vote(vote: Vote) -> ColumnElement[bool]:
    """SQL condition: a mandate for this vote, or for a period overlapping it."""
    return or_(ProxyMandate.vote_id == vote.id,
               and_(ProxyMandate.vote_id.is_(None), ProxyMandate.valid_from <= vote.closes_at,
                    ProxyMandate.valid_until >= vote.opened_at))


def _covers_period(valid_from: datetime, valid_until: datetime) -> ColumnElement[bool]:
    """SQL condition: a period mandate overlapping the period, or one for a vote within it."""
    return or_(
        and_(ProxyMandate.vote_id.is_(None), ProxyMandate.valid_from <= valid_until,
             ProxyMandate.valid_until >= valid_from),
        ProxyMandate.vote_id.in_(select(Vote.id).where(
            Vote.closes_at >= valid_from, Vote.opened_at <= valid_until)))


def _active_count(holder: User, community: Community, condition: ColumnElement[bool]) -> int:
    return db.session.execute(
        select(func.count(ProxyMandate.id)).where(
            ProxyMandate.holder_id == holder.id, ProxyMandate.community_id == community.id,
            ProxyMandate.revoked_at.is_(None), condition)
    ).scalar_one()


def _lock(holder: User, mandator: Owner) -> None:
    """Serialise creates of one holder (the limit) and of one owner (one active mandate)."""
    db.session.execute(select(User.id).where(User.id == holder.id).with_for_update())
    db.session.execute(select(Owner.id).where(Owner.id == mandator.id).with_for_update())


def create_mandate(community: Community, actor: User, mandator: Owner, holder: User,
                   document: bytes, *, vote: Vote | None = None,
                   valid_from: datetime | None = None,
                   valid_until: datetime | None = None) -> ProxyMandate:
    """Record a mandate; one active per owner and vote, `Community.proxy_limit` per holder."""
    if mandator.community_id != community.id:
        raise VotingError("unknown_owner", N_("委托人不是本小区的业主"), status=422,
                          field="owner_ref")
    linked = db.session.execute(select(Membership.id).where(
        Membership.user_id == holder.id, Membership.owner_id == mandator.id,
        Membership.role.in_(VOTING_ROLES))).first()
    if linked:
        raise VotingError("self_mandate", N_("代理人本来就代表这位业主投票"), status=422,
                          field="holder")
    _lock(holder, mandator)
    if vote is not None:
        if vote.community_id != community.id:
            raise VotingError("invalid_vote", N_("表决不属于本小区"), status=422)
        require_open(vote)
        condition = _covers_vote(vote)
        valid_from = valid_until = None
    else:
        if valid_from is None or valid_until is None or valid_from >= valid_until:
            raise VotingError("invalid_period", N_("委托期间的开始日期必须早于结束日期"),
                              status=422, field="valid_until")
        condition = _covers_period(valid_from, valid_until)
    duplicate = db.session.execute(select(ProxyMandate.id).where(
        ProxyMandate.mandator_id == mandator.id, ProxyMandate.revoked_at.is_(None),
        ProxyMandate.community_id == community.id, condition)).first()
    if duplicate:
        raise VotingError("mandate_exists", N_("这位业主在此期间已有有效的委托"))
    if _active_count(holder, community, condition) >= community.proxy_limit:
        raise VotingError("proxy_limit", N_("一位代理人最多只能接受 %(n)s 份委托"),
                          field="holder", n=community.proxy_limit)
    relative = storage.new_name(f"mandates/{community.id}", check_document(document))
    mandate = ProxyMandate(
        community_id=community.id, vote_id=getattr(vote, "id", None), valid_from=valid_from,
        valid_until=valid_until, mandator_id=mandator.id, holder_id=holder.id,
        document_path=relative, created_by_id=actor.id, created_at=utcnow())
    db.session.add(mandate)
    try:
        db.session.flush()
    except IntegrityError:  # another active mandate for this owner and vote won the race
        raise VotingError("mandate_exists", N_("这位业主在此期间已有有效的委托")) from None
    # the signed mandate (personal data) is in place only once this transaction commits
    storage.store(relative, document)
    record_event("proxy.create", actor=actor, community_id=community.id,
                 target=f"mandate:{mandate.id}",
                 details={"mandator": mandator.owner_ref, "holder": holder.username,
                          "vote_id": mandate.vote_id})
    signals.emit(signals.mandate_granted, mandate=mandate, actor=actor)
    return mandate


def revoke_mandate(mandate: ProxyMandate, actor: User) -> ProxyMandate:
    """Revoke a mandate before any ballot is cast with it."""
    if mandate.revoked_at is not None:
        raise VotingError("mandate_revoked", N_("这份委托已经撤销"))
    used = mandate.used_at is not None or db.session.execute(
        select(Ballot.id).where(Ballot.mandate_id == mandate.id)).first() is not None
    if used:
        raise VotingError("mandate_used", N_("已经用这份委托投过票，不能撤销"))
    mandate.revoked_at = utcnow()
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
