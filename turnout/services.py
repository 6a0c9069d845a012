"""Turnout: how far a vote is from its quorum, overall and building by building; outstanding
owners; building volunteers; the visit log.

Every figure is a GROUP BY in SQL over the vote's frozen snapshot (`VoteElector`, and
`TurnoutUnit` per building) and its counted ballots: a page costs the same few queries
whatever the size of the register. What is missing is the law's (`app.law.missing_for_quorum`).
Choices are never read here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, case, delete, exists, func, insert, select, type_coerce

from app.accounts.models import Membership, User
from app.audit.services import record_event
from app.db import utcnow
from app.errors import DomainError, InvalidInput, NotFound
from app.extensions import db
from app.i18n import local_to_utc, utc_to_local
from app.law import Missing, missing_for_quorum, quorum_met
from app.law.words import N_
from app.register.models import Building, Community, Owner, Unit, UnitKind
from app.types import Area
from turnout.models import (
    TurnoutReminder,
    TurnoutUnit,
    Visit,
    VisitOutcome,
    VolunteerAssignment,
)
from voting.counting import Tally
from voting.models import Ballot, Channel, Vote, VoteElector, VoteState

#: the channels API.md names: a proxy ballot is an electronic one cast under a mandate
CHANNELS = ("online", "paper", "proxy")


# --- the frozen units --------------------------------------------------------------------

def snapshot_units(vote: Vote) -> None:
    """Freeze the vote's units in scope with their building and elector (one INSERT ... SELECT).

    Runs when the vote opens, in its transaction, after its electorate snapshot."""
    conditions = [VoteElector.vote_id == vote.id]
    if vote.scope_buildings is not None:
        conditions.append(Building.name.in_(list(vote.scope_buildings)))
    if not vote.parking_counted:
        conditions.append(Unit.kind != UnitKind.PARKING)
    rows = (select(VoteElector.vote_id, VoteElector.id, Building.id, Building.name, Unit.number,
                   Unit.area_m2)
            .join(Unit, Unit.owner_id == VoteElector.owner_id)
            .join(Building, Building.id == Unit.building_id)
            .where(*conditions))
    db.session.execute(insert(TurnoutUnit).from_select(
        ["vote_id", "elector_id", "building_id", "building", "unit", "area_m2"], rows))


# --- turnout -----------------------------------------------------------------------------

@dataclass(frozen=True)
class BuildingTurnout:
    """One building's electorate (everyone holding a unit in scope there) and participation.

    An owner with units in two buildings counts as one person in each."""

    building_id: int
    building: str
    electorate: Tally
    participation: Tally
    missing: Missing

    @property
    def outstanding(self) -> int:
        """People of this building who have not taken part."""
        return self.electorate.headcount - self.participation.headcount


@dataclass(frozen=True)
class VoteTurnout:
    """A vote's turnout against the quorum, per building and channel."""

    vote_id: int
    electorate: Tally
    participation: Tally
    quorum_met: bool
    missing: Missing
    buildings: list[BuildingTurnout]
    channels: dict[str, Tally]
    closes_at: datetime
    days_left: int
    open: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def _tally(count: Any, area: Any) -> Tally:
    return Tally(int(count or 0), area if area is not None else Decimal("0.00"))


def _missing(part: Tally, whole: Tally) -> Missing:
    return missing_for_quorum(part.headcount, part.area, whole.headcount, whole.area)


def days_left(closes_at: datetime, now: datetime | None = None) -> int:
    """Calendar days from today to the closing day in the community's time zone (0: today)."""
    today: date = utc_to_local(now or utcnow()).date()
    return max(0, (utc_to_local(closes_at).date() - today).days)


