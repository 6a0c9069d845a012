"""The register's item on the committee desk: owners' claims waiting for confirmation."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import ClaimCode, Membership
from app.extensions import db
from app.hooks import DeskItem
from app.register.models import Community


def desk_items(community: Community, member: Membership | None) -> list[DeskItem]:
    """How many claimed codes wait for the committee (one query)."""
    count = db.session.execute(
        select(func.count(ClaimCode.id)).where(
            ClaimCode.community_id == community.id, ClaimCode.claimed_by_id.is_not(None),
            ClaimCode.confirmed_at.is_(None), ClaimCode.void.is_(False))).scalar_one()
    if not count:
        return []
    return [DeskItem("claims", _("待确认的业主认领"),
                     url_for("register.claims", slug=community.slug),
                     _("%(n)s 件待处理", n=count))]
