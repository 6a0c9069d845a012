"""Pure rules of meetings: notice periods, agenda lock, attendance quorum. No Flask, no SQLAlchemy.

Notice period, following the Civil Code's counting of periods (民法典 Arts. 200-203):

- A period in days does not count the day on which it starts: it begins on the *next day*
  after the notice is published (Art. 201), and its last day ends at 24:00 (Art. 203).
- "The notice is published at least N days before the meeting" (会议召开N日前通知) is read as:
  **N full days lie between the day of publication and the day of the meeting**, neither of
  them counted. The day of publication is not a full day (Art. 201) and neither is the meeting
  day (the meeting takes part of it). So a notice published on 1 May starts its period on 2 May;
  15 full days run 2 May to 16 May; the earliest lawful meeting day is 17 May.
  Days are calendar days in the community's time zone; the holiday extension of Art. 203
  (a last day falling on a holiday moves to the next working day) is not applied: with the
  meeting day itself outside the period the notice always still stands on a working day, and
  a holiday-free reading is what the rules of procedure we follow use.
- An owners' assembly (业主大会) needs `Community.notice_days` (default 15); a temporary meeting
  (临时会议) needs 7. Committee and deliberation meetings have no statutory period (0).

Agenda lock: once the notice is published, its agenda is what the owners were told; nothing is
added to or removed from it (nothing off the agenda is voted).

Attendance quorum: owners holding >= 2/3 of the area in scope and >= 2/3 of the headcount in
scope, as exact fractions.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

#: statutory notice days of a temporary owners' assembly
TEMPORARY_NOTICE_DAYS = 7
#: default notice days of an owners' assembly
DEFAULT_NOTICE_DAYS = 15
#: share of area and of headcount that must attend
QUORUM = Fraction(2, 3)


class MeetingKind(enum.StrEnum):
    """The kinds of meeting Yishi runs."""

    OWNERS_ASSEMBLY = "owners_assembly"  #: 业主大会
    COMMITTEE_MEETING = "committee_meeting"  #: 业委会会议
    DELIBERATION_MEETING = "deliberation_meeting"  #: 议事会 / 逢四说事


def required_notice_days(kind: MeetingKind | str, temporary: bool, community_days: int) -> int:
    """Full days of notice a meeting needs: the community's for an assembly, 7 if temporary."""
    if MeetingKind(kind) != MeetingKind.OWNERS_ASSEMBLY:
        return 0
    return TEMPORARY_NOTICE_DAYS if temporary else community_days


def full_days_between(published_on: date, meeting_on: date) -> int:
    """Whole calendar days strictly between publication and meeting (neither day counted)."""
    return max((meeting_on - published_on).days - 1, 0)


def earliest_meeting_day(published_on: date, notice_days: int) -> date:
    """First day on which a meeting noticed on `published_on` may take place."""
    if notice_days <= 0:
        return published_on
    return published_on + timedelta(days=notice_days + 1)


def notice_period_met(published_on: date, meeting_on: date, notice_days: int) -> bool:
    """Whether a notice published on one day is early enough for a meeting on another."""
    if notice_days <= 0:
        return meeting_on >= published_on
    return full_days_between(published_on, meeting_on) >= notice_days


def local_day(moment: datetime, tz: str) -> date:
    """The calendar day of an aware moment in the community's time zone."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(ZoneInfo(tz)).date()


def start_of_day(day: date, tz: str) -> datetime:
    """00:00 of a day in the given time zone, as an aware datetime."""
    return datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(tz))


class NoticeRefusal(enum.StrEnum):
    """Why a notice may not be published now."""

    ALREADY_PUBLISHED = "already_published"
    EMPTY_AGENDA = "empty_agenda"
    TOO_LATE = "notice_period"
    IN_THE_PAST = "meeting_in_past"


def check_notice(*, kind: MeetingKind | str, temporary: bool, community_days: int,
                 published_at: datetime | None, now: datetime, starts_at: datetime,
                 agenda_size: int, tz: str) -> NoticeRefusal | None:
    """Why publishing a meeting's notice at `now` is refused, or None when it may be."""
    if published_at is not None:
        return NoticeRefusal.ALREADY_PUBLISHED
    if starts_at <= now:
        return NoticeRefusal.IN_THE_PAST
    if MeetingKind(kind) == MeetingKind.OWNERS_ASSEMBLY and agenda_size == 0:
        return NoticeRefusal.EMPTY_AGENDA
    days = required_notice_days(kind, temporary, community_days)
    if not notice_period_met(local_day(now, tz), local_day(starts_at, tz), days):
        return NoticeRefusal.TOO_LATE
    return None


def agenda_locked(notice_published_at: datetime | None) -> bool:
    """The agenda is locked from the moment the notice is published."""
    return notice_published_at is not None


def vote_may_open_at(published_at: datetime | None, notice_days: int, tz: str) -> datetime | None:
    """Earliest moment a vote of a noticed assembly may open; None while there is no notice."""
    if published_at is None:
        return None
    return start_of_day(earliest_meeting_day(local_day(published_at, tz), notice_days), tz)


@dataclass(frozen=True)
class QuorumStatus:
    """Attendance against the electorate, by area and headcount, exact."""

    present_headcount: int
    present_area: Decimal
    total_headcount: int
    total_area: Decimal

    @property
    def headcount_share(self) -> Fraction:
        """Present headcount as a share of the headcount in scope."""
        if self.total_headcount == 0:
            return Fraction(0)
        return Fraction(self.present_headcount, self.total_headcount)

    @property
    def area_share(self) -> Fraction:
        """Present area as a share of the area in scope."""
        if self.total_area == 0:
            return Fraction(0)
        return Fraction(self.present_area) / Fraction(self.total_area)

    @property
    def headcount_met(self) -> bool:
        """At least 2/3 of the headcount present."""
        return self.total_headcount > 0 and self.headcount_share >= QUORUM

    @property
    def area_met(self) -> bool:
        """At least 2/3 of the area present."""
        return self.total_area > 0 and self.area_share >= QUORUM

    @property
    def met(self) -> bool:
        """Both dimensions reach 2/3."""
        return self.headcount_met and self.area_met


def attendance_quorum(present: list[tuple[str, Decimal]], total_headcount: int,
                      total_area: Decimal) -> QuorumStatus:
    """Quorum of the present electors, given as (owner_ref, area) pairs, each counted once."""
    seen: dict[str, Decimal] = {}
    for ref, area in present:
        if isinstance(area, float):
            raise TypeError("areas must be Decimal")
        seen.setdefault(ref, Decimal(area))
    return QuorumStatus(len(seen), sum(seen.values(), Decimal(0)), total_headcount,
                        Decimal(total_area))


def more_than_half(count: int, of: int) -> bool:
    """Strictly more than half (committee minutes need more than half of members' signatures)."""
    return of > 0 and Fraction(count, of) > Fraction(1, 2)
