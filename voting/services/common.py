"""Shared pieces of the voting services: the domain error, clocks, loaders, receipts."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select

from app.accounts.models import Membership, User
from app.db import utcnow
from app.extensions import db
from voting.models import Vote, VoteElector, VoteState

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class VotingError(ValueError):
    """A refused voting operation: an HTTP-like status, a machine code and a message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def now() -> datetime:
    """The current time (a seam for tests)."""
    return utcnow()


def is_open(vote: Vote, at: datetime | None = None) -> bool:
    """A vote accepts ballots while open and before closes_at."""
    return vote.state == VoteState.OPEN and (at or now()) < vote.closes_at


def new_receipt() -> str:
    """A random receipt code: 12 characters without look-alikes, grouped for reading."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def elector_by_ref(vote: Vote, owner_ref: str) -> VoteElector | None:
    """The elector of the vote with this owner_ref."""
    return db.session.execute(
        select(VoteElector).where(VoteElector.vote_id == vote.id,
                                  VoteElector.owner_ref == owner_ref)
    ).scalar_one_or_none()


def elector_of_user(vote: Vote, user: User) -> VoteElector | None:
    """The elector the user votes for as an owner (any co-owner account linked to the owner)."""
    return db.session.execute(
        select(VoteElector)
        .join(Membership, Membership.owner_id == VoteElector.owner_id)
        .where(VoteElector.vote_id == vote.id, Membership.user_id == user.id,
               Membership.community_id == vote.community_id)
    ).scalar_one_or_none()


def require_open(vote: Vote) -> None:
    """Refuse with 409 unless the vote accepts ballots."""
    if not is_open(vote):
        raise VotingError(409, "vote_closed", "the vote is closed")
