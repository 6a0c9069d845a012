"""The turnout service: figures overall, per building (GROUP BY over the frozen units) and by
channel; outstanding owners; a constant number of queries whatever the register's size."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import select

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.register.models import Community, Owner
from tests.factories import HEADER, count_queries
from tests.turnout.helpers import Town, agree_all, build_town
from turnout.services import days_left, outstanding, turnout_over_time, vote_turnout
from voting.counting import Tally
from voting.services import cast_ballot, create_mandate, enter_paper_ballot


@pytest.fixture
def town(make_community: Callable[..., Community], make_user: Callable[..., User]) -> Town:
    return build_town(make_community, make_user)


def test_a_fresh_vote_misses_two_thirds_of_everything(town: Town) -> None:
    turnout = vote_turnout(town.vote)
    assert turnout.electorate == Tally(5, Decimal("710.00"))
    assert turnout.participation == Tally(0, Decimal("0.00"))
    assert (turnout.missing.headcount, turnout.missing.area) == (4, Decimal("473.34"))
    by_name = {b.building: b for b in turnout.buildings}
    assert sorted(by_name) == ["1栋", "2栋", "P"]
    # b1 holds a flat in each building: one person in each, its area split by building
    assert by_name["1栋"].electorate == Tally(4, Decimal("350.00"))
    assert by_name["2栋"].electorate == Tally(2, Decimal("350.00"))
    assert by_name["P"].electorate == Tally(1, Decimal("10.00"))
    assert turnout.days_left == 3


def test_participation_by_building_and_channel(town: Town, tmp_path: object) -> None:
    vote = town.vote
    cast_ballot(vote, town.owners["b1"], agree_all(vote))  # online, 300 m² in 1栋 and 2栋
    enter_paper_ballot(vote, town.committee, "P-7", "a3", agree_all(vote))  # paper, 50 m²
    owner = db.session.execute(select(Owner).where(
        Owner.community_id == town.community.id, Owner.owner_ref == "a1")).scalar_one()
    create_mandate(town.community, town.committee, owner, town.owners["a2"],
                   b"%PDF-1.4\n% mandate\n", vote=vote)
    cast_ballot(vote, town.owners["a2"], agree_all(vote), on_behalf_of="a1")  # proxy, 110 m²
    db.session.commit()

    turnout = vote_turnout(vote)
    assert turnout.participation == Tally(3, Decimal("460.00"))
    assert turnout.channels == {"online": Tally(1, Decimal("300.00")),
                                "paper": Tally(1, Decimal("50.00")),
                                "proxy": Tally(1, Decimal("110.00"))}
    assert (turnout.missing.headcount, turnout.missing.area) == (1, Decimal("13.34"))
    assert not turnout.quorum_met
    by_name = {b.building: b for b in turnout.buildings}
    assert by_name["1栋"].participation == Tally(3, Decimal("250.00"))  # a1, a3, b1
    assert by_name["2栋"].participation == Tally(1, Decimal("200.00"))
    assert by_name["P"].participation == Tally(1, Decimal("10.00"))
    assert by_name["1栋"].outstanding == 1

    left = outstanding(vote)
    assert [(r.building, r.unit, r.owner_ref) for r in left] == [
        ("1栋", "1-0102", "a2"), ("2栋", "2-0102", "b2")]
    assert left[0].names == "甲二" and left[0].phone == "13800000012"

    # a2 votes for herself: the quorum tips (4 people, 560 m² >= 473.34)
    cast_ballot(vote, town.owners["a2"], agree_all(vote))
    db.session.commit()
    turnout = vote_turnout(vote)
    assert turnout.quorum_met and turnout.missing.headcount == 0
    assert turnout.missing.area == Decimal("0.00")


def test_a_volunteer_gets_only_the_buildings_asked_for(town: Town) -> None:
    second = town.building("2栋")
    turnout = vote_turnout(town.vote, {second.id})
    assert [b.building for b in turnout.buildings] == ["2栋"]
    assert turnout.electorate.headcount == 5  # the totals stay the vote's
    assert {r.building for r in outstanding(town.vote, {second.id})} == {"2栋"}


def test_days_left_counts_calendar_days_in_the_community_zone(town: Town) -> None:
    now = utcnow()
    assert days_left(now + timedelta(days=10), now) == 10
    assert days_left(now - timedelta(days=1), now) == 0


def _register(units: int) -> str:
    rows = [f"{1 + i % 7}栋,{i:05d},{80 + i % 40}.25,registry,residence,delivered,o{i},业主{i},"
            for i in range(units)]
    return HEADER + "\n".join(rows) + "\n"


def _queries(make_community: Callable[..., Community], make_user: Callable[..., User],
             units: int, slug: str) -> tuple[int, int]:
    town = build_town(make_community, make_user, register=_register(units), slug=slug)
    voters = list(town.owners.values())[: units // 3]
    for user in voters:
        cast_ballot(town.vote, user, agree_all(town.vote))
    db.session.commit()
    db.session.expire_all()
    assert town.vote.headcount == units  # loaded before counting
    with count_queries() as turnout_statements:
        turnout = vote_turnout(town.vote)
    assert turnout.participation.headcount == len(voters)
    assert len(turnout.buildings) == 7
    with count_queries() as outstanding_statements:
        rows = outstanding(town.vote, {turnout.buildings[0].building_id})
    assert rows
    return len(turnout_statements), len(outstanding_statements)


def test_turnout_costs_the_same_queries_at_any_register_size(
        make_community: Callable[..., Community], make_user: Callable[..., User]) -> None:
    small = _queries(make_community, make_user, 14, "q1")
    large = _queries(make_community, make_user, 70, "q2")
    assert small == large
    assert small[0] <= 2


def test_turnout_over_time_is_cumulative_per_local_day(
        clock: time_machine.Coordinates, make_community: Callable[..., Community],
        make_user: Callable[..., User]) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    clock.move_to(datetime(2030, 3, 4, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    town = build_town(make_community, make_user)
    cast_ballot(town.vote, town.owners["a1"], agree_all(town.vote))  # 4 March, 23:30 local
    clock.shift(timedelta(hours=1))  # 00:30 on the 5th
    cast_ballot(town.vote, town.owners["b1"], agree_all(town.vote))
    clock.shift(timedelta(days=2))
    db.session.commit()
    points = turnout_over_time(town.vote)
    assert [p.day.isoformat() for p in points] == ["2030-03-04", "2030-03-05", "2030-03-06",
                                                   "2030-03-07"]
    assert [p.participation for p in points] == [
        Tally(1, Decimal("110.00")), Tally(2, Decimal("410.00")), Tally(2, Decimal("410.00")),
        Tally(2, Decimal("410.00"))]
