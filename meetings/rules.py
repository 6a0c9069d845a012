"""The meetings' own procedure, built on the law (`app.law`). Pure: no Flask, no SQLAlchemy.

The law itself — notice periods counted as the Civil Code counts days, the two-thirds quorum,
"more than half" — lives in `app.law`; this module only applies it to a meeting:

- `check_notice`: why a meeting notice may not be published now (already published, the
  meeting in the past, an owners' assembly without an agenda, or a notice period too short:
  `app.law.notice_period_met` in the community's calendar days).
- `agenda_locked`: once the notice is published its agenda is what the owners were told;
  nothing is added to or removed from it (nothing off the agenda is voted).
- `attendance_quorum`: who is present, by area and headcount, each owner once, judged by
  `app.law.quorum_share_met` in each dimension.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from app.law import (
    MeetingKind,
    local_day,
    notice_period_met,
    quorum_share_met,
    required_notice_days,
    share,
)

#: the longest objection period (询异期) the committee may give a result notice, in days
MAX_OBJECTION_DAYS = 30


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


@dataclass(frozen=True)
class QuorumStatus:
    """Attendance against the electorate, by area and headcount, exact."""

    present_headcount: int
    present_area: Decimal
    total_headcount: int
    total_area: Decimal

    @property
    def headcount_share(self) -> Fraction:
        """Present headcount as a share of the headcount in scope (0 for an empty scope)."""
        if self.total_headcount == 0:
            return Fraction(0)
        return share(self.present_headcount, self.total_headcount)

    @property
    def area_share(self) -> Fraction:
        """Present area as a share of the area in scope (0 for an empty scope)."""
        if self.total_area == 0:
            return Fraction(0)
        return share(self.present_area, self.total_area)

    @property
    def headcount_met(self) -> bool:
        """The headcount present reaches the quorum of the law."""
        return quorum_share_met(self.present_headcount, self.total_headcount)

    @property
    def area_met(self) -> bool:
        """The area present reaches the quorum of the law."""
        return quorum_share_met(self.present_area, self.total_area)

    @property
    def met(self) -> bool:
        """Both dimensions reach the quorum."""
        return self.headcount_met and self.area_met


def attendance_quorum(present: Iterable[tuple[str, Decimal]], total_headcount: int,
                      total_area: Decimal) -> QuorumStatus:
    """Quorum of the present electors, given as (owner_ref, area) pairs, each counted once."""
    seen: dict[str, Decimal] = {}
    for ref, area in present:
        if not isinstance(area, Decimal):
            raise TypeError("areas must be Decimal")
        seen.setdefault(ref, area)
    return QuorumStatus(len(seen), sum(seen.values(), Decimal(0)), total_headcount,
                        Decimal(total_area))
