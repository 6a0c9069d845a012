"""Shared pieces of the voting services: the domain error, loaders, receipts, who votes."""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import datetime

from sqlalchemy import bindparam, select

from app.accounts.models import Membership, User
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.law.words import N_
from voting.models import Vote, VoteElector, VoteState
from voting.permissions import VOTING_ROLES

#: built once (every ballot runs it): the elector of a user whose membership's role votes
_ELECTOR_OF_USER = (
    select(VoteElector)
    .join(Membership, Membership.owner_id == VoteElector.owner_id)
    .where(VoteElector.vote_id == bindparam("vote_id"),
           Membership.user_id == bindparam("user_id"),
           Membership.community_id == bindparam("community_id"),
           Membership.role.in_(sorted(VOTING_ROLES)))
)

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class VotingError(DomainError):
    """A refused voting operation (409 unless the raise names another status)."""


def refused(error: DomainError) -> VotingError:
    """Another refusal (a ballot the counting core rejects) as a VotingError, same words."""
    return VotingError(error.code, error.template, status=error.status, field=error.field,
                       **error.params)


def is_open(vote: Vote, at: datetime | None = None) -> bool:
    """A vote accepts ballots while open and before closes_at."""
    return vote.state == VoteState.OPEN and (at or utcnow()) < vote.closes_at


def new_receipt() -> str:
    """A random receipt code: 12 characters without look-alikes, grouped for reading."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_receipt(code: str) -> str | None:
    """A typed receipt code as stored ("ABCD-EFGH-JKLM"), ignoring case, spaces and dashes;
    None when it cannot be one. The one normaliser of the receipt page and the API.

    Full-width letters, digits, spaces and dashes (typed with a Chinese input method) count as
    their ASCII forms (NFKC)."""
    raw = re.sub(r"[\s\-‐‑‒–—―－_]", "", unicodedata.normalize("NFKC", code)).upper()
    if len(raw) != 12 or any(ch not in RECEIPT_ALPHABET for ch in raw):
        return None
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def elector_by_ref(vote: Vote, owner_ref: str) -> VoteElector | None:
    """The elector of the vote with this owner_ref."""
    return db.session.execute(
        select(VoteElector).where(VoteElector.vote_id == vote.id,
                                  VoteElector.owner_ref == owner_ref)
    ).scalar_one_or_none()


def elector_of_user(vote: Vote, user: User) -> VoteElector | None:
    """The elector the user votes for as an owner: any co-owner account linked to the owner
    whose membership's current role may vote (a member demoted to resident no longer does)."""
    return db.session.execute(_ELECTOR_OF_USER, {
        "vote_id": vote.id, "user_id": user.id, "community_id": vote.community_id,
    }).scalar_one_or_none()


def require_open(vote: Vote) -> None:
    """Refuse with 409 unless the vote accepts ballots."""
    if not is_open(vote):
        raise VotingError("vote_closed", N_("表决已经结束"))
