"""The 送达 record the committee must be able to show: per event, what was sent to whom, by
which channel, when, and the gateway's answer; who had no contact (they need paper); and the
register owners no verified contact reaches at all. Exported through `app.exports.csv_text`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, case, exists, func, select
from sqlalchemy.orm import selectinload

from app.accounts.models import Membership, User
from app.exports import csv_text
from app.extensions import db
from app.pagination import paginate
from app.register.models import DEVELOPER_REF, Community, Owner, Unit
from notifications.kinds import EXTERNAL, get_kind
from notifications.models import Contact, Delivery, DeliveryState, NotificationEvent

EVENTS_PER_PAGE = 20
ROWS_PER_PAGE = 50


@dataclass
class Summary:
    """One event's counts: per channel and state, and the people no external channel reached."""

    event: NotificationEvent
    #: (channel, state) -> deliveries
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    recipients: int = 0
    #: recipients with no external delivery (only the inbox reaches them)
    no_contact: int = 0
    #: owners in scope without any linked account (paper only)
    no_account: int = 0

    def count(self, state: str, channel: str | None = None) -> int:
        """Deliveries in a state (on one channel, or on all)."""
        return sum(n for (c, s), n in self.counts.items()
                   if s == state and (channel is None or c == channel))


def community_events(community: Community, page: object) -> Pagination:
    """The community's events, newest first, a page at a time (digests are personal)."""
    return paginate(select(NotificationEvent).where(
        NotificationEvent.community_id == community.id, NotificationEvent.kind != "digest")
        .order_by(NotificationEvent.id.desc()), page, EVENTS_PER_PAGE)


def event_in(community: Community, event_id: int) -> NotificationEvent | None:
    """An event of this community."""
    event = db.session.get(NotificationEvent, event_id)
    return event if event is not None and event.community_id == community.id else None


def summaries(events: list[NotificationEvent]) -> list[Summary]:
    """Each event's counts (two grouped queries for the page, whatever its size)."""
    found = {event.id: Summary(event) for event in events}
    if not found:
        return []
    for event_id, channel, state, n in db.session.execute(
            select(Delivery.event_id, Delivery.channel, Delivery.state, func.count())
            .where(Delivery.event_id.in_(found))
            .group_by(Delivery.event_id, Delivery.channel, Delivery.state)):
        found[event_id].counts[(str(channel), str(state))] += n
    reached = (select(Delivery.event_id, Delivery.user_id,
                      func.max(func.coalesce(_is_external(), 0)).label("ext"))
               .where(Delivery.event_id.in_(found))
               .group_by(Delivery.event_id, Delivery.user_id).subquery())
    for event_id, people, without in db.session.execute(
            select(reached.c.event_id, func.count(), func.sum(1 - reached.c.ext))
            .group_by(reached.c.event_id)):
        found[event_id].recipients = people
        found[event_id].no_contact = int(without or 0)
    for summary in found.values():
        kind = get_kind(summary.event.kind)
        if kind.owner_audience:
            summary.no_account = owners_without_account(summary.event)
    return [found[event.id] for event in events]


def _is_external() -> Any:
    return case((Delivery.channel.in_([c.value for c in EXTERNAL]), 1), else_=0)


def owners_without_account(event: NotificationEvent) -> int:
    """Owners the event concerns to whom no account is linked: only paper reaches them."""
    owners = get_kind(event.kind).audience_owners(event)
    if not owners or event.community_id is None:
        return 0
    linked = set(db.session.execute(select(Membership.owner_id).distinct().where(
        Membership.community_id == event.community_id,
        Membership.owner_id.in_(owners))).scalars())
    return len(set(owners) - linked)


def _rows(event: NotificationEvent) -> Select:
    return (select(Delivery, User.username, User.display_name, Owner.owner_ref)
            .join(User, User.id == Delivery.user_id)
            .outerjoin(Owner, Owner.id == Delivery.owner_id)
            .where(Delivery.event_id == event.id)
            .order_by(Delivery.user_id, Delivery.channel))


def event_rows(event: NotificationEvent, page: object) -> Pagination:
    """A page of the event's deliveries."""
    return paginate(select(Delivery).where(Delivery.event_id == event.id)
                    .order_by(Delivery.user_id, Delivery.channel), page, ROWS_PER_PAGE)


