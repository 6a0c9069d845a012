"""Calendars (.ics, RFC 5545, through icalendar): a meeting, a vote's deadline, and a person's
subscription feed of both. Pure: entries in, bytes out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event

PRODID = "-//Yishi//yishi 议事//ZH"
#: how long a meeting is shown in calendars when it has no end
MEETING_HOURS = 2
#: a vote's deadline shows as this long a slot ending at the close
DEADLINE_MINUTES = 30


@dataclass(frozen=True)
class Entry:
    """One calendar entry."""

    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    url: str = ""
    location: str = ""
    description: str = ""
    #: a reminder this long before the start, if any
    alarm_before: timedelta | None = None


def meeting_entry(*, meeting_id: int, title: str, starts_at: datetime, place: str, url: str,
                  description: str = "") -> Entry:
    """A meeting, two hours from its start."""
    return Entry(uid=f"meeting-{meeting_id}@yishi", summary=title, starts_at=starts_at,
                 ends_at=starts_at + timedelta(hours=MEETING_HOURS), url=url, location=place,
                 description=description, alarm_before=timedelta(days=1))


def deadline_entry(*, vote_id: int, summary: str, closes_at: datetime, url: str,
                   description: str = "") -> Entry:
    """A vote's deadline: a short slot ending when the vote closes, with a reminder."""
    return Entry(uid=f"vote-{vote_id}-closes@yishi", summary=summary,
                 starts_at=closes_at - timedelta(minutes=DEADLINE_MINUTES), ends_at=closes_at,
                 url=url, description=description, alarm_before=timedelta(hours=24))


def calendar(entries: Iterable[Entry], *, name: str = "", stamp: datetime | None = None
             ) -> bytes:
    """The entries as one iCalendar document."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
    now = (stamp or datetime.now(UTC)).astimezone(UTC)
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", now)
        event.add("dtstart", entry.starts_at.astimezone(UTC))
        event.add("dtend", entry.ends_at.astimezone(UTC))
        event.add("summary", entry.summary)
        if entry.url:
            event.add("url", entry.url)
        if entry.location:
            event.add("location", entry.location)
        if entry.description:
            event.add("description", entry.description)
        if entry.alarm_before is not None:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", entry.summary)
            alarm.add("trigger", -entry.alarm_before)
            event.add_component(alarm)
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
