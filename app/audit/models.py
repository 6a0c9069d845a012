"""The audit log: append-only, each entry chained by hash to the one before."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import utcnow
from app.extensions import Model
from app.types import UTCDateTime


class AuditEntry(Model):
    """Who did what, when; `entry_hash` covers this entry and the previous hash."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    #: the acting user; None for the system or an anonymous request
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: username as typed, kept for failed logins where no user exists
    actor_name: Mapped[str] = mapped_column(String(80), default="")
    #: dotted verb, e.g. "register.import", "membership.role", "auth.login_failed"
    action: Mapped[str] = mapped_column(String(64), index=True)
    #: what it acted on, e.g. "owner:12"
    target: Mapped[str] = mapped_column(String(120), default="")
    #: canonical JSON of the details
    details: Mapped[str] = mapped_column(Text, default="{}")
    #: unique: the chain cannot fork
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: unique: two entries can never chain from the same predecessor
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)
