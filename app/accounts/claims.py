"""Claim codes: the committee prints one-time codes; an owner signs up with one; the committee
confirms the claim, which links the account to the owner in the register.

Only the SHA-256 of a code is stored; the code itself exists on the printed sheet alone.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app import signals
from app.accounts.models import ClaimCode, Membership, Role, User
from app.accounts.services import create_user, grant_membership
from app.audit.services import record_event
from app.db import utcnow
from app.extensions import db
from app.register.models import DEVELOPER_REF, Community, Owner, Unit

#: no 0/O, 1/I/L: easy to read off paper and type on a phone
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_GROUPS = 3
GROUP_LENGTH = 4


class ClaimError(ValueError):
    """A refused claim operation, with a machine code and a message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class IssuedCode:
    """A freshly generated code, to be printed once and never shown again."""

    owner_ref: str
    unit_labels: tuple[str, ...]
    code: str


def normalize_code(code: str) -> str:
    """Upper case without spaces and dashes: how a code is hashed."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_code(code: str) -> str:
    """The stored SHA-256 of a code."""
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def new_code() -> str:
    """A random code in groups, e.g. "K7QD-93MX-HT2P" (60 bits)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * GROUP_LENGTH))
    return "-".join(raw[i:i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))


def claim_state(claim: ClaimCode | None) -> str:
    """none | unused | pending | confirmed | rejected | void."""
    if claim is None:
        return "none"
    if claim.confirmed_at is not None:
        return "confirmed"
    if claim.void:
        return "rejected" if claim.claimed_by_id is not None else "void"
    return "pending" if claim.claimed_by_id is not None else "unused"


def owners_without_account(community: Community) -> list[Owner]:
    """Owners (not the developer) to whom no account is linked yet."""
    linked = select(Membership.owner_id).where(Membership.community_id == community.id,
                                               Membership.owner_id.is_not(None))
    return list(db.session.execute(
        select(Owner).where(Owner.community_id == community.id,
                            Owner.owner_ref != DEVELOPER_REF,
                            Owner.id.not_in(linked))
        .order_by(Owner.owner_ref)).scalars())


def find_owners(community: Community, owner_refs: Iterable[str]) -> list[Owner]:
    """The owners named by owner_ref, in the given order; refuse unknown refs and the developer."""
    refs = list(dict.fromkeys(r.strip() for r in owner_refs if r.strip()))
    if not refs:
        raise ClaimError("no_owners", "no owner selected")
    if DEVELOPER_REF in refs:
        raise ClaimError("developer", "the developer does not claim an account")
    found = {o.owner_ref: o for o in db.session.execute(
        select(Owner).where(Owner.community_id == community.id, Owner.owner_ref.in_(refs))
    ).scalars()}
    missing = [r for r in refs if r not in found]
    if missing:
        raise ClaimError("unknown_owner", "no such owner: " + ", ".join(missing))
    return [found[r] for r in refs]


def issue_claim_codes(community: Community, owners: list[Owner], actor: User) -> list[IssuedCode]:
    """Generate a code per owner, voiding each one's previous unused code."""
    if not owners:
        raise ClaimError("no_owners", "no owner selected")
    ids = [o.id for o in owners]
    if any(o.community_id != community.id or o.is_developer for o in owners):
        raise ClaimError("unknown_owner", "an owner is not a claimable owner of this community")
    labels: dict[int, list[str]] = {i: [] for i in ids}
    for unit in db.session.execute(
        select(Unit).where(Unit.owner_id.in_(ids)).options(selectinload(Unit.building))
        .order_by(Unit.id)
    ).scalars():
        labels[unit.owner_id].append(unit.label)
    voided = db.session.execute(
        update(ClaimCode)
        .where(ClaimCode.owner_id.in_(ids), ClaimCode.claimed_by_id.is_(None),
               ClaimCode.void.is_(False))
        .values(void=True)
        .returning(ClaimCode.owner_id)
    ).scalars().all()
    issued: list[IssuedCode] = []
    for owner in owners:
        code = new_code()
        db.session.add(ClaimCode(community_id=community.id, owner_id=owner.id,
                                 code_hash=hash_code(code), created_by_id=actor.id))
        issued.append(IssuedCode(owner.owner_ref, tuple(labels[owner.id]), code))
        record_event("claim.issue", actor=actor, community_id=community.id,
                     target=f"owner:{owner.id}",
                     details={"owner_ref": owner.owner_ref,
                              "voided_previous": owner.id in voided})
    db.session.flush()
    return issued


