"""`flask demo`: the demo communities, their generated registers and the demo accounts."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.accounts.models import Membership, Role, User
from app.extensions import db
from app.register.models import Community, Owner
from app.register.services import community_electorate, count_units, get_owner
from demo.accounts import ACCOUNTS, DEMO_PASSWORD
from demo.content import ELEVATOR, GAS, GUARD_ROOM, PROPOSALS, SHED
from demo.data.communities import COMMUNITIES, JINANXIAOZHU, featured_owners
from demo.data.registers import holdings, summarize, to_csv
from demo.stories import feature
from tests.factories import login

PHONE = re.compile(r"^1[3-9]\d\*{4}\d{4}$")


def test_shipped_csvs_are_the_generator_output() -> None:
    for spec in COMMUNITIES:
        assert spec.csv_path.read_text(encoding="utf-8") == to_csv(spec.lines()), (
            f"{spec.csv_path.name} is stale: run python -m demo.data")


def test_generated_registers_are_realistic() -> None:
    sizes = {}
    for spec in COMMUNITIES:
        lines = spec.lines()
        sizes[spec.slug] = len(lines)
        assert len({(ln.building, ln.unit) for ln in lines}) == len(lines)
        for ln in lines:
            assert ln.area_m2 == ln.area_m2.quantize(Decimal("0.01"))
            low, high = {"residence": (59, 161), "commercial": (30, 200),
                         "parking": (12, 15)}[ln.kind]
            assert Decimal(low) <= ln.area_m2 <= Decimal(high), ln
            assert ln.phone == "" or PHONE.match(ln.phone), ln.phone
            assert (ln.status == "unsold") == (ln.owner_ref == "")
        sources = {ln.area_source for ln in lines}
        assert sources == {"registry", "survey", "contract"}
        assert sum(ln.area_source == "registry" for ln in lines) > len(lines) * 0.7
        held = holdings(lines)
        assert any(len(units) > 1 for units in held.values())
        assert any(";" in units[0].owner_name for units in held.values())
        assert {"unsold", "undelivered"} <= {ln.status for ln in lines}
    assert sizes == {"shangpinju": 484, "tianyuancheng": 640, "jinanxiaozhu": 120}


def test_demo_loads_once_and_its_accounts_sign_in(app: Flask, client: FlaskClient,
                                                  tmp_path: Path) -> None:
    """One load (it takes seconds), checked from every side; then --if-empty and a refusal."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        for spec in COMMUNITIES:
            community = db.session.execute(
                select(Community).where(Community.slug == spec.slug)).scalar_one()
            assert community.name == spec.name
            assert community.parking_area.value == spec.settings["parking_area"]
            lines = spec.lines()
            expected = summarize(lines, parking_counted=spec.parking_counted)
            electorate = community_electorate(community)
            assert count_units(community) == len(lines)
            assert (electorate.units, electorate.headcount, electorate.area_m2) == (
                expected.units, expected.headcount, expected.area_m2)
            assert "developer" in electorate.by_ref()
            assert f"headcount {expected.headcount}" in first.output
        jax = db.session.execute(
            select(Community).where(Community.slug == "jinanxiaozhu")).scalar_one()
        building = JINANXIAOZHU.extra["elevator_building"]
        scoped = community_electorate(jax, [building])
        assert scoped.headcount == summarize(JINANXIAOZHU.lines(), buildings=(building,)).headcount
        assert scoped.units == 44
        owners_before = db.session.execute(select(func.count(Owner.id))).scalar_one()
        _check_stories(first.output)
        _check_account_links()
    _check_sign_in(client)

    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output
    refused = runner.invoke(args=["demo"])
    assert refused.exit_code == 1 and "fresh database" in refused.output
    with app.app_context():
        assert db.session.execute(select(func.count(Community.id))).scalar_one() == 3
        assert db.session.execute(select(func.count(Owner.id))).scalar_one() == owners_before


def _check_account_links() -> None:
    """Demo accounts are linked to the right owners and roles."""
    assert db.session.execute(select(func.count(User.id))).scalar_one() == len(ACCOUNTS)
    spj = db.session.execute(
        select(Community).where(Community.slug == "shangpinju")).scalar_one()
    featured = featured_owners(COMMUNITIES[0])
    members = {m.user.username: m for m in db.session.execute(
        select(Membership).where(Membership.community_id == spj.id)).scalars()}
    assert members["spj-owner"].owner_id == get_owner(spj, featured.multi_unit).id
    assert len(members["spj-owner"].owner.units) >= 2
    assert ";" in members["spj-coowner"].owner.names
    assert members["spj-committee"].role is Role.COMMITTEE
    assert members["spj-resident"].owner_id is None
    assert members["chen-lixin"].owner.names == "陈立新"
    dual = db.session.execute(select(User).where(User.username == "chen-lixin")).scalar_one()
    assert len(dual.memberships) == 2


