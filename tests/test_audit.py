"""The hash-chained audit log: `record_event` chains entries; `audit verify` finds tampering."""

from __future__ import annotations

import itertools
import json

from flask import Flask
from sqlalchemy import select, text

from app.audit.models import AuditEntry
from app.audit.services import GENESIS, record_event, verify_chain
from app.extensions import db


def _record(app: Flask, count: int) -> list[int]:
    """Record `count` events and return their ids."""
    with app.app_context():
        ids = [record_event(f"test.event{i}", community_id=None, target=f"thing:{i}",
                            details={"n": i, "text": "议事"}).id for i in range(count)]
        db.session.commit()
    return ids


def _verify(app: Flask):  # noqa: ANN202
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_record_event_chains_each_entry_to_the_previous(app: Flask) -> None:
    ids = _record(app, 4)
    with app.app_context():
        entries = db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
        assert [e.id for e in entries] == ids
        assert entries[0].prev_hash == GENESIS
        for before, after in itertools.pairwise(entries):
            assert after.prev_hash == before.entry_hash
        assert len({e.entry_hash for e in entries}) == 4
        assert json.loads(entries[2].details) == {"n": 2, "text": "议事"}
        report = verify_chain()
    assert report.broken_id is None and report.checked == 4


def test_actor_and_community_are_recorded(app: Flask, make_community, make_user) -> None:  # noqa: ANN001
    community = make_community()
    user = make_user("zhang", community, "committee")
    entry = record_event("test.action", actor=user, community_id=community.id,
                         details={"k": "v"})
    db.session.commit()
    assert (entry.actor_id, entry.actor_name, entry.community_id) == (
        user.id, "zhang", community.id)


def test_verify_passes_on_an_intact_log(app: Flask) -> None:
    _record(app, 5)
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert "intact" in result.output and "5" in result.output


def test_verify_passes_on_an_empty_log(app: Flask) -> None:
    result = _verify(app)
    assert result.exit_code == 0, result.output


def test_tampered_details_are_reported_with_the_entry_id(app: Flask) -> None:
    ids = _record(app, 5)
    with app.app_context():
        db.session.execute(text("UPDATE audit_entry SET details = :d WHERE id = :id"),
                           {"d": '{"n":99,"text":"议事"}', "id": ids[2]})
        db.session.commit()
    result = _verify(app)
    assert result.exit_code != 0
    assert f"entry {ids[2]}" in result.output
    assert f"entry {ids[3]}" not in result.output  # the first broken one, only


def test_tampered_action_or_time_is_reported(app: Flask) -> None:
    ids = _record(app, 3)
    with app.app_context():
        db.session.execute(text("UPDATE audit_entry SET action = 'x.y' WHERE id = :id"),
                           {"id": ids[1]})
        db.session.commit()
        assert verify_chain().broken_id == ids[1]


def test_deleted_middle_row_is_reported_at_the_next_entry(app: Flask) -> None:
    ids = _record(app, 5)
    with app.app_context():
        db.session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": ids[2]})
        db.session.commit()
    result = _verify(app)
    assert result.exit_code != 0
    assert f"entry {ids[3]}" in result.output


def test_rehashing_one_row_still_breaks_the_next_link(app: Flask) -> None:
    """A forger who recomputes a tampered row's own hash breaks the link of the row after it."""
    from app.audit.services import _digest

    ids = _record(app, 4)
    with app.app_context():
        entry = db.session.get(AuditEntry, ids[1])
        forged = '{"n":1,"text":"篡改"}'
        new_hash = _digest(entry.prev_hash, entry.created_at, entry.community_id,
                           entry.actor_id, entry.actor_name, entry.action, entry.target, forged)
        db.session.execute(text("UPDATE audit_entry SET details = :d, entry_hash = :h "
                                "WHERE id = :id"), {"d": forged, "h": new_hash, "id": ids[1]})
        db.session.commit()
        db.session.expire_all()
        report = verify_chain()
    assert report.broken_id == ids[2]
    assert "prev_hash" in report.reason
