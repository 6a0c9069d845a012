"""The audit log: one keyed chain per community, anchored in head files and published heads;
`flask audit verify` finds deletion, truncation, editing and recomputing without the key."""

from __future__ import annotations

import hashlib
import itertools
import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import Result
from flask import Flask
from sqlalchemy import select, text

from app.audit.anchors import head_path, read_head
from app.audit.chain import LEGACY_GENESIS, EntryContent, genesis, legacy_hash
from app.audit.models import AuditEntry
from app.audit.services import audit_head, record_event, verify_chains
from app.extensions import db
from app.hooks import AuditAnchor, hooks
from app.register.models import Community
from app.register.services import create_community


def _community(app: Flask, slug: str = "spj") -> int:
    with app.app_context():
        community = create_community(slug, "尚品居")  # records community.create (seq 1)
        db.session.commit()
        return community.id


def _record(app: Flask, count: int, community_id: int | None = None) -> list[int]:
    """Record `count` events in one chain, one commit each, and return their ids."""
    ids = []
    with app.app_context():
        for i in range(count):
            ids.append(record_event(f"test.event{i}", community_id=community_id,
                                    target=f"thing:{i}", details={"n": i, "text": "议事"}).id)
            db.session.commit()
    return ids


def _verify(app: Flask) -> Result:
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def _entries(community_id: int | None) -> list[AuditEntry]:
    condition = (AuditEntry.community_id.is_(None) if community_id is None
                 else AuditEntry.community_id == community_id)
    return list(db.session.execute(
        select(AuditEntry).where(condition).order_by(AuditEntry.seq)).scalars())


def test_each_community_has_its_own_numbered_chain(app: Flask) -> None:
    a, b = _community(app, "a"), _community(app, "b")
    _record(app, 3, a)
    _record(app, 2, b)
    _record(app, 2, None)
    with app.app_context():
        key = app.config["AUDIT_KEY"]
        for community_id, length in ((a, 4), (b, 3), (None, 2)):
            entries = _entries(community_id)
            assert [e.seq for e in entries] == list(range(1, length + 1))
            assert entries[0].prev_hash == genesis(key, community_id)
            for before, after in itertools.pairwise(entries):
                assert after.prev_hash == before.entry_hash
            assert audit_head(community_id) == entries[-1].entry_hash
        assert json.loads(_entries(a)[2].details) == {"n": 1, "text": "议事"}
        assert audit_head(999) == genesis(key, 999)  # an empty chain's head is its genesis
        report = verify_chains()
    assert report.ok, report.problems
    assert (report.checked, report.chains, report.head_files) == (9, 3, 3)


def test_head_file_follows_each_commit_and_is_signed(app: Flask) -> None:
    community_id = _community(app)
    _record(app, 4, community_id)
    folder = app.config["AUDIT_HEAD_FOLDER"]
    with app.app_context():
        head = read_head(folder, app.config["AUDIT_KEY"], community_id)
        assert head is not None and head.seq == 5
        assert head.head == audit_head(community_id)
    data = json.loads(head_path(folder, community_id).read_text())
    data["seq"] = 9
    head_path(folder, community_id).write_text(json.dumps(data))
    result = _verify(app)
    assert result.exit_code == 1
    assert "community:1: head file: community-1.json does not carry a valid signature" in \
        result.output


def test_rolled_back_events_move_no_head(app: Flask) -> None:
    community_id = _community(app)
    with app.app_context():
        record_event("test.gone", community_id=community_id)
        db.session.rollback()
        with db.session.begin_nested():
            record_event("test.kept", community_id=community_id)
        savepoint = db.session.begin_nested()
        record_event("test.undone", community_id=community_id)
        savepoint.rollback()
        db.session.commit()
        head = read_head(app.config["AUDIT_HEAD_FOLDER"], app.config["AUDIT_KEY"], community_id)
        assert head is not None
        assert [e.action for e in _entries(community_id)] == ["community.create", "test.kept"]
        assert head.seq == 2 and head.head == audit_head(community_id)
    assert _verify(app).exit_code == 0