def redeem_claim_code(code: str, username: str, password: str, *,
                      display_name: str = "") -> ClaimCode:
    """Create an account with a claim code; the claim then waits for the committee."""
    claim = db.session.execute(
        select(ClaimCode).where(ClaimCode.code_hash == hash_code(code))
    ).scalar_one_or_none()
    if claim is None:
        raise ClaimError("invalid_code", "no such claim code")
    if claim.void:
        raise ClaimError("void_code", "this claim code is no longer valid")
    if claim.claimed_by_id is not None:
        raise ClaimError("used_code", "this claim code has already been used")
    user = create_user(username, password, display_name=display_name.strip())
    taken = db.session.execute(
        update(ClaimCode)
        .where(ClaimCode.id == claim.id, ClaimCode.claimed_by_id.is_(None),
               ClaimCode.void.is_(False))
        .values(claimed_by_id=user.id, claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        raise ClaimError("used_code", "this claim code has already been used")
    db.session.refresh(claim)
    record_event("claim.submit", actor=user, community_id=claim.community_id,
                 target=f"claim:{claim.id}", details={"owner_ref": claim.owner.owner_ref})
    return claim


def pending_claims(community: Community) -> list[ClaimCode]:
    """Claims waiting for the committee, oldest first."""
    return list(db.session.execute(
        select(ClaimCode)
        .where(ClaimCode.community_id == community.id, ClaimCode.claimed_by_id.is_not(None),
               ClaimCode.confirmed_at.is_(None), ClaimCode.void.is_(False))
        .options(selectinload(ClaimCode.owner).selectinload(Owner.units),
                 selectinload(ClaimCode.claimed_by))
        .order_by(ClaimCode.claimed_at, ClaimCode.id)).scalars())


def get_claim(community: Community, claim_id: int) -> ClaimCode | None:
    """A claim code of this community by id."""
    claim = db.session.get(ClaimCode, claim_id)
    return claim if claim is not None and claim.community_id == community.id else None


def owner_claims(owner: Owner) -> list[ClaimCode]:
    """An owner's claim codes, newest first."""
    return list(db.session.execute(
        select(ClaimCode).where(ClaimCode.owner_id == owner.id)
        .options(selectinload(ClaimCode.claimed_by))
        .order_by(ClaimCode.id.desc())).scalars())


def _require_pending(claim: ClaimCode) -> None:
    if claim_state(claim) != "pending":
        raise ClaimError("not_pending", "this claim is not waiting for confirmation")


def confirm_claim(claim: ClaimCode, actor: User) -> Membership:
    """Link the claiming account to the owner: it becomes an owner member of the community."""
    _require_pending(claim)
    user = claim.claimed_by
    community = db.session.get(Community, claim.community_id)
    existing = db.session.execute(
        select(Membership).where(Membership.user_id == user.id,
                                 Membership.community_id == community.id)
    ).scalar_one_or_none()
    keep = existing is not None and existing.role in (Role.COMMITTEE, Role.ADMIN)
    member = grant_membership(user, community, existing.role if keep else Role.OWNER,
                              owner=claim.owner, actor=actor)
    claim.confirmed_by_id = actor.id
    claim.confirmed_at = utcnow()
    db.session.flush()
    record_event("claim.confirm", actor=actor, community_id=community.id,
                 target=f"claim:{claim.id}",
                 details={"owner_ref": claim.owner.owner_ref, "user_id": user.id,
                          "username": user.username})
    signals.emit(signals.claim_confirmed, claim=claim, membership=member, actor=actor)
    return member


def reject_claim(claim: ClaimCode, actor: User) -> None:
    """Refuse a claim: the code becomes void and the account stays unlinked."""
    _require_pending(claim)
    claim.void = True
    db.session.flush()
    record_event("claim.reject", actor=actor, community_id=claim.community_id,
                 target=f"claim:{claim.id}",
                 details={"owner_ref": claim.owner.owner_ref, "user_id": claim.claimed_by_id,
                          "username": claim.claimed_by.username})
