"""Turnout: the vote's units frozen per building, building volunteers, visits, reminders.

`TurnoutUnit` freezes, when a vote opens, every unit in scope with its building and area and
the elector it counts for (the snapshot `VoteElector` keeps one row per person, summed): the
per-building figures are a GROUP BY over it, whatever the register does afterwards.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Membership, User
from app.db import utcnow
from app.extensions import Model
from app.register.models import Building
from app.types import Area, UTCDateTime, str_enum


class TurnoutUnit(Model):
    """One unit in a vote's scope as it was when the vote opened."""

    __tablename__ = "turnout_unit"
    __table_args__ = (Index("ix_turnout_unit_vote_building", "vote_id", "building_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"))
    elector_id: Mapped[int] = mapped_column(ForeignKey("vote_elector.id"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    building: Mapped[str] = mapped_column(String(64))
    #: the unit number as the register has it ("1-0203")
    unit: Mapped[str] = mapped_column(String(64))
    area_m2: Mapped[Decimal] = mapped_column(Area)


class VolunteerAssignment(Model):
    """A member serving as building volunteer (楼长、网格员) for one building."""

    __tablename__ = "volunteer_assignment"
    __table_args__ = (UniqueConstraint("membership_id", "building_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    membership: Mapped[Membership] = relationship()
    building: Mapped[Building] = relationship()


class VisitOutcome(enum.StrEnum):
    """What a door-to-door visit found."""

    VISITED = "visited"
    NOT_HOME = "not_home"
    WILL_VOTE_ONLINE = "will_vote_online"
    PAPER_HANDED_OUT = "paper_handed_out"
    #: the volunteer took the owner's filled-in paper ballot back to the committee
    PAPER_COLLECTED = "paper_collected"
    REFUSED = "refused"


class Visit(Model):
    """A visit to an outstanding owner during a vote: who went, when, what came of it."""

    __tablename__ = "turnout_visit"
    __table_args__ = (Index("ix_turnout_visit_vote_building", "vote_id", "building_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"))
    elector_id: Mapped[int] = mapped_column(ForeignKey("vote_elector.id"))
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    outcome: Mapped[VisitOutcome] = mapped_column(str_enum(VisitOutcome, "visit_outcome"))
    note: Mapped[str] = mapped_column(Text, default="")
    visited_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visited_by: Mapped[User] = relationship()


class TurnoutReminder(Model):
    """A reminder sent to a building's outstanding owners (the rate limit reads these)."""

    __tablename__ = "turnout_reminder"
    __table_args__ = (Index("ix_turnout_reminder_vote_building", "vote_id", "building_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"))
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: how many owners it was meant for
    recipients: Mapped[int] = mapped_column(default=0)