def test_verify_passes_on_an_intact_log(app: Flask) -> None:
    community_id = _community(app)
    _record(app, 5, community_id)
    with app.app_context():
        head = audit_head(community_id)
    hooks(app).audit_anchors.append(lambda: [AuditAnchor(
        community_id, head, datetime(2026, 5, 1, tzinfo=UTC), "result_notice:1")])
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ("audit chains intact: 6 entries in 1 chains, "
                                     "1 head files, 1 published heads")


def test_verify_passes_on_an_empty_log(app: Flask) -> None:
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert "0 entries in 0 chains" in result.output


def test_deleting_the_last_20_entries_is_caught_by_the_head_file(app: Flask) -> None:
    community_id = _community(app)
    _record(app, 30, community_id)
    with app.app_context():
        db.session.execute(text("DELETE FROM audit_entry WHERE community_id = :c AND seq > 11"),
                           {"c": community_id})
        db.session.commit()
    result = _verify(app)
    assert result.exit_code == 1
    assert ("broken: community:1: the chain ends at seq 11 but its anchored head (head file) "
            "is seq 31: the last 20 entries are missing") in result.output


def test_a_cut_chain_that_regrows_keeps_its_head_file(app: Flask) -> None:
    """Entries appended after a truncation do not move the head file onto the new branch."""
    community_id = _community(app)
    _record(app, 10, community_id)
    with app.app_context():
        db.session.execute(text("DELETE FROM audit_entry WHERE seq > 6 AND community_id = :c"),
                           {"c": community_id})
        db.session.commit()
    _record(app, 8, community_id)  # seq 7..14: past the anchored 11
    with app.app_context():
        head = read_head(app.config["AUDIT_HEAD_FOLDER"], app.config["AUDIT_KEY"], community_id)
    assert head is not None and head.seq == 11
    result = _verify(app)
    assert result.exit_code == 1
    assert "community:1: the entry at seq 11 does not match the anchored head (head file)" in \
        result.output


def test_a_deleted_middle_entry_is_a_gap(app: Flask) -> None:
    community_id = _community(app)
    ids = _record(app, 5, community_id)
    with app.app_context():
        db.session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": ids[2]})
        db.session.commit()
    result = _verify(app)
    assert result.exit_code == 1
    assert (f"community:1 entry {ids[3]}: sequence number 5 where 4 was expected: "
            "1 entries before it are missing") in result.output


def test_an_edited_entry_is_reported_and_only_the_first(app: Flask) -> None:
    community_id = _community(app)
    ids = _record(app, 5, community_id)
    with app.app_context():
        db.session.execute(text("UPDATE audit_entry SET details = :d WHERE id = :id"),
                           {"d": '{"n":99,"text":"议事"}', "id": ids[2]})
        db.session.commit()
    result = _verify(app)
    assert result.exit_code == 1
    assert f"community:1 entry {ids[2]}: content does not match its keyed hash" in result.output
    assert f"entry {ids[3]}" not in result.output


def test_recomputing_every_hash_without_the_key_is_caught(app: Flask) -> None:
    """A forger edits an entry and rebuilds the whole chain after it, with SHA-256 (no key):
    every link holds, but no hash is the keyed one."""
    community_id = _community(app)
    _record(app, 4, community_id)
    with app.app_context():
        entries = _entries(community_id)
        prev = entries[0].prev_hash
        for entry in entries:
            details = '{"n":1,"text":"篡改"}' if entry.seq == 3 else entry.details
            forged = hashlib.sha256(json.dumps(
                [entry.seq, prev, entry.created_at.isoformat(), entry.community_id,
                 entry.actor_id, entry.actor_name, entry.action, entry.target, details],
                ensure_ascii=False).encode()).hexdigest()
            db.session.execute(text("UPDATE audit_entry SET details = :d, prev_hash = :p, "
                                    "entry_hash = :h WHERE id = :id"),
                               {"d": details, "p": prev, "h": forged, "id": entry.id})
            prev = forged
        db.session.commit()
        first = entries[0].id
    result = _verify(app)
    assert result.exit_code == 1
    assert f"community:1 entry {first}: content does not match its keyed hash" in result.output


