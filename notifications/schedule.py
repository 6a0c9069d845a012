"""The periodic jobs (every minute in the worker, once per `flask jobs drain`): close the votes
that are due, vote-closing reminders, objection periods ending, daily digests, and the sweep
(lost fan-outs, due retries, interrupted claims). Each is a sweep over the database's state:
a late or repeated run does what one on-time run would have done, never more."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from app.db import utcnow
from app.extensions import db
from app.i18n import community_zone
from app.jobs import enqueue
from app.uow import unit_of_work
from meetings.models import ResultNotice
from notifications.delivery import deliver_due, recover_interrupted
from notifications.events import FAN_OUT, record_event
from notifications.models import Delivery, DeliveryState, NotificationEvent
from voting.models import Vote, VoteState
from voting.services import close_due_votes

#: hours before the close at which those who have not voted are reminded
DEFAULT_REMINDER_HOURS = (72, 24, 2)
#: hours before the end of an objection period at which the electorate is reminded
DEFAULT_OBJECTION_HOURS = 24
#: the daily digest goes out from this hour on (community time)
DEFAULT_DIGEST_HOUR = 18
#: an event not fanned out this long after it was written lost its enqueue
LOST_AFTER = timedelta(minutes=1)


def reminder_hours() -> list[int]:
    """`YISHI_REMINDER_HOURS` ("72,24,2"), largest first."""
    value = current_app.config.get("YISHI_REMINDER_HOURS") or DEFAULT_REMINDER_HOURS
    hours = [int(h) for h in (value.split(",") if isinstance(value, str) else value)
             if str(h).strip()]
    return sorted({h for h in hours if h > 0}, reverse=True)


def close_due() -> int:
    """Close every open vote whose time has come (voting's service, in one unit of work)."""
    with unit_of_work():
        return len(close_due_votes())


def remind() -> int:
    """Write the reminder events whose moment has come: per vote and offset, once per
    deadline; an offset already past when the vote opened is not sent."""
    now = utcnow()
    offsets = reminder_hours()
    written = 0
    with unit_of_work():
        votes = db.session.execute(select(Vote.id, Vote.community_id, Vote.opened_at,
                                          Vote.closes_at).where(
            Vote.state == VoteState.OPEN, Vote.closes_at > now)).all()
    for vote_id, community_id, opened_at, closes_at in votes:
        for index, hours in enumerate(offsets):
            starts = closes_at - timedelta(hours=hours)
            later = offsets[index + 1] if index + 1 < len(offsets) else 0
            if not (starts <= now < closes_at - timedelta(hours=later)) or opened_at > starts:
                continue
            with unit_of_work():
                written += record_event(
                    "vote_closing", community_id=community_id, subject=f"vote:{vote_id}",
                    payload={"vote_id": vote_id, "hours": hours,
                             "closes_at": closes_at.isoformat()},
                    key=f"vote_closing:{vote_id}:{hours}:{closes_at.isoformat()}") is not None
    return written


def objection_endings() -> int:
    """Remind the electorate once before a result's objection period ends."""
    now = utcnow()
    hours = timedelta(hours=int(current_app.config.get("YISHI_OBJECTION_REMINDER_HOURS")
                                or DEFAULT_OBJECTION_HOURS))
    written = 0
    with unit_of_work():
        notices = db.session.execute(select(
            ResultNotice.id, ResultNotice.vote_id, ResultNotice.community_id,
            ResultNotice.published_at, ResultNotice.objection_ends_at).where(
            ResultNotice.objection_ends_at.is_not(None), ResultNotice.objection_ends_at > now,
            ResultNotice.objection_ends_at <= now + hours)).all()
    for notice_id, vote_id, community_id, published_at, ends_at in notices:
        assert ends_at is not None  # the query asked for an objection period
        if published_at > ends_at - hours:
            continue  # the period was shorter than the reminder: the notice itself said it
        with unit_of_work():
            written += record_event(
                "objection_period_ending", community_id=community_id,
                subject=f"vote:{vote_id}",
                payload={"notice_id": notice_id, "vote_id": vote_id,
                         "objection_ends_at": ends_at.isoformat()},
                key=f"objection_period_ending:{notice_id}") is not None
    return written


def digests() -> int:
    """From the digest hour on, one digest per person and day with what waited for it."""
    now = utcnow()
    local = now.astimezone(community_zone())
    if local.hour < int(current_app.config.get("YISHI_DIGEST_HOUR") or DEFAULT_DIGEST_HOUR):
        return 0
    day = local.date().isoformat()
    with unit_of_work():
        held = db.session.execute(select(
            Delivery.id, Delivery.user_id, Delivery.channel, Delivery.event_id).where(
            Delivery.state == DeliveryState.SKIPPED, Delivery.reason == "digest",
            Delivery.digest_event_id.is_(None)).order_by(Delivery.id)).all()
    people: dict[int, dict[str, set]] = defaultdict(
        lambda: {"ids": set(), "channels": set(), "events": set()})
    for delivery_id, user_id, channel, event_id in held:
        person = people[user_id]
        person["ids"].add(delivery_id)
        person["channels"].add(str(channel))
        person["events"].add(event_id)
    written = 0
    for user_id, person in people.items():
        with unit_of_work():
            digest_id = record_event(
                "digest", community_id=None, subject=f"user:{user_id}",
                payload={"user_id": user_id, "channels": sorted(person["channels"]),
                         "event_ids": sorted(person["events"]), "day": day},
                key=f"digest:{user_id}:{day}")
            if digest_id is None:
                continue  # today's digest went out already: these wait for tomorrow's
            db.session.execute(update(Delivery).where(
                Delivery.id.in_(sorted(person["ids"]))).values(digest_event_id=digest_id))
            written += 1
    return written


def sweep() -> int:
    """Queue lost fan-outs, due sends; fail interrupted claims. Returns how many it queued."""
    with unit_of_work():
        lost = list(db.session.execute(select(NotificationEvent.id).where(
            NotificationEvent.fanned_out_at.is_(None),
            NotificationEvent.created_at <= utcnow() - LOST_AFTER)
            .order_by(NotificationEvent.id).limit(1000)).scalars())
    for event_id in lost:
        enqueue(FAN_OUT, event_id)
    recover_interrupted()
    return len(lost) + deliver_due()
