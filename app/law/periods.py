"""Periods of the law, counted as the Civil Code counts them (民法典 Arts. 200-203). Pure.

- A period in days does not count the day on which it starts: it begins on the *next day*
  (Art. 201), and its last day ends at 24:00 (Art. 203).
- "The notice is published at least N days before the meeting" (会议召开N日前通知) is read as:
  **N full days lie between the day of publication and the day of the meeting**, neither of
  them counted. A notice published on 1 May starts its period on 2 May; 15 full days run
  2 May to 16 May; the earliest lawful meeting day is 17 May. Days are calendar days in the
  community's time zone; the holiday extension of Art. 203 is not applied (the meeting day
  itself lies outside the period, so the notice always still stands on a working day).
- An owners' assembly (业主大会) needs the community's notice days (default 15); a temporary
  meeting (临时会议) needs 7. Committee and deliberation meetings have no statutory period.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

#: statutory notice days of a temporary owners' assembly
TEMPORARY_NOTICE_DAYS = 7
#: default notice days of an owners' assembly
DEFAULT_NOTICE_DAYS = 15
#: results are published within this many days of the close
RESULT_PUBLICATION_DAYS = 3
#: default objection period (异议期) of a preliminary result, in days
DEFAULT_OBJECTION_DAYS = 7
#: a decision may be challenged for this many days (one year); records are kept longer
CHALLENGE_DAYS = 365


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


def end_of_period(start: datetime, days: int, tz: str) -> datetime:
    """The end (24:00 of the last day) of a period of `days` days starting at `start`."""
    return start_of_day(local_day(start, tz) + timedelta(days=days + 1), tz)


def vote_may_open_at(published_at: datetime | None, notice_days: int,
                     tz: str) -> datetime | None:
    """Earliest moment a vote of a noticed assembly may open; None while there is no notice."""
    if published_at is None:
        return None
    return start_of_day(earliest_meeting_day(local_day(published_at, tz), notice_days), tz)