@dataclass(frozen=True)
class Line:
    """A line of the record: the delivery, the person, the owner they were reached as."""

    delivery: Delivery
    name: str
    owner_ref: str


def lines(deliveries: list[Delivery]) -> list[Line]:
    """The page's deliveries with names and owner references (one query for the page)."""
    users = {d.user_id for d in deliveries}
    owners = {d.owner_id for d in deliveries if d.owner_id is not None}
    names = {uid: display or username for uid, username, display in db.session.execute(
        select(User.id, User.username, User.display_name).where(User.id.in_(users)))}
    refs = dict(db.session.execute(select(Owner.id, Owner.owner_ref).where(
        Owner.id.in_(owners))).all()) if owners else {}
    return [Line(d, names.get(d.user_id, ""), refs.get(d.owner_id, "") if d.owner_id else "")
            for d in deliveries]


HEADER = ("event", "kind", "owner_ref", "username", "name", "channel", "address", "state",
          "reason", "attempts", "created_at", "sent_at", "delivered_at", "answer")


def event_csv(event: NotificationEvent) -> str:
    """The whole record of one event as CSV (every cell made safe for spreadsheets)."""
    rows = []
    for delivery, username, display_name, owner_ref in db.session.execute(_rows(event)):
        rows.append([event.id, event.kind, owner_ref or "", username, display_name,
                     str(delivery.channel), delivery.address, str(delivery.state),
                     delivery.reason, delivery.attempts, _iso(delivery.created_at),
                     _iso(delivery.sent_at), _iso(delivery.delivered_at), delivery.answer])
    for owner_ref, names in _paper_only(event):
        rows.append([event.id, event.kind, owner_ref, "", names, "paper", "", "no_account",
                     "", 0, "", "", "", ""])
    return csv_text(HEADER, rows)


def _paper_only(event: NotificationEvent) -> list[tuple[str, str]]:
    owners = get_kind(event.kind).audience_owners(event)
    if not owners or event.community_id is None:
        return []
    linked = select(Membership.owner_id).where(Membership.community_id == event.community_id,
                                               Membership.owner_id.is_not(None))
    return [(ref, names) for ref, names in db.session.execute(
        select(Owner.owner_ref, Owner.names).where(Owner.id.in_(owners),
                                                   Owner.id.not_in(linked))
        .order_by(Owner.owner_ref))]


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def _verified_contact_exists() -> Any:
    return exists().where(Contact.user_id == Membership.user_id,
                          Contact.verified_at.is_not(None), Contact.address != "")


def unreached_owners(community: Community) -> Select:
    """Register owners (not the developer) whose linked accounts have no verified contact, or
    who have no account: no e-mail, SMS or WeChat reaches them — they need paper."""
    reached = (select(Membership.owner_id)
               .where(Membership.community_id == community.id,
                      Membership.owner_id.is_not(None), _verified_contact_exists()))
    return (select(Owner).where(Owner.community_id == community.id,
                                Owner.owner_ref != DEVELOPER_REF, Owner.id.not_in(reached))
            .order_by(Owner.owner_ref))


def unreached_page(community: Community, page: object) -> Pagination:
    """A page of the owners who need paper."""
    return paginate(unreached_owners(community), page, ROWS_PER_PAGE)


def unreached_csv(community: Community) -> str:
    """The owners who need paper, with their units and whether they have an account."""
    with_account = set(db.session.execute(select(Membership.owner_id).where(
        Membership.community_id == community.id,
        Membership.owner_id.is_not(None))).scalars())
    rows = []
    query = unreached_owners(community).options(selectinload(Owner.units).selectinload(
        Unit.building))
    for owner in db.session.execute(query).scalars():
        rows.append([owner.owner_ref, owner.names, ", ".join(u.label for u in owner.units),
                     "yes" if owner.id in with_account else "no"])
    return csv_text(("owner_ref", "names", "units", "account"), rows)


def delivered_channel(state: str) -> bool:
    """Whether a state counts as reaching the person."""
    return state in (DeliveryState.SENT.value, DeliveryState.DELIVERED.value)


__all__ = ["Summary", "community_events", "event_csv", "event_in", "event_rows",
           "summaries", "unreached_csv", "unreached_owners", "unreached_page"]