def channel_counts(vote: Vote) -> dict[str, Tally]:
    """Headcount and area of the counted ballots by channel (one GROUP BY)."""
    proxy = Ballot.mandate_id.is_not(None)
    rows = db.session.execute(
        select(Ballot.channel, proxy, func.count(Ballot.id), func.sum(VoteElector.area_m2))
        .join(VoteElector, VoteElector.id == Ballot.elector_id)
        .where(Ballot.vote_id == vote.id)
        .group_by(Ballot.channel, proxy))
    counts = dict.fromkeys(CHANNELS, Tally.zero())
    for channel, by_proxy, count, area in rows:
        name = "paper" if channel == Channel.PAPER else "proxy" if by_proxy else "online"
        prior = counts[name]
        counts[name] = Tally(prior.headcount + int(count), prior.area + (area or Decimal(0)))
    return counts


def building_turnouts(vote: Vote, building_ids: Collection[int] | None = None
                      ) -> list[BuildingTurnout]:
    """Electorate and participation per building (one GROUP BY over the frozen units)."""
    took_part = Ballot.id.is_not(None)
    part_area = type_coerce(func.sum(case((took_part, TurnoutUnit.area_m2), else_=0)), Area)
    query = (select(TurnoutUnit.building_id, TurnoutUnit.building,
                    func.count(func.distinct(TurnoutUnit.elector_id)),
                    func.sum(TurnoutUnit.area_m2),
                    func.count(func.distinct(case((took_part, TurnoutUnit.elector_id)))),
                    part_area)
             .outerjoin(Ballot, and_(Ballot.vote_id == TurnoutUnit.vote_id,
                                     Ballot.elector_id == TurnoutUnit.elector_id))
             .where(TurnoutUnit.vote_id == vote.id)
             .group_by(TurnoutUnit.building_id, TurnoutUnit.building)
             .order_by(TurnoutUnit.building))
    if building_ids is not None:
        query = query.where(TurnoutUnit.building_id.in_(list(building_ids)))
    result = []
    for building_id, name, heads, area, part_heads, p_area in db.session.execute(query):
        electorate = _tally(heads, area)
        participation = _tally(part_heads, p_area)
        result.append(BuildingTurnout(building_id, name, electorate, participation,
                                      _missing(participation, electorate)))
    return result


def vote_turnout(vote: Vote, building_ids: Collection[int] | None = None) -> VoteTurnout:
    """The vote's turnout: two queries whatever the size of the register.

    `building_ids` limits the buildings listed (a volunteer's); the totals are the vote's."""
    channels = channel_counts(vote)
    participation = Tally(sum(t.headcount for t in channels.values()),
                          sum((t.area for t in channels.values()), Decimal("0.00")))
    electorate = Tally(vote.headcount, vote.area_m2)
    met = quorum_met(participation.headcount, participation.area, electorate.headcount,
                     electorate.area)
    return VoteTurnout(
        vote_id=vote.id, electorate=electorate, participation=participation, quorum_met=met,
        missing=_missing(participation, electorate),
        buildings=building_turnouts(vote, building_ids), channels=channels,
        closes_at=vote.closes_at, days_left=days_left(vote.closes_at),
        open=vote.state == VoteState.OPEN)


@dataclass(frozen=True)
class TimePoint:
    """Cumulative participation at the end of a day (community time zone)."""

    day: date
    participation: Tally


#: at most this many points on the chart (a longer vote is shown every few days)
MAX_POINTS = 90


