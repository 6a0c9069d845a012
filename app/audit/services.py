"""Record and verify the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text

from app.audit.models import AuditEntry
from app.db import utcnow
from app.extensions import db

GENESIS = "0" * 64


def _digest(prev_hash: str, created_at: datetime, community_id: int | None, actor_id: int | None,
            actor_name: str, action: str, target: str, details: str) -> str:
    """Hash an entry's content together with the previous entry's hash."""
    payload = json.dumps(
        [prev_hash, created_at.isoformat(), community_id, actor_id, actor_name, action, target,
         details],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _lock_chain() -> None:
    """Serialise appends to the chain (SQLite transactions are already BEGIN IMMEDIATE)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(278278)"))


def record_event(action: str, *, actor=None, community_id: int | None = None,
                 target: str = "", details: dict | None = None,
                 actor_name: str = "") -> AuditEntry:
    """Append an entry to the audit log (the caller's transaction commits it)."""
    _lock_chain()
    last = db.session.execute(
        select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
    ).scalar_one_or_none()
    prev_hash = last or GENESIS
    created_at = utcnow()
    actor_id = getattr(actor, "id", None)
    name = actor_name or getattr(actor, "username", "") or ""
    body = json.dumps(details or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)
    entry = AuditEntry(
        created_at=created_at,
        community_id=community_id,
        actor_id=actor_id,
        actor_name=name,
        action=action,
        target=target,
        details=body,
        prev_hash=prev_hash,
    )
    entry.entry_hash = _digest(prev_hash, created_at, community_id, actor_id, name, action,
                               target, body)
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    """Outcome of verifying the chain: entries checked and the first broken one, if any."""

    checked: int
    broken_id: int | None
    reason: str = ""


def verify_chain() -> ChainReport:
    """Walk the log in order and report the first entry whose link or hash is wrong."""
    prev = GENESIS
    checked = 0
    rows = db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
    for entry in rows:
        checked += 1
        if entry.prev_hash != prev:
            return ChainReport(checked, entry.id, "prev_hash does not match the previous entry")
        expected = _digest(entry.prev_hash, entry.created_at, entry.community_id, entry.actor_id,
                           entry.actor_name, entry.action, entry.target, entry.details)
        if expected != entry.entry_hash:
            return ChainReport(checked, entry.id, "content does not match its hash")
        prev = entry.entry_hash
    return ChainReport(checked, None)


def audit_head(community_id: int | None) -> str:
    """The community's audit chain head: the hash of its latest entry (GENESIS when none).

    Published result notices and minutes carry it, anchoring the chain so that truncating
    or recomputing it afterwards no longer matches what was published.
    """
    last = db.session.execute(
        select(AuditEntry.entry_hash).where(AuditEntry.community_id == community_id)
        .order_by(AuditEntry.id.desc()).limit(1)
    ).scalar_one_or_none()
    return last or GENESIS
