"""The audit chain heads published on result notices and minutes (`hooks().audit_anchors`).

`flask audit verify` checks every community's chain against them: a head that is no longer
in the chain (rows deleted after it, or rows edited and every hash recomputed) is caught.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from app.extensions import db
from app.hooks import AuditAnchor
from meetings.models import Minutes, MinutesState, ResultNotice


def published_heads() -> Iterator[AuditAnchor]:
    """Every published result notice's and minutes' audit head (records without one skipped)."""
    notices = db.session.execute(
        select(ResultNotice.id, ResultNotice.community_id, ResultNotice.audit_head,
               ResultNotice.published_at)
        .where(ResultNotice.audit_head.is_not(None)).order_by(ResultNotice.id))
    for ident, community_id, head, published_at in notices:
        if head is not None:
            yield AuditAnchor(community_id, head, published_at, where=f"result_notice:{ident}")
    minutes = db.session.execute(
        select(Minutes.id, Minutes.community_id, Minutes.audit_head, Minutes.published_at)
        .where(Minutes.state == MinutesState.PUBLISHED, Minutes.audit_head.is_not(None))
        .order_by(Minutes.id))
    for ident, community_id, head, moment in minutes:
        if head is not None and moment is not None:
            yield AuditAnchor(community_id, head, moment, where=f"minutes:{ident}")
