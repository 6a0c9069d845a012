"""Proxy mandates: documents checked by magic bytes, the per-holder limit, casting, revoking."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.register.models import Community, VoteChangePolicy
from app.register.services import get_owner
from app.uow import unit_of_work
from tests.voting.voting_helpers import PDF, World, build_world, open_for
from voting.models import Ballot, BallotRevision, ProxyMandate, Vote
from voting.services import (
    VotingError,
    cast_ballot,
    check_receipt,
    create_mandate,
    mandates_held,
    revoke_mandate,
)


@pytest.fixture
def world(make_community: Callable[..., Community], make_user: Callable[..., User], app: Flask,
          tmp_path: Path) -> World:
    """The voting world with a proxy limit of 2 and uploads under tmp_path."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    return build_world(make_community, make_user, proxy_limit=2)


def _mandate(world: World, ref: str, holder: User, vote: Vote | None = None) -> ProxyMandate:
    return create_mandate(world.community, world.committee, get_owner(world.community, ref),
                          holder, PDF, vote=vote)


def _stored(app: Flask) -> list[Path]:
    """Every file under the upload folder (temporary ones included)."""
    root = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_mandate_document_is_stored_and_checked(world: World, app: Flask) -> None:
    vote = open_for(world)
    mandate = _mandate(world, "o1", world.outsider, vote)
    db.session.commit()
    stored = Path(app.config["UPLOAD_FOLDER"]) / mandate.document_path
    assert stored.read_bytes() == PDF
    with pytest.raises(VotingError) as bad:
        create_mandate(world.community, world.committee, get_owner(world.community, "o2"),
                       world.outsider, b"MZ\x90\x00 not a pdf", vote=vote)
    assert (bad.value.status, bad.value.code) == (422, "invalid_document")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    assert create_mandate(world.community, world.committee, get_owner(world.community, "o2"),
                          world.outsider, png, vote=vote).document_path.endswith(".png")


def test_a_mandate_file_exists_only_once_its_row_is_committed(world: World,
                                                             app: Flask) -> None:
    """Signed mandates follow the transaction: a rollback leaves no file, not even a part."""
    vote = open_for(world)
    with pytest.raises(RuntimeError), unit_of_work():
        _mandate(world, "o1", world.outsider, vote)
        raise RuntimeError("the request fails after the mandate was stored")
    assert _stored(app) == []
    assert db.session.execute(select(ProxyMandate)).first() is None
    with unit_of_work():
        mandate = _mandate(world, "o1", world.outsider, vote)
        assert _stored(app)[0].name.endswith(".part")  # not in place before the commit
    assert _stored(app) == [Path(app.config["UPLOAD_FOLDER"]) / mandate.document_path]


def test_a_refused_mandate_leaves_no_file(world: World, app: Flask) -> None:
    vote = open_for(world)
    _mandate(world, "o1", world.outsider, vote)
    db.session.commit()
    with pytest.raises(VotingError) as twice, unit_of_work():
        _mandate(world, "o1", world.parking, vote)
    assert twice.value.code == "mandate_exists"
    assert len(_stored(app)) == 1


def test_proxy_casts_for_two_mandators_each_recorded(world: World) -> None:
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


def test_no_mandate_no_ballot(world: World) -> None:
    vote = open_for(world)
    with pytest.raises(VotingError) as error:
        cast_ballot(vote, world.outsider, {}, on_behalf_of="o1")
    assert (error.value.status, error.value.code) == (403, "no_mandate")
    with pytest.raises(VotingError) as outside:
        cast_ballot(vote, world.outsider, {}, on_behalf_of="zz")
    assert outside.value.status == 403


def test_limit_per_holder_and_one_mandate_per_owner(world: World) -> None:
    vote = open_for(world)
    _mandate(world, "o1", world.outsider, vote)
    with pytest.raises(VotingError) as twice:
        _mandate(world, "o1", world.parking, vote)
    assert twice.value.code == "mandate_exists"
    _mandate(world, "o2", world.outsider, vote)
    with pytest.raises(VotingError) as limit:
        _mandate(world, "developer", world.outsider, vote)
    assert (limit.value.status, limit.value.code) == (409, "proxy_limit")


def test_period_mandate_covers_a_vote_and_counts_towards_the_limit(world: World) -> None:
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


def test_revoked_mandate_cannot_be_used(world: World) -> None:
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


def test_the_owners_own_account_needs_no_mandate(world: World) -> None:
    vote = open_for(world)
    with pytest.raises(VotingError) as error:
        _mandate(world, "o2", world.coowner_a, vote)
    assert error.value.code == "self_mandate"
    assert cast_ballot(vote, world.coowner_a, {}, on_behalf_of="o2").mandate_id is None


def test_the_owners_own_ballot_prevails_over_a_mandate(world: World) -> None:
    """Once the owner has cast, their proxy is refused (409 owner_voted), whatever the policy."""
    vote = open_for(world)
    _mandate(world, "o1", world.outsider, vote)
    own = cast_ballot(vote, world.owner1, {str(world.option_ids[0]): "agree"})
    db.session.commit()
    with pytest.raises(VotingError) as refused:
        cast_ballot(vote, world.outsider, {}, on_behalf_of="o1")
    assert (refused.value.status, refused.value.code) == (409, "owner_voted")
    db.session.rollback()
    [ballot] = db.session.execute(select(Ballot)).scalars().all()
    assert (ballot.receipt, ballot.mandate_id) == (own.receipt, None)


def test_the_owner_may_replace_their_proxys_ballot_where_changes_are_allowed(
        world: World) -> None:
    vote = open_for(world)
    mandate = _mandate(world, "o1", world.outsider, vote)
    by_proxy = cast_ballot(vote, world.outsider, {}, on_behalf_of="o1").receipt
    db.session.commit()
    assert world.community.vote_change == VoteChangePolicy.ALLOWED
    own = cast_ballot(vote, world.owner1, {str(world.option_ids[0]): "oppose"})
    db.session.commit()
    assert (own.mandate_id, own.cast_by_id, own.version) == (None, world.owner1.id, 2)
    revision = db.session.execute(select(BallotRevision)).scalar_one()
    assert (revision.receipt, revision.mandate_id) == (by_proxy, mandate.id)
    assert check_receipt(vote, by_proxy) == "superseded"
    with pytest.raises(VotingError) as after:
        cast_ballot(vote, world.outsider, {}, on_behalf_of="o1")
    assert after.value.code == "owner_voted"


def test_where_ballots_are_final_the_owner_cannot_replace_their_proxy(
        make_community: Callable[..., Community], make_user: Callable[..., User], app: Flask,
        tmp_path: Path) -> None:
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    world = build_world(make_community, make_user, vote_change="final")
    vote = open_for(world)
    _mandate(world, "o1", world.outsider, vote)
    cast_ballot(vote, world.outsider, {}, on_behalf_of="o1")
    db.session.commit()
    with pytest.raises(VotingError) as final:
        cast_ballot(vote, world.owner1, {})
    assert final.value.code == "ballot_final"


def test_a_member_demoted_to_resident_can_no_longer_be_refused_as_self(world: World) -> None:
    """The self-mandate check reads the current role too: a former owner may now be a proxy."""
    from app.accounts.models import Role
    from app.accounts.services import grant_membership

    vote = open_for(world)
    with pytest.raises(VotingError) as own:
        _mandate(world, "o2", world.coowner_a, vote)
    assert own.value.code == "self_mandate"
    grant_membership(world.coowner_a, world.community, Role.RESIDENT, actor=world.committee)
    assert _mandate(world, "o2", world.coowner_a, vote).holder_id == world.coowner_a.id
