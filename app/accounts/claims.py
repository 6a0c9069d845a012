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
from app.accounts.errors import ClaimError
from app.accounts.models import ClaimCode, Membership, Role, User
from app.accounts.passwords import check_password
from app.accounts.services import create_user, grant_membership
from app.audit.services import record_event
from app.db import utcnow
from app.errors import N_
from app.extensions import db
from app.register.models import DEVELOPER_REF, Community, Owner, Unit

#: no 0/O, 1/I/L: easy to read off paper and type on a phone
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_GROUPS = 3
GROUP_LENGTH = 4

__all__ = ["ClaimError", "IssuedCode", "claim_state", "confirm_claim", "find_owners",
           "get_claim", "hash_code", "issue_claim_codes", "new_code", "normalize_code",
           "owner_claims", "owners_without_account", "pending_claims", "redeem_claim_code",
           "reject_claim"]

NO_OWNERS = N_("请至少选择一位业主")
USED = N_("该认领码已被使用，每个认领码只能使用一次")


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
        raise ClaimError("no_owners", NO_OWNERS, status=422, field="owner_refs")
    if DEVELOPER_REF in refs:
        raise ClaimError("developer", N_("开发建设单位不需要认领码"), status=422,
                         field="owner_refs")
    found = {o.owner_ref: o for o in db.session.execute(
        select(Owner).where(Owner.community_id == community.id, Owner.owner_ref.in_(refs))
    ).scalars()}
    missing = [r for r in refs if r not in found]
    if missing:
        raise ClaimError("unknown_owner", N_("名册中没有这些业主编号：%(refs)s"), status=422,
                         field="owner_refs", refs=", ".join(missing))
    return [found[r] for r in refs]


def issue_claim_codes(community: Community, owners: list[Owner], actor: User) -> list[IssuedCode]:
    """Generate a code per owner, voiding each one's previous unused code."""
    if not owners:
        raise ClaimError("no_owners", NO_OWNERS, status=422, field="owner_refs")
    ids = [o.id for o in owners]
    strangers = [o.owner_ref for o in owners if o.community_id != community.id or o.is_developer]
    if strangers:
        raise ClaimError("unknown_owner", N_("名册中没有这些业主编号：%(refs)s"), status=422,
                         field="owner_refs", refs=", ".join(strangers))
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
    """Create an account with a claim code; the claim then waits for the committee.

    The password is one the owner chose: the password policy applies (`check_password`).
    """
    claim = db.session.execute(
        select(ClaimCode).where(ClaimCode.code_hash == hash_code(code))
    ).scalar_one_or_none()
    if claim is None:
        raise ClaimError("invalid_code", N_("认领码不正确，请核对纸条上的认领码"), status=422,
                         field="code")
    if claim.void:
        raise ClaimError("void_code", N_("该认领码已作废，请向业委会索取新的认领码"),
                         field="code")
    if claim.claimed_by_id is not None:
        raise ClaimError("used_code", USED, field="code")
    check_password(password, username=username.strip())
    user = create_user(username, password, display_name=display_name.strip())
    taken = db.session.execute(  # type: ignore[attr-defined]  # a CursorResult
        update(ClaimCode)
        .where(ClaimCode.id == claim.id, ClaimCode.claimed_by_id.is_(None),
               ClaimCode.void.is_(False))
        .values(claimed_by_id=user.id, claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        raise ClaimError("used_code", USED, field="code")
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


def _claimant(claim: ClaimCode) -> User:
    """The account waiting on a pending claim; refused when the claim is not pending."""
    if claim_state(claim) != "pending" or claim.claimed_by is None:
        raise ClaimError("not_pending", N_("该认领不在待确认状态"))
    return claim.claimed_by


def confirm_claim(claim: ClaimCode, actor: User) -> Membership:
    """Link the claiming account to the owner: it becomes an owner member of the community."""
    user = _claimant(claim)
    community = claim.community
    existing = db.session.execute(
        select(Membership).where(Membership.user_id == user.id,
                                 Membership.community_id == community.id)
    ).scalar_one_or_none()
    keep = existing is not None and existing.role in (Role.COMMITTEE, Role.ADMIN)
    role = existing.role if existing is not None and keep else Role.OWNER
    member = grant_membership(user, community, role,
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
    user = _claimant(claim)
    claim.void = True
    db.session.flush()
    record_event("claim.reject", actor=actor, community_id=claim.community_id,
                 target=f"claim:{claim.id}",
                 details={"owner_ref": claim.owner.owner_ref, "user_id": user.id,
                          "username": user.username})
