"""Meetings' procedure at its boundaries (notice check, agenda lock, attendance quorum), and the
law it is built on (`app.law`: Civil Code day counting, the first lawful day, more than half)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from app import law
from app.law import MeetingKind
from meetings import rules
from meetings.rules import NoticeRefusal

TZ = "Asia/Shanghai"


def shanghai(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    """An aware moment given in Beijing time."""
    return datetime(y, m, d, hh, mm, tzinfo=ZoneInfo(TZ))


def test_period_starts_the_next_day_and_counts_full_days() -> None:
    # published 1 May: the period runs 2 May .. 16 May (15 full days); 17 May is the first
    # lawful meeting day.
    assert law.full_days_between(date(2026, 5, 1), date(2026, 5, 17)) == 15
    assert law.earliest_meeting_day(date(2026, 5, 1), 15) == date(2026, 5, 17)
    assert law.notice_period_met(date(2026, 5, 1), date(2026, 5, 17), 15)
    assert not law.notice_period_met(date(2026, 5, 1), date(2026, 5, 16), 15)


@pytest.mark.parametrize(("meeting_day", "refusal"),
                         [(17, None), (16, NoticeRefusal.TOO_LATE), (18, None)])
def test_owners_assembly_exactly_15_days_ok_14_refused(meeting_day: int,
                                                       refusal: NoticeRefusal | None) -> None:
    assert rules.check_notice(
        kind=MeetingKind.OWNERS_ASSEMBLY, temporary=False, community_days=15, published_at=None,
        now=shanghai(2026, 5, 1, 23, 59), starts_at=shanghai(2026, 5, meeting_day, 0, 30),
        agenda_size=1, tz=TZ) == refusal


def test_days_are_counted_in_the_community_time_zone() -> None:
    # 2026-05-01 17:00 UTC is already 2 May 01:00 in Beijing: the period starts 3 May.
    now = datetime(2026, 5, 1, 17, 0, tzinfo=UTC)
    assert rules.check_notice(kind="owners_assembly", temporary=False, community_days=15,
                              published_at=None, now=now, starts_at=shanghai(2026, 5, 17),
                              agenda_size=1, tz=TZ) == NoticeRefusal.TOO_LATE
    assert rules.check_notice(kind="owners_assembly", temporary=False, community_days=15,
                              published_at=None, now=now, starts_at=shanghai(2026, 5, 18),
                              agenda_size=1, tz=TZ) is None


def test_temporary_assembly_needs_seven_days() -> None:
    assert law.required_notice_days("owners_assembly", True, 15) == law.TEMPORARY_NOTICE_DAYS
    common = {"kind": "owners_assembly", "temporary": True, "community_days": 15,
              "published_at": None, "now": shanghai(2026, 5, 1), "agenda_size": 1, "tz": TZ}
    assert rules.check_notice(starts_at=shanghai(2026, 5, 9), **common) is None
    assert rules.check_notice(starts_at=shanghai(2026, 5, 8), **common) == NoticeRefusal.TOO_LATE


def test_community_setting_and_other_kinds() -> None:
    assert law.required_notice_days("owners_assembly", False, 20) == 20
    assert law.required_notice_days("committee_meeting", False, 15) == 0
    assert law.required_notice_days("deliberation_meeting", True, 15) == 0
    assert rules.check_notice(kind="committee_meeting", temporary=False, community_days=15,
                              published_at=None, now=shanghai(2026, 5, 1, 8),
                              starts_at=shanghai(2026, 5, 1, 10), agenda_size=0, tz=TZ) is None


def test_other_refusals() -> None:
    base = {"kind": "owners_assembly", "temporary": False, "community_days": 15,
            "now": shanghai(2026, 5, 1), "tz": TZ, "starts_at": shanghai(2026, 6, 1)}
    assert rules.check_notice(published_at=shanghai(2026, 4, 1), agenda_size=1, **base) == \
        NoticeRefusal.ALREADY_PUBLISHED
    assert rules.check_notice(published_at=None, agenda_size=0, **base) == \
        NoticeRefusal.EMPTY_AGENDA
    past = dict(base, starts_at=shanghai(2026, 4, 30))
    assert rules.check_notice(published_at=None, agenda_size=1, **past) == \
        NoticeRefusal.IN_THE_PAST


def test_agenda_lock_from_the_moment_of_the_notice() -> None:
    assert not rules.agenda_locked(None)
    assert rules.agenda_locked(shanghai(2026, 5, 1))


def test_vote_may_open_at_start_of_first_lawful_day() -> None:
    opens = law.vote_may_open_at(shanghai(2026, 5, 1, 23, 59), 15, TZ)
    assert opens == shanghai(2026, 5, 17, 0, 0)
    assert law.vote_may_open_at(None, 15, TZ) is None


def test_quorum_exactly_two_thirds_is_met() -> None:
    status = rules.attendance_quorum([("a", Decimal("100")), ("b", Decimal("100"))], 3,
                                     Decimal("300"))
    assert status.headcount_share == Fraction(2, 3)
    assert status.area_share == Fraction(2, 3)
    assert status.met


def test_quorum_just_below_two_thirds_fails_in_either_dimension() -> None:
    by_area = rules.attendance_quorum([("a", Decimal("100")), ("b", Decimal("99.99"))], 3,
                                      Decimal("300"))
    assert by_area.headcount_met
    assert not by_area.area_met
    assert not by_area.met
    by_head = rules.attendance_quorum([("a", Decimal("250"))], 2, Decimal("300"))
    assert by_head.area_met
    assert not by_head.headcount_met
    assert not by_head.met


def test_quorum_counts_each_owner_once_and_refuses_floats() -> None:
    status = rules.attendance_quorum([("a", Decimal(1)), ("a", Decimal(1))], 3, Decimal(3))
    assert status.present_headcount == 1
    with pytest.raises(TypeError):
        rules.attendance_quorum([("a", 1.0)], 1, Decimal(1))  # type: ignore[list-item]
    empty = rules.attendance_quorum([], 0, Decimal(0))
    assert not empty.met
    assert empty.headcount_share == Fraction(0)


def test_more_than_half() -> None:
    assert law.more_than_half(3, 5)
    assert not law.more_than_half(2, 4)
    assert law.more_than_half(3, 4)
    assert not law.more_than_half(0, 0)
