"""Per-request community context: the community in the URL and the user's membership in it."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import Membership, User
from app.extensions import db
from app.register.models import Community

T = TypeVar("T")


def get_community_or_404(slug: str) -> Community:
    """Load a community by slug or abort with 404."""
    community = db.session.execute(
        select(Community).where(Community.slug == slug)
    ).scalar_one_or_none()
    if community is None:
        abort(404)
    return community


def get_in_community_or_404(model: type[T], ident: int, community: Community) -> T:
    """A row of `model` by id that belongs to the community, or abort with 404."""
    row: Any = db.session.get(model, ident)
    if row is None or row.community_id != community.id:
        abort(404)
    return row


def membership_of(user: User | None, community: Community) -> Membership | None:
    """The user's membership in the community, or None (cached for the request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cache: dict[tuple[int, int], Membership | None] = g.setdefault("_memberships", {})
    key = (user.id, community.id)
    if key not in cache:
        cache[key] = db.session.execute(
            select(Membership).where(
                Membership.user_id == user.id, Membership.community_id == community.id
            )
        ).scalar_one_or_none()
    return cache[key]


def current_member(community: Community) -> Membership | None:
    """The signed-in user's membership in the community."""
    return membership_of(current_user, community)


def require(allowed: bool) -> None:
    """Abort the request unless the permission predicate allowed it."""
    if not allowed:
        if not current_user.is_authenticated:
            abort(redirect(url_for("accounts.login", next=request.full_path)))
        abort(403)