def test_a_published_head_missing_from_the_chain_fails(app: Flask) -> None:
    community_id = _community(app)
    _record(app, 3, community_id)
    published = [AuditAnchor(community_id, "ab" * 32, datetime(2026, 5, 1, tzinfo=UTC),
                             "minutes:7")]
    hooks(app).audit_anchors.append(lambda: published)
    result = _verify(app)
    assert result.exit_code == 1
    assert ("broken: community:1: the head published in minutes:7 on 2026-05-01 "
            "(abababababab…) is not in the chain") in result.output


def test_a_published_head_of_a_chain_emptied_since_fails(app: Flask) -> None:
    community_id = _community(app)
    with app.app_context():
        head = audit_head(community_id)
        db.session.execute(text("DELETE FROM audit_entry"))
        db.session.commit()
    Path(head_path(app.config["AUDIT_HEAD_FOLDER"], community_id)).unlink()
    hooks(app).audit_anchors.append(lambda: [AuditAnchor(
        community_id, head, datetime(2026, 5, 1, tzinfo=UTC), "result_notice:3")])
    result = _verify(app)
    assert result.exit_code == 1
    assert "the head published in result_notice:3 on 2026-05-01" in result.output


def test_entries_from_before_the_keyed_chains_are_still_checked(app: Flask) -> None:
    """Rows recorded before migration 0009 (`keyed` false) keep their SHA-256 chain."""
    community_id = _community(app)
    head_path(app.config["AUDIT_HEAD_FOLDER"], community_id).unlink()  # none before 0009
    with app.app_context():
        db.session.execute(text("DELETE FROM audit_entry"))
        prev = LEGACY_GENESIS
        moment = datetime(2026, 1, 1, tzinfo=UTC)
        for seq in (1, 2):
            content = EntryContent(seq, prev, moment, community_id, None, "", f"old.{seq}", "",
                                   "{}")
            digest = legacy_hash(content)
            db.session.add(AuditEntry(created_at=moment, community_id=community_id, seq=seq,
                                      actor_name="", action=f"old.{seq}", target="",
                                      details="{}", prev_hash=prev, entry_hash=digest,
                                      keyed=False))
            prev = digest
        db.session.commit()
    _record(app, 2, community_id)  # keyed entries continue the community's chain
    assert _verify(app).exit_code == 0
    with app.app_context():
        db.session.execute(text("UPDATE audit_entry SET action = 'old.x' WHERE seq = 2"))
        db.session.commit()
        entry_id = _entries(community_id)[1].id
    result = _verify(app)
    assert result.exit_code == 1
    assert (f"community:1 entry {entry_id}: content does not match its hash (entry from before "
            "migration 0009)") in result.output


def test_actor_and_community_are_recorded(app: Flask) -> None:
    from app.accounts.services import create_user

    with app.app_context():
        community = create_community("spj", "尚品居")
        user = create_user("zhang", "password123")
        entry = record_event("test.action", actor=user, community_id=community.id,
                             details={"k": "v"})
        db.session.commit()
        assert (entry.actor_id, entry.actor_name, entry.community_id) == (
            user.id, "zhang", db.session.get(Community, community.id).id)


def test_each_database_has_its_own_head_folder(tmp_path: Path) -> None:
    from app.audit.services import head_folder
    from tests.conftest import make_app

    folders = []
    for name in ("one.db", "other.db"):  # never connected to: only the URL matters
        app = make_app(f"sqlite:///{tmp_path / name}", AUDIT_HEAD_FOLDER=None)
        with app.app_context():
            folders.append(Path(head_folder()))
    assert folders[0].parent == folders[1].parent == Path(app.instance_path) / "audit_heads"
    assert folders[0] != folders[1]
