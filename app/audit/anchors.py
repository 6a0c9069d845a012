"""Each chain's head, kept outside the database in a signed file that never moves backwards.

After every commit that appended audit entries, the chain's new head (its last `seq` and
`entry_hash`) is written to `AUDIT_HEAD_FOLDER/<chain>.json` with an HMAC under the audit key.
`flask audit verify` then knows how long each chain was: deleting its last entries is caught
even when nothing was published since.

The file only moves forward, and only along the chain it anchors: a commit whose entries do
not continue the anchored head (the chain was cut and has regrown) leaves the file as it is,
so the evidence stays for `verify`. A head lost in a crash between the commit and the write
only makes the anchor lag; the next commit catches up.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, SessionTransaction

from app.audit.chain import chain_name, head_mac, same

log = logging.getLogger(__name__)
_PENDING = "yishi.audit.pending"
#: (community_id, seq) -> the committed entry_hash at that place of the chain, or None
Lookup = Callable[[int | None, int], str | None]


@dataclass(frozen=True)
class Head:
    """A chain head: the last entry's place and hash."""

    community_id: int | None
    seq: int
    head: str


@dataclass
class _Appended:
    """Entries appended in one transaction, for the head files written after its commit."""

    folder: str
    key: str
    lookup: Lookup
    #: (entry object, chain, seq, entry_hash, prev_hash)
    entries: list[tuple[object, int | None, int, str, str]] = field(default_factory=list)


def head_path(folder: str | Path, community_id: int | None) -> Path:
    """The head file of a chain."""
    return Path(folder) / (chain_name(community_id).replace(":", "-") + ".json")


def read_head(folder: str | Path, key: str, community_id: int | None) -> Head | None:
    """The anchored head of a chain; None when there is none; ValueError when it is forged."""
    path = head_path(folder, community_id)
    try:
        data = json.loads(path.read_text())
        seq, head, mac = int(data["seq"]), str(data["head"]), str(data["mac"])
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path.name} is not a head file") from exc
    if data.get("chain") != chain_name(community_id) or \
            not same(mac, head_mac(key, community_id, seq, head)):
        raise ValueError(f"{path.name} does not carry a valid signature")
    return Head(community_id, seq, head)


def _write_head(folder: str, key: str, head: Head) -> None:
    path = head_path(folder, head.community_id)
    temporary = path.with_name(path.name + ".part")
    data = {"chain": chain_name(head.community_id), "seq": head.seq, "head": head.head,
            "mac": head_mac(key, head.community_id, head.seq, head.head)}
    with open(temporary, "w") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def advance(folder: str, key: str, community_id: int | None,
            appended: list[tuple[int, str, str]], lookup: Lookup) -> None:
    """Move a chain's head file forward over entries just committed: (seq, hash, prev_hash).

    Under a file lock: several workers commit in any order; the file never moves backwards
    and never onto a chain that does not continue it (when the anchored head lies before
    these entries, the committed chain is asked for the entry at its place).
    """
    Path(folder).mkdir(parents=True, exist_ok=True)
    appended = sorted(appended)
    first_seq, _, first_prev = appended[0]
    last_seq, last_hash, _ = appended[-1]
    with open(Path(folder) / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            current = read_head(folder, key, community_id)
        except ValueError:
            log.error("audit: the head file of %s is not valid; left as it is for "
                      "`flask audit verify`", chain_name(community_id))
            return
        if current is not None:
            if current.seq >= last_seq:
                return  # another commit anchored a later head already
            known = {seq: digest for seq, digest, _ in appended}
            known[first_seq - 1] = first_prev
            there = known[current.seq] if current.seq in known else \
                lookup(community_id, current.seq)
            if there is None or not same(there, current.head):
                log.error("audit: %s no longer continues its anchored head (seq %s); the head "
                          "file is kept for `flask audit verify`",
                          chain_name(community_id), current.seq)
                return
        _write_head(folder, key, Head(community_id, last_seq, last_hash))


def note_appended(session: Session, folder: str, key: str, lookup: Lookup, entry: object,
                  community_id: int | None, seq: int, digest: str, prev_hash: str) -> None:
    """Remember an entry appended in the session's transaction, for its head file."""
    pending: _Appended = session.info.setdefault(_PENDING, _Appended(folder, key, lookup))
    pending.entries.append((entry, community_id, seq, digest, prev_hash))


def _after_commit(session: Session) -> None:
    """Anchor the heads of the chains the committed transaction appended to."""
    pending: _Appended | None = session.info.pop(_PENDING, None)
    if pending is None:
        return
    chains: dict[int | None, list[tuple[int, str, str]]] = {}
    for entry, community_id, seq, digest, prev_hash in pending.entries:
        if inspect(entry).persistent:  # not rolled back with a savepoint
            chains.setdefault(community_id, []).append((seq, digest, prev_hash))
    for community_id, appended in chains.items():
        try:
            advance(pending.folder, pending.key, community_id, appended, pending.lookup)
        except OSError:  # pragma: no cover - a full disk after the commit: say so loudly
            log.exception("audit: could not anchor the head of %s", chain_name(community_id))


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    """A root transaction ended without a commit: nothing to anchor."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _install() -> None:
    for name, listener in (("after_commit", _after_commit),
                           ("after_transaction_end", _after_transaction_end)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


_install()
