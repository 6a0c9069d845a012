"""Proxy mandates: documents checked by magic bytes, the per-holder limit, casting, revoking."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from app.db import utcnow
from app.extensions import db
from app.register.services import get_owner
from tests.voting.voting_helpers import PDF, build_world, open_for
from voting.models import Ballot
from voting.services import (
    VotingError,
    cast_ballot,
    create_mandate,
    mandates_held,
    revoke_mandate,
)


@pytest.fixture
def world(make_community, make_user, app, tmp_path):  # noqa: ANN001, ANN201
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    return build_world(make_community, make_user, proxy_limit=2)


def _mandate(world, ref: str, holder, vote=None):  # noqa: ANN001, ANN202
    return create_mandate(world.community, world.committee, get_owner(world.community, ref),
                          holder, PDF, vote=vote)


def test_mandate_document_is_stored_and_checked(world, app) -> None:  # noqa: ANN001
    vote = open_for(world)
    mandate = _mandate(world, "o1", world.outsider, vote)
    stored = Path(app.config["UPLOAD_FOLDER"]) / mandate.document_path
    assert stored.read_bytes() == PDF
    with pytest.raises(VotingError) as bad:
        create_mandate(world.community, world.committee, get_owner(world.community, "o2"),
                       world.outsider, b"MZ\x90\x00 not a pdf", vote=vote)
    assert (bad.value.status, bad.value.code) == (422, "invalid_document")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    assert create_mandate(world.community, world.committee, get_owner(world.community, "o2"),
                          world.outsider, png, vote=vote).document_path.endswith(".png")


def test_proxy_casts_for_two_mandators_each_recorded(world) -> None:  # noqa: ANN001
    vote = open_for(world)
    a, _ = world.option_ids
    m1 = _mandate(world, "o1", world.outsider, vote)
    m2 = _mandate(world, "developer", world.outsider, vote)
    db.session.commit()
    held = mandates_held(world.outsider, vote)
    assert [h.elector.owner_ref for h in held] == ["developer", "o1"]
    assert all(h.ballot is None for h in held)
    b1 = cast_ballot(vote, world.outsider, {str(a): "agree"}, on_behalf_of="o1")
    b2 = cast_ballot(vote, world.outsider, {str(a): "oppose"}, on_behalf_of="developer")
    db.session.commit()
    assert (b1.mandate_id, b2.mandate_id) == (m1.id, m2.id)
    assert b1.cast_by_id == b2.cast_by_id == world.outsider.id
    assert m1.used_at is not None
    assert all(h.ballot is not None for h in mandates_held(world.outsider, vote))
    with pytest.raises(VotingError) as used:
        revoke_mandate(m1, world.committee)
    assert used.value.code == "mandate_used"


def test_no_mandate_no_ballot(world) -> None:  # noqa: ANN001
    vote = open_for(world)
    with pytest.raises(VotingError) as error:
        cast_ballot(vote, world.outsider, {}, on_behalf_of="o1")
    assert (error.value.status, error.value.code) == (403, "no_mandate")
    with pytest.raises(VotingError) as outside:
        cast_ballot(vote, world.outsider, {}, on_behalf_of="zz")
    assert outside.value.status == 403


def test_limit_per_holder_and_one_mandate_per_owner(world) -> None:  # noqa: ANN001
    vote = open_for(world)
    _mandate(world, "o1", world.outsider, vote)
    with pytest.raises(VotingError) as twice:
        _mandate(world, "o1", world.parking, vote)
    assert twice.value.code == "mandate_exists"
    _mandate(world, "o2", world.outsider, vote)
    with pytest.raises(VotingError) as limit:
        _mandate(world, "developer", world.outsider, vote)
    assert (limit.value.status, limit.value.code) == (409, "proxy_limit")


def test_period_mandate_covers_a_vote_and_counts_towards_the_limit(world) -> None:  # noqa: ANN001
    start = utcnow() - timedelta(days=1)
    create_mandate(world.community, world.committee, get_owner(world.community, "o1"),
                   world.outsider, PDF, valid_from=start, valid_until=start + timedelta(days=30))
    vote = open_for(world)
    assert [h.elector.owner_ref for h in mandates_held(world.outsider, vote)] == ["o1"]
    cast_ballot(vote, world.outsider, {}, on_behalf_of="o1")
    with pytest.raises(VotingError) as period:
        create_mandate(world.community, world.committee, get_owner(world.community, "o2"),
                       world.outsider, PDF, valid_from=start + timedelta(days=40),
                       valid_until=start)
    assert period.value.code == "invalid_period"


def test_revoked_mandate_cannot_be_used(world) -> None:  # noqa: ANN001
    vote = open_for(world)
    mandate = _mandate(world, "o1", world.outsider, vote)
    revoke_mandate(mandate, world.committee)
    with pytest.raises(VotingError) as again:
        revoke_mandate(mandate, world.committee)
    assert again.value.code == "mandate_revoked"
    with pytest.raises(VotingError) as error:
        cast_ballot(vote, world.outsider, {}, on_behalf_of="o1")
    assert error.value.code == "no_mandate"
    assert db.session.query(Ballot).count() == 0


def test_the_owners_own_account_needs_no_mandate(world) -> None:  # noqa: ANN001
    vote = open_for(world)
    with pytest.raises(VotingError) as error:
        _mandate(world, "o2", world.coowner_a, vote)
    assert error.value.code == "self_mandate"
    assert cast_ballot(vote, world.coowner_a, {}, on_behalf_of="o2").mandate_id is None