def _check_sign_in(client: FlaskClient) -> None:
    """Demo accounts sign in with the documented password and see only their communities."""
    login(client, "spj-owner", DEMO_PASSWORD)
    home = client.get("/c/shangpinju/")
    assert home.status_code == 200 and "尚品居" in home.get_data(as_text=True)
    other = client.get("/c/tianyuancheng/")  # another community: its public home only
    page = other.get_data(as_text=True)
    assert other.status_code == 200 and "议题讨论和表决仅对本小区业主开放" in page
    assert "业主人数" not in page  # no register summary for outsiders
    client.post("/logout")
    login(client, "chen-lixin", DEMO_PASSWORD)
    assert client.get("/c/shangpinju/").status_code == 200
    assert "天元城" in client.get("/c/tianyuancheng/").get_data(as_text=True)
    assert "业主人数" in client.get("/c/tianyuancheng/").get_data(as_text=True)  # a member there
    assert "业主人数" not in client.get("/c/jinanxiaozhu/").get_data(as_text=True)  # not there


def _check_stories(output: str) -> None:
    """The story stages ran exactly as far as the features in this build allow."""
    if feature("proposals.services", "create_proposal") is None:
        assert "proposals: feature not available" in output
        return
    from proposals.models import Proposal

    proposals = {p.title: p for p in db.session.execute(select(Proposal)).scalars()}
    assert len(proposals) == len(PROPOSALS)
    shed = proposals[SHED.title]
    assert shed.community.slug == "shangpinju" and sorted(shed.matters) == [7, 8]
    a, b = shed.options
    assert a.green_area_lost_m2 == Decimal("160.00") and a.parking_delta == 0
    assert b.cost_cny == Decimal("142800.00") and b.parking_delta == -8
    elevator = proposals[ELEVATOR.title]
    assert elevator.scope_buildings == ["19-1号楼"] and elevator.matters == [5]
    if feature("proposals.discussion", "post_comment") is None:
        assert "discussion: feature not available" in output
        return
    from proposals.comment_models import Comment

    comments = list(db.session.execute(select(Comment)).scalars())
    assert len(comments) == sum(len(p.comments) for p in PROPOSALS)
    official = [c for c in comments if c.is_official]
    assert {c.proposal_id for c in official} == {p.id for p in proposals.values()}
    assert all(c.parent_id is not None for c in official)
    assert {c.stance.value for c in comments if c.stance} == {"support", "oppose", "question"}
    if feature("proposals.discussion", "set_leaning") is not None:
        from proposals.models import Leaning

        leanings = db.session.execute(select(func.count(Leaning.id))).scalar_one()
        assert leanings == sum(len(p.leanings) for p in PROPOSALS)
    _check_votes(output, proposals)


def _check_votes(output: str, proposals: dict) -> None:
    """An open vote with some ballots on the charging shed; the guard-room lease passed."""
    if feature("voting.services", "open_vote", "vote_result") is None:
        assert "votes: feature not available" in output
        return
    from voting.models import Ballot, Vote
    from voting.services import vote_result

    votes = {v.proposal_id: v for v in db.session.execute(select(Vote)).scalars()}
    shed, lease = proposals[SHED.title], proposals[GUARD_ROOM.title]
    assert set(votes) == {shed.id, lease.id}
    assert shed.state.value == "voting" and votes[shed.id].state.value == "open"
    assert votes[shed.id].headcount == 424 and votes[shed.id].threshold == "three_quarters"
    cast = db.session.execute(select(func.count(Ballot.id)).where(
        Ballot.vote_id == votes[shed.id].id)).scalar_one()
    assert 0 < cast < votes[shed.id].headcount * 2 / 3
    if feature("voting.services", "create_mandate") is not None:
        from voting.models import ProxyMandate

        mandate = db.session.execute(select(ProxyMandate)).scalars().one()
        assert mandate.vote_id == votes[shed.id].id and mandate.holder.username == "spj-owner"
    assert votes[lease.id].state.value == "closed" and lease.state.value != "voting"
    result = vote_result(votes[lease.id])
    assert result.quorum_met and result.outcome_passed
    assert result.threshold.value == "three_quarters"
    _check_meetings(output, proposals)


def _check_meetings(output: str, proposals: dict) -> None:
    """The lease's minutes and notice are public; 天元城's assembly is announced."""
    if feature("meetings.services", "schedule_meeting") is None:
        assert "meetings: feature not available" in output
        return
    from meetings.minutes import verify_minutes
    from meetings.models import Meeting, Minutes, ResultNotice

    lease, gas = proposals[GUARD_ROOM.title], proposals[GAS.title]
    minutes = db.session.execute(select(Minutes)).scalars().one()
    assert minutes.proposal_id == lease.id and minutes.state.value == "published"
    assert verify_minutes(minutes) and "郑茂" in minutes.text and "216元" in minutes.text
    notice = db.session.execute(select(ResultNotice)).scalars().one()
    assert notice.proposal_id == lease.id and notice.passed
    meeting = db.session.execute(select(Meeting)).scalars().one()
    assert meeting.state.value == "noticed" and [i.proposal_id for i in meeting.agenda] == [gas.id]


def test_a_failing_demo_saves_nothing(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The load is one transaction: when a stage fails, not even the registers stay."""
    from app.accounts.services import AccountError

    def refuse(communities: dict) -> dict:
        assert len(communities) == 3  # the registers were loaded before the failure
        raise AccountError("username_taken", "username 'spj-committee' is taken")

    monkeypatch.setattr("demo.loader.create_demo_accounts", refuse)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 1 and "nothing was saved" in result.output
    with app.app_context():
        assert db.session.execute(select(func.count(Community.id))).scalar_one() == 0
        assert db.session.execute(select(func.count(Owner.id))).scalar_one() == 0
