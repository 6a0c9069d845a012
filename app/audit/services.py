"""Record and verify the audit log: one keyed hash chain per community, anchored outside.

- `record_event(...)` appends to the chain of its community (or the site's), in the caller's
  transaction; after the commit the chain's head is anchored in a signed file
  (`app.audit.anchors`).
- `audit_head(community_id)` is the head to publish (result notices and minutes carry it).
- `verify_chains()` checks every chain: sequence numbers without gaps, each link, each keyed
  hash; then each chain against its head file and against every published head that
  `hooks(app).audit_anchors` lists. Truncation, deletion, editing and recomputing without
  the key are all reported.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import Engine, make_url, select, text

from app.audit import anchors
from app.audit.chain import (
    LEGACY_GENESIS,
    EntryContent,
    chain_name,
    entry_hash,
    genesis,
    legacy_hash,
    same,
)
from app.audit.models import AuditEntry
from app.db import utcnow
from app.extensions import db
from app.hooks import AuditAnchor, hooks

__all__ = ["AuditReport", "Problem", "audit_head", "head_folder", "record_event",
           "verify_chains"]


def _key() -> str:
    return str(current_app.config["AUDIT_KEY"])


def head_folder() -> str:
    """Where the head files of this database's chains live: `AUDIT_HEAD_FOLDER`, else a folder
    under instance/audit_heads/ named after the database URL (two databases never share)."""
    folder = current_app.config.get("AUDIT_HEAD_FOLDER")
    if folder:
        return str(folder)
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    name = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    return str(Path(current_app.instance_path) / "audit_heads" / name)


def _chain_of(community_id: int | None) -> Any:
    """The SQL condition selecting one chain's entries."""
    if community_id is None:
        return AuditEntry.community_id.is_(None)
    return AuditEntry.community_id == community_id


def _lock_chains() -> None:
    """Serialise appends (SQLite transactions that write are already BEGIN IMMEDIATE)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(278278)"))


def _last(community_id: int | None) -> tuple[int, str] | None:
    """(seq, entry_hash) of a chain's last entry, or None when it is empty."""
    row = db.session.execute(
        select(AuditEntry.seq, AuditEntry.entry_hash).where(_chain_of(community_id))
        .order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row is not None else None


def _committed_lookup(engine: Engine) -> anchors.Lookup:
    """Look up a committed entry's hash by its place, on a connection of its own (the head
    files are written after the commit, when the session's transaction has ended)."""

    def lookup(community_id: int | None, seq: int) -> str | None:
        with engine.connect() as conn:
            found: str | None = conn.execute(
                select(AuditEntry.entry_hash).where(_chain_of(community_id),
                                                    AuditEntry.seq == seq)).scalar()
        return found

    return lookup


def _content(entry: AuditEntry) -> EntryContent:
    return EntryContent(seq=entry.seq, prev_hash=entry.prev_hash, created_at=entry.created_at,
                        community_id=entry.community_id, actor_id=entry.actor_id,
                        actor_name=entry.actor_name, action=entry.action, target=entry.target,
                        details=entry.details)


def record_event(action: str, *, actor: object = None, community_id: int | None = None,
                 target: str = "", details: dict[str, Any] | None = None,
                 actor_name: str = "") -> AuditEntry:
    """Append an entry to its community's chain (the caller's transaction commits it)."""
    _lock_chains()
    key = _key()
    last = _last(community_id)
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, genesis(key, community_id))
    name = actor_name or getattr(actor, "username", "") or ""
    body = json.dumps(details or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)
    entry = AuditEntry(created_at=utcnow(), community_id=community_id, seq=seq,
                       actor_id=getattr(actor, "id", None), actor_name=name, action=action,
                       target=target, details=body, prev_hash=prev_hash, keyed=True)
    entry.entry_hash = entry_hash(key, _content(entry))
    db.session.add(entry)
    db.session.flush()
    anchors.note_appended(db.session(), head_folder(), key,
                          _committed_lookup(db.engine), entry, community_id, seq,
                          entry.entry_hash, prev_hash)
    return entry


def audit_head(community_id: int | None) -> str:
    """The community's audit chain head: the hash of its latest entry (its genesis when none).

    Published result notices and minutes carry it, anchoring the chain so that truncating
    or recomputing it afterwards no longer matches what was published.
    """
    last = _last(community_id)
    return last[1] if last else genesis(_key(), community_id)


@dataclass(frozen=True)
class Problem:
    """One thing `verify_chains` found wrong: in which chain, at which entry, and what."""

    community_id: int | None
    entry_id: int | None
    reason: str

    def __str__(self) -> str:
        where = chain_name(self.community_id)
        at = f" entry {self.entry_id}" if self.entry_id is not None else ""
        return f"{where}{at}: {self.reason}"


