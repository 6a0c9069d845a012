"""How an audit entry is hashed: HMAC-SHA256 with a key kept outside the database. Pure.

Whoever can edit the database but does not hold the key cannot recompute a valid chain: an
edited entry, and every entry after it, no longer matches its keyed hash. Each chain starts
from its own genesis value, itself keyed, so a chain cannot be replaced by another.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

#: the previous hash of the first entry recorded before migration 0009 (unkeyed chain)
LEGACY_GENESIS = "0" * 64


@dataclass(frozen=True)
class EntryContent:
    """What an entry's hash covers."""

    seq: int
    prev_hash: str
    created_at: datetime
    community_id: int | None
    actor_id: int | None
    actor_name: str
    action: str
    target: str
    details: str


def chain_name(community_id: int | None) -> str:
    """The name of a chain: "community:12", or "site" for entries of no community."""
    return "site" if community_id is None else f"community:{community_id}"


def _mac(key: str, message: str) -> str:
    return hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def genesis(key: str, community_id: int | None) -> str:
    """The `prev_hash` of a chain's first entry (and its head while it is empty)."""
    return _mac(key, "yishi-audit-genesis\n" + chain_name(community_id))


def entry_hash(key: str, content: EntryContent) -> str:
    """The keyed hash of an entry's content, chained to the previous hash."""
    payload = json.dumps(
        ["v2", content.seq, content.prev_hash, content.created_at.isoformat(),
         content.community_id, content.actor_id, content.actor_name, content.action,
         content.target, content.details],
        ensure_ascii=False, separators=(",", ":"))
    return _mac(key, payload)


def legacy_hash(content: EntryContent) -> str:
    """The unkeyed SHA-256 of an entry recorded before migration 0009 (its seq not covered)."""
    payload = json.dumps(
        [content.prev_hash, content.created_at.isoformat(), content.community_id,
         content.actor_id, content.actor_name, content.action, content.target,
         content.details],
        ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def head_mac(key: str, community_id: int | None, seq: int, head: str) -> str:
    """The signature of a chain head written outside the database."""
    return _mac(key, f"yishi-audit-head\n{chain_name(community_id)}\n{seq}\n{head}")


def same(a: str, b: str) -> bool:
    """Compare two hashes in constant time."""
    return hmac.compare_digest(a, b)
