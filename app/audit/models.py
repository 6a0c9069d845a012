"""The audit log: append-only, one hash chain per community (and one for the site)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import utcnow
from app.extensions import Model
from app.types import UTCDateTime


class AuditEntry(Model):
    """Who did what, when; `entry_hash` is an HMAC over this entry and the previous hash.

    Each community has its own chain (`community_id`, `seq` 1, 2, ...); entries of no
    community (accounts, failed sign-ins) form the site's chain (`community_id` NULL).
    """

    __tablename__ = "audit_entry"
    __table_args__ = (UniqueConstraint("community_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    #: the entry's place in its chain: 1, 2, ... without gaps
    seq: Mapped[int] = mapped_column(Integer)
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
    #: the previous entry's `entry_hash` in this chain (the chain's genesis value for seq 1)
    prev_hash: Mapped[str] = mapped_column(String(64))
    #: unique: two entries never share a hash
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: True: `entry_hash` is an HMAC with the audit key. False: recorded before migration
    #: 0009, a plain SHA-256 linked in one site-wide chain (checked as such)
    keyed: Mapped[bool] = mapped_column(Boolean, default=True)
