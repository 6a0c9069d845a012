"""Account services: create users, authenticate, grant roles, issue API tokens."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.errors import AccountError
from app.accounts.models import ApiToken, Membership, Role, User
from app.audit.services import record_event
from app.db import utcnow
from app.errors import N_
from app.extensions import db
from app.register.models import Community, Owner

__all__ = ["AccountError", "authenticate", "create_user", "find_user", "grant_membership",
           "issue_api_token", "set_locale", "user_for_token"]

#: the longest username (the column's length)
MAX_USERNAME = 80


def find_user(username: str) -> User | None:
    """Look a user up by username."""
    return db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def create_user(username: str, password: str, *, display_name: str = "",
                actor: User | None = None) -> User:
    """Create an account with a hashed password (a chosen password: `check_password` first)."""
    username = username.strip()
    if not username or len(username) > MAX_USERNAME:
        raise AccountError("invalid_username", N_("用户名须为 1-%(max)s 个字符"), status=422,
                           field="username", max=MAX_USERNAME)
    if not password:
        raise AccountError("weak_password", N_("请输入密码"), status=422, field="password")
    if find_user(username) is not None:
        raise AccountError("username_taken", N_("用户名 %(username)s 已被使用"),
                           field="username", username=username)
    user = User(username=username, display_name=display_name)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record_event("user.create", actor=actor, target=f"user:{user.id}",
                 details={"username": username})
    return user


def grant_membership(user: User, community: Community, role: Role, *,
                     owner: Owner | None = None, actor: User | None = None) -> Membership:
    """Give a user a role in a community (or change it), optionally linked to an owner."""
    if owner is not None and owner.community_id != community.id:
        raise AccountError("owner_not_in_community", N_("该业主属于另一个小区"), status=422)
    member = db.session.execute(
        select(Membership).where(Membership.user_id == user.id,
                                 Membership.community_id == community.id)
    ).scalar_one_or_none()
    before = member.role.value if member else None
    if member is None:
        member = Membership(user=user, community=community, role=role)
        db.session.add(member)
    member.role = role
    if owner is not None:
        member.owner = owner
    db.session.flush()
    record_event("membership.role", actor=actor, community_id=community.id,
                 target=f"user:{user.id}",
                 details={"from": before, "to": role.value,
                          "owner_ref": owner.owner_ref if owner else None})
    return member


def set_locale(user: User, lang: str) -> None:
    """Save the user's choice of UI language ("zh" or "en")."""
    user.locale = lang
    db.session.flush()


def set_large_text(user: User, large: bool) -> None:
    """Save the user's choice of the large text (大字模式) or the standard size."""
    user.large_text = large
    db.session.flush()


@functools.cache
def _dummy_hash() -> str:
    """A hash of a random password, made with the configured method, to compare against."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(secrets.token_hex(16), method=method)


def authenticate(username: str, password: str, *, community_id: int | None = None) -> User | None:
    """Return the user when the password matches; record a failed attempt otherwise."""
    user = find_user(username)
    if user is None:
        # spend the same time as a real check, so timing does not reveal unknown usernames
        check_password_hash(_dummy_hash(), password)
    elif user.active and user.check_password(password):
        return user
    record_event("auth.login_failed", actor_name=username[:80], community_id=community_id,
                 details={"known_user": user is not None})
    return None


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(user: User, *, days: int = 30) -> str:
    """Create a bearer token for the API; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=_hash_token(token),
                            expires_at=utcnow() + timedelta(days=days)))
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """The active user a valid, unexpired bearer token belongs to."""
    row = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == _hash_token(token))
        .options(joinedload(ApiToken.user))  # one query: every API request comes through here
    ).scalar_one_or_none()
    if row is None or row.revoked or row.expires_at <= utcnow() or not row.user.active:
        return None
    return row.user