@dataclass
class AuditReport:
    """What `verify_chains` checked and found."""

    checked: int = 0
    chains: int = 0
    head_files: int = 0
    published: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every chain is intact and matches every anchor."""
        return not self.problems


def _entries(community_id: int | None) -> Iterator[AuditEntry]:
    yield from db.session.execute(
        select(AuditEntry).where(_chain_of(community_id)).order_by(AuditEntry.seq)
        .execution_options(yield_per=1000)).scalars()


def _verify_chain(key: str, community_id: int | None, report: AuditReport) -> dict[int, str]:
    """Walk one chain in order and report its first broken entry. Returns seq -> hash of
    every entry (those after a break unchecked)."""
    prev = genesis(key, community_id)
    hashes: dict[int, str] = {}
    broken = False
    for entry in _entries(community_id):
        report.checked += 1
        expected_seq = len(hashes) + 1
        hashes[entry.seq] = entry.entry_hash
        if broken:
            continue
        problem = None
        if entry.seq != expected_seq:
            problem = (f"sequence number {entry.seq} where {expected_seq} was expected: "
                       f"{entry.seq - expected_seq} entries before it are missing")
        elif entry.keyed and not same(entry.prev_hash, prev):
            problem = "prev_hash does not match the previous entry"
        elif entry.keyed and not same(entry.entry_hash, entry_hash(key, _content(entry))):
            problem = "content does not match its keyed hash"
        elif not entry.keyed and not same(entry.entry_hash, legacy_hash(_content(entry))):
            problem = "content does not match its hash (entry from before migration 0009)"
        if problem:
            report.problems.append(Problem(community_id, entry.id, problem))
            broken = True
        prev = entry.entry_hash
    return hashes


def _verify_legacy(report: AuditReport) -> None:
    """Entries from before migration 0009 form one site-wide chain, linked by id."""
    prev = LEGACY_GENESIS
    rows = db.session.execute(
        select(AuditEntry.id, AuditEntry.community_id, AuditEntry.prev_hash,
               AuditEntry.entry_hash).where(AuditEntry.keyed.is_(False))
        .order_by(AuditEntry.id)).all()
    for entry_id, community_id, prev_hash, digest in rows:
        if not same(prev_hash, prev):
            report.problems.append(Problem(
                community_id, entry_id,
                "prev_hash does not match the previous entry (entries from before migration "
                "0009 are one chain)"))
            return
        prev = digest


def _verify_head_file(key: str, community_id: int | None, hashes: dict[int, str],
                      report: AuditReport) -> None:
    folder = head_folder()
    try:
        head = anchors.read_head(folder, key, community_id)
    except ValueError as exc:
        report.problems.append(Problem(community_id, None, f"head file: {exc}"))
        return
    if head is None:
        return
    report.head_files += 1
    last = max(hashes, default=0)
    if head.seq > last:
        report.problems.append(Problem(
            community_id, None,
            f"the chain ends at seq {last} but its anchored head (head file) is seq "
            f"{head.seq}: the last {head.seq - last} entries are missing"))
    elif not same(hashes.get(head.seq, ""), head.head):
        report.problems.append(Problem(
            community_id, None,
            f"the entry at seq {head.seq} does not match the anchored head (head file)"))


def _verify_published(key: str, published: Iterable[AuditAnchor],
                      chains: dict[int | None, dict[int, str]], report: AuditReport) -> None:
    known = {community_id: set(hashes.values()) | {genesis(key, community_id)}
             for community_id, hashes in chains.items()}
    for anchor in published:
        report.published += 1
        heads = known.get(anchor.community_id, {genesis(key, anchor.community_id)})
        if anchor.head not in heads:
            report.problems.append(Problem(
                anchor.community_id, None,
                f"the head published in {anchor.where} on {anchor.published_at:%Y-%m-%d} "
                f"({anchor.head[:12]}…) is not in the chain"))


def verify_chains() -> AuditReport:
    """Check every chain, its head file and every published head; report all problems."""
    key = _key()
    report = AuditReport()
    ids = db.session.execute(select(AuditEntry.community_id).distinct()).scalars().all()
    chains: dict[int | None, dict[int, str]] = {}
    for community_id in sorted(ids, key=lambda c: -1 if c is None else c):
        report.chains += 1
        chains[community_id] = _verify_chain(key, community_id, report)
        _verify_head_file(key, community_id, chains[community_id], report)
    _verify_legacy(report)
    for folder_chain in _head_files_without_entries(set(chains)):
        _verify_head_file(key, folder_chain, {}, report)
    published = [anchor for source in hooks().audit_anchors for anchor in source()]
    _verify_published(key, published, chains, report)
    return report


def _head_files_without_entries(chains: set[int | None]) -> list[int | None]:
    """Chains whose head file exists although the database has no entry of theirs left."""
    folder = Path(head_folder())
    found: list[int | None] = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        stem = path.stem
        community_id: int | None
        if stem == "site":
            community_id = None
        elif stem.startswith("community-") and stem[len("community-"):].isdigit():
            community_id = int(stem[len("community-"):])
        else:
            continue
        if community_id not in chains:
            found.append(community_id)
    return found