def turnout_over_time(vote: Vote) -> list[TimePoint]:
    """Cumulative participation at the end of each day since the vote opened: one aggregate
    query with two columns per day (counted below each day's end), no ballot rows loaded.

    A ballot counts from its current version's time (a changed ballot moves later)."""
    first = utc_to_local(vote.opened_at).date()
    last = max(first, utc_to_local(min(utcnow(), vote.closed_at or vote.closes_at)).date())
    span = last.toordinal() - first.toordinal() + 1
    step = -(-span // MAX_POINTS)
    days = [date.fromordinal(first.toordinal() + i) for i in range(0, span, step)]
    if days[-1] != last:
        days.append(last)
    columns: list[Any] = []
    for day in days:
        ends = local_to_utc(datetime.combine(date.fromordinal(day.toordinal() + 1), time()))
        before = Ballot.cast_at < ends
        columns.append(func.count(case((before, Ballot.id))))
        columns.append(type_coerce(func.sum(case((before, VoteElector.area_m2), else_=0)), Area))
    row = db.session.execute(
        select(*columns).join(VoteElector, VoteElector.id == Ballot.elector_id)
        .where(Ballot.vote_id == vote.id)).one()
    return [TimePoint(day, _tally(row[2 * i], row[2 * i + 1])) for i, day in enumerate(days)]


def unreached_electors(vote: Vote, community: Community) -> int:
    """Electors no channel reaches (no account, or no verified contact): they need paper.

    The notifications feature's query, limited to this vote's electorate (one query)."""
    from notifications.record import unreached_owners

    electors = select(VoteElector.owner_id).where(VoteElector.vote_id == vote.id)
    query = unreached_owners(community).where(Owner.id.in_(electors)).order_by(None)
    return db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()


# --- outstanding owners ------------------------------------------------------------------

@dataclass(frozen=True)
class Outstanding:
    """An owner of the building who has not taken part, and the unit they hold there."""

    building_id: int
    building: str
    unit: str
    elector_id: int
    owner_ref: str
    names: str
    phone: str


def _no_ballot() -> Any:
    return ~exists().where(Ballot.vote_id == TurnoutUnit.vote_id,
                           Ballot.elector_id == TurnoutUnit.elector_id)


def outstanding_query(vote: Vote, building_ids: Collection[int] | None = None) -> Select:
    """Units whose elector has not taken part, in building and unit order."""
    query: Select = (select(TurnoutUnit.building_id, TurnoutUnit.building, TurnoutUnit.unit,
                    VoteElector.id, VoteElector.owner_ref, Owner.names, Owner.phone)
             .join(VoteElector, VoteElector.id == TurnoutUnit.elector_id)
             .join(Owner, Owner.id == VoteElector.owner_id)
             .where(TurnoutUnit.vote_id == vote.id, _no_ballot())
             .order_by(TurnoutUnit.building, TurnoutUnit.unit, TurnoutUnit.id))
    if building_ids is not None:
        query = query.where(TurnoutUnit.building_id.in_(list(building_ids)))
    return query


def outstanding(vote: Vote, building_ids: Collection[int] | None = None) -> list[Outstanding]:
    """The outstanding units and owners (one query)."""
    return [Outstanding(*row) for row in db.session.execute(outstanding_query(vote, building_ids))]


def outstanding_units(vote: Vote, building_ids: Collection[int] | None = None
                      ) -> list[tuple[int, str, str]]:
    """(building id, unit, owner_ref) of the outstanding units, without names or contacts (one
    query; the API's list)."""
    query = (select(TurnoutUnit.building_id, TurnoutUnit.unit, VoteElector.owner_ref)
             .join(VoteElector, VoteElector.id == TurnoutUnit.elector_id)
             .outerjoin(Ballot, and_(Ballot.vote_id == TurnoutUnit.vote_id,
                                     Ballot.elector_id == TurnoutUnit.elector_id))
             .where(TurnoutUnit.vote_id == vote.id, Ballot.id.is_(None))
             .order_by(TurnoutUnit.building, TurnoutUnit.unit, TurnoutUnit.id))
    if building_ids is not None:
        query = query.where(TurnoutUnit.building_id.in_(list(building_ids)))
    return [(b, u, r) for b, u, r in db.session.execute(query)]


def vote_buildings(vote: Vote) -> list[tuple[int, str]]:
    """The buildings in the vote's frozen scope (id, name)."""
    return list(db.session.execute(
        select(TurnoutUnit.building_id, TurnoutUnit.building).where(TurnoutUnit.vote_id == vote.id)
        .distinct().order_by(TurnoutUnit.building)).all())


def building_in_vote(vote: Vote, building_id: int) -> str | None:
    """The building's name when it is in the vote's scope, else None."""
    return db.session.execute(
        select(TurnoutUnit.building).where(TurnoutUnit.vote_id == vote.id,
                                           TurnoutUnit.building_id == building_id).limit(1)
    ).scalar_one_or_none()


# --- volunteers --------------------------------------------------------------------------

def volunteer_buildings(member: Membership | None) -> frozenset[int]:
    """The buildings a member serves as volunteer (empty for none; one query)."""
    if member is None:
        return frozenset()
    return frozenset(db.session.execute(
        select(VolunteerAssignment.building_id)
        .where(VolunteerAssignment.membership_id == member.id,
               VolunteerAssignment.community_id == member.community_id)).scalars())


def list_assignments(community: Community) -> list[VolunteerAssignment]:
    """Every volunteer assignment of the community, by building then member."""
    from sqlalchemy.orm import joinedload

    return list(db.session.execute(
        select(VolunteerAssignment)
        .options(joinedload(VolunteerAssignment.membership).joinedload(Membership.user),
                 joinedload(VolunteerAssignment.building))
        .join(Building, Building.id == VolunteerAssignment.building_id)
        .where(VolunteerAssignment.community_id == community.id)
        .order_by(Building.name, VolunteerAssignment.id)).scalars())


def assign_volunteer(community: Community, actor: User, member: Membership,
                     building: Building) -> VolunteerAssignment:
    """Make a member of the community the volunteer of one of its buildings."""
    if member.community_id != community.id:
        raise InvalidInput("not_a_member", N_("此用户不是本小区成员"), field="username")
    if building.community_id != community.id:
        raise InvalidInput("unknown_building", N_("没有这栋楼"), field="building")
    taken = db.session.execute(select(VolunteerAssignment.id).where(
        VolunteerAssignment.membership_id == member.id,
        VolunteerAssignment.building_id == building.id)).first()
    if taken:
        raise DomainError("already_assigned", N_("%(name)s 已是 %(building)s 的楼栋志愿者"),
                          status=409, field="username", name=member.user.name,
                          building=building.name)
    assignment = VolunteerAssignment(community_id=community.id, membership_id=member.id,
                                     building_id=building.id, created_by_id=actor.id)
    db.session.add(assignment)
    db.session.flush()
    record_event("turnout.volunteer_assigned", actor=actor, community_id=community.id,
                 target=f"membership:{member.id}",
                 details={"building": building.name, "user": member.user.username})
    return assignment


def remove_volunteer(assignment: VolunteerAssignment, actor: User) -> None:
    """End a volunteer's assignment to a building."""
    record_event("turnout.volunteer_removed", actor=actor,
                 community_id=assignment.community_id,
                 target=f"membership:{assignment.membership_id}",
                 details={"building": assignment.building.name,
                          "user": assignment.membership.user.username})
    db.session.execute(delete(VolunteerAssignment).where(VolunteerAssignment.id == assignment.id))


# --- visits ------------------------------------------------------------------------------

def log_visit(vote: Vote, actor: User, building_id: int, elector_id: int, outcome: str,
              note: str = "") -> Visit:
    """Record a door-to-door visit to an owner of the building during the vote."""
    if vote.state != VoteState.OPEN:
        raise DomainError("vote_closed", N_("表决已结束"), status=409)
    try:
        kind = VisitOutcome(outcome)
    except ValueError:
        raise InvalidInput("invalid_outcome", N_("请选择走访结果"), field="outcome") from None
    in_building = db.session.execute(select(TurnoutUnit.id).where(
        TurnoutUnit.vote_id == vote.id, TurnoutUnit.building_id == building_id,
        TurnoutUnit.elector_id == elector_id).limit(1)).first()
    if not in_building:
        raise NotFound("not_found", N_("这栋楼没有这位业主"))
    visit = Visit(vote_id=vote.id, elector_id=elector_id, building_id=building_id,
                  outcome=kind, note=note.strip()[:500], visited_by_id=actor.id,
                  visited_at=utcnow())
    db.session.add(visit)
    db.session.flush()
    if kind == VisitOutcome.PAPER_HANDED_OUT:
        _log_hand_out(vote, actor, elector_id)
    record_event("turnout.visit", actor=actor, community_id=vote.community_id,
                 target=f"vote:{vote.id}",
                 details={"elector_id": elector_id, "outcome": kind.value})
    return visit


def _log_hand_out(vote: Vote, actor: User, elector_id: int) -> None:
    """A paper ballot handed out on a visit enters the vote's distribution log, when the owner
    has a pre-assigned number not yet handed out (the volunteer handed it to the owner)."""
    from voting.services.printing import number_of_elector, record_distribution

    elector = db.session.get_one(VoteElector, elector_id)
    number = number_of_elector(vote, elector)
    if number is None or number.handed_out_at is not None:
        return
    owner = db.session.get_one(Owner, elector.owner_id)
    record_distribution(actor, vote, number.ballot_no, received_by=owner.names or owner.owner_ref,
                        handed_out_by=actor.name or actor.username)


def visits_by_elector(vote: Vote, building_id: int) -> dict[int, list[Visit]]:
    """The building's visit log during the vote, newest first per owner (one query)."""
    from sqlalchemy.orm import joinedload

    visits: dict[int, list[Visit]] = {}
    for visit in db.session.execute(
            select(Visit).options(joinedload(Visit.visited_by))
            .where(Visit.vote_id == vote.id, Visit.building_id == building_id)
            .order_by(Visit.visited_at.desc(), Visit.id.desc())).scalars():
        visits.setdefault(visit.elector_id, []).append(visit)
    return visits


def group_by_building(rows: Iterable[Outstanding]) -> dict[int, list[Outstanding]]:
    """Outstanding rows keyed by building id, in order."""
    grouped: dict[int, list[Outstanding]] = {}
    for row in rows:
        grouped.setdefault(row.building_id, []).append(row)
    return grouped


@dataclass(frozen=True)
class VolunteerItem:
    """An open vote in one of a volunteer's buildings, and how many there have not voted."""

    vote_id: int
    title: str
    building_id: int
    building: str
    outstanding: int


def volunteer_items(community: Community, member: Membership | None) -> list[VolunteerItem]:
    """The open votes of the volunteer's buildings with their outstanding headcount (three
    queries whatever the number of votes and buildings)."""
    assigned = volunteer_buildings(member)
    if not assigned:
        return []
    from proposals.models import Proposal

    votes = dict(db.session.execute(
        select(Vote.id, Proposal.title).join(Proposal, Proposal.id == Vote.proposal_id)
        .where(Vote.community_id == community.id, Vote.state == VoteState.OPEN)).all())
    if not votes:
        return []
    rows = db.session.execute(
        select(TurnoutUnit.vote_id, TurnoutUnit.building_id, TurnoutUnit.building,
               func.count(func.distinct(case((_no_ballot(), TurnoutUnit.elector_id)))))
        .where(TurnoutUnit.vote_id.in_(list(votes)),
               TurnoutUnit.building_id.in_(list(assigned)))
        .group_by(TurnoutUnit.vote_id, TurnoutUnit.building_id, TurnoutUnit.building)
        .order_by(TurnoutUnit.vote_id, TurnoutUnit.building))
    return [VolunteerItem(vote_id, votes[vote_id], building_id, name, int(count))
            for vote_id, building_id, name, count in rows]


# --- reminders ---------------------------------------------------------------------------

#: hours between two reminders of one building in one vote
REMINDER_INTERVAL_HOURS = 12


def remind_building(vote: Vote, actor: User, building_id: int) -> TurnoutReminder:
    """Ask for a reminder to the building's owners who have not taken part (notifications
    fans it out in the worker); at most once per building every 12 hours."""
    from app import signals

    if vote.state != VoteState.OPEN or vote.closes_at <= utcnow():
        raise DomainError("vote_closed", N_("表决已结束"), status=409)
    name = building_in_vote(vote, building_id)
    if name is None:
        raise NotFound("not_found", N_("没有这栋楼"))
    db.session.execute(select(Vote.id).where(Vote.id == vote.id).with_for_update())
    since = utcnow() - timedelta(hours=REMINDER_INTERVAL_HOURS)
    last = db.session.execute(
        select(func.max(TurnoutReminder.requested_at))
        .where(TurnoutReminder.vote_id == vote.id, TurnoutReminder.building_id == building_id,
               TurnoutReminder.requested_at > since)).scalar_one_or_none()
    if last is not None:
        raise DomainError(
            "reminder_too_soon",
            N_("%(building)s 在 %(when)s 已提醒过；同一楼栋 %(hours)s 小时内只能提醒一次"),
            status=409, building=name, when=utc_to_local(last).strftime("%Y-%m-%d %H:%M"),
            hours=REMINDER_INTERVAL_HOURS)
    owners = sorted(set(db.session.execute(
        select(VoteElector.owner_id).join(TurnoutUnit, TurnoutUnit.elector_id == VoteElector.id)
        .where(TurnoutUnit.vote_id == vote.id, TurnoutUnit.building_id == building_id,
               _no_ballot())).scalars()))
    if not owners:
        raise DomainError("nobody_outstanding", N_("%(building)s 的业主都已参与表决"),
                          status=409, building=name)
    reminder = TurnoutReminder(vote_id=vote.id, building_id=building_id,
                               requested_by_id=actor.id, requested_at=utcnow(),
                               recipients=len(owners))
    db.session.add(reminder)
    db.session.flush()
    record_event("turnout.remind", actor=actor, community_id=vote.community_id,
                 target=f"vote:{vote.id}", details={"building": name, "owners": len(owners)})
    signals.emit(signals.turnout_reminder_requested, vote=vote, building_id=building_id,
                 building=name, owner_ids=owners, reminder_id=reminder.id, actor=actor)
    return reminder


def last_reminders(vote: Vote) -> dict[int, TurnoutReminder]:
    """The latest reminder of each building of the vote (one query)."""
    latest: dict[int, TurnoutReminder] = {}
    for reminder in db.session.execute(
            select(TurnoutReminder).where(TurnoutReminder.vote_id == vote.id)
            .order_by(TurnoutReminder.requested_at)).scalars():
        latest[reminder.building_id] = reminder
    return latest


@dataclass(frozen=True)
class OpenVoteTurnout:
    """An open vote's turnout against the quorum, for the committee's desk."""

    vote_id: int
    title: str
    electorate: Tally
    participation: Tally
    quorum_met: bool
    missing: Missing
    days_left: int


def open_vote_turnouts(community: Community) -> list[OpenVoteTurnout]:
    """Every open vote of the community with its participation (two queries in all)."""
    from proposals.models import Proposal

    votes = db.session.execute(
        select(Vote.id, Proposal.title, Vote.headcount, Vote.area_m2, Vote.closes_at)
        .join(Proposal, Proposal.id == Vote.proposal_id)
        .where(Vote.community_id == community.id, Vote.state == VoteState.OPEN)
        .order_by(Vote.closes_at, Vote.id)).all()
    if not votes:
        return []
    part = {vote_id: _tally(count, area) for vote_id, count, area in db.session.execute(
        select(Ballot.vote_id, func.count(Ballot.id), func.sum(VoteElector.area_m2))
        .join(VoteElector, VoteElector.id == Ballot.elector_id)
        .where(Ballot.vote_id.in_([v[0] for v in votes])).group_by(Ballot.vote_id))}
    result = []
    for vote_id, title, heads, area, closes_at in votes:
        electorate = Tally(heads, area)
        participation = part.get(vote_id, Tally.zero())
        result.append(OpenVoteTurnout(
            vote_id, title, electorate, participation,
            quorum_met(participation.headcount, participation.area, heads, area),
            _missing(participation, electorate), days_left(closes_at)))
    return result
