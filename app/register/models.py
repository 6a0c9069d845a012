"""Community register: communities, buildings, exclusive units and their owners."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import utcnow
from app.extensions import Model
from app.register.electorate import DEVELOPER_REF
from app.types import Area, UTCDateTime, str_enum


class VoteChangePolicy(enum.StrEnum):
    """Whether an owner may change a cast ballot before the vote closes."""

    ALLOWED = "allowed"
    FINAL = "final"


class ParkingArea(enum.StrEnum):
    """Whether parking-space area counts towards the electorate."""

    COUNTED = "counted"
    EXCLUDED = "excluded"


class AreaSource(enum.StrEnum):
    """Where a unit's area comes from, in order of precedence."""

    REGISTRY = "registry"
    SURVEY = "survey"
    CONTRACT = "contract"


class UnitKind(enum.StrEnum):
    """What an exclusive unit is."""

    RESIDENCE = "residence"
    COMMERCIAL = "commercial"
    PARKING = "parking"


class UnitStatus(enum.StrEnum):
    """Whether a unit has been delivered to a buyer."""

    DELIVERED = "delivered"
    UNSOLD = "unsold"
    UNDELIVERED = "undelivered"




class Community(Model):
    """A residential community (小区) with its own settings; everything else hangs off it."""

    __tablename__ = "community"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: most proxy mandates one person may hold in a vote
    proxy_limit: Mapped[int] = mapped_column(Integer, default=3)
    vote_change: Mapped[VoteChangePolicy] = mapped_column(
        str_enum(VoteChangePolicy, "vote_change_policy"), default=VoteChangePolicy.ALLOWED
    )
    parking_area: Mapped[ParkingArea] = mapped_column(
        str_enum(ParkingArea, "parking_area_policy"), default=ParkingArea.COUNTED
    )
    #: days between an owners' assembly notice and the meeting
    notice_days: Mapped[int] = mapped_column(Integer, default=15)
    #: proposals past draft are readable by anyone, not only members
    public_proposals: Mapped[bool] = mapped_column(Boolean, default=False)
    #: residents (tenants) may read and discuss proposals
    residents_may_discuss: Mapped[bool] = mapped_column(Boolean, default=True)
    #: turn on the 从众 (non-voters follow the majority) adjusted tally, shown beside the strict one
    follow_majority: Mapped[bool] = mapped_column(Boolean, default=False)
    #: published ballot lists show unit numbers and areas (never names)
    show_ballot_units: Mapped[bool] = mapped_column(Boolean, default=True)
    #: bounds of a vote's total window, opening to close, in days (Hangzhou: 5 to 60); an
    #: extension may not take a vote past the maximum
    vote_window_min_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    vote_window_max_days: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    #: the bounds hold at opening too (the committee's choice on the voting settings page);
    #: when off, only extensions are bounded (by the maximum)
    vote_window_at_opening: Mapped[bool] = mapped_column(Boolean, default=False,
                                                         server_default="0")
    #: a paper ballot counts only once two different committee members entered the same choices
    paper_double_entry: Mapped[bool] = mapped_column(Boolean, default=False,
                                                     server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    buildings: Mapped[list[Building]] = relationship(
        back_populates="community", order_by="Building.name"
    )

    def __repr__(self) -> str:
        return f"<Community {self.slug}>"


class Building(Model):
    """A building (楼栋) of a community; the unit of partial scopes."""

    __tablename__ = "building"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))

    community: Mapped[Community] = relationship(back_populates="buildings")
    units: Mapped[list[Unit]] = relationship(back_populates="building")


class Owner(Model):
    """One person for headcount: an owner, co-owners of a unit together, or the developer."""

    __tablename__ = "owner"
    __table_args__ = (UniqueConstraint("community_id", "owner_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    #: the register's identifier; the same on every unit this owner holds
    owner_ref: Mapped[str] = mapped_column(String(64))
    #: names as registered; co-owners separated by ";"
    names: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    units: Mapped[list[Unit]] = relationship(back_populates="owner", order_by="Unit.id")

    @property
    def is_developer(self) -> bool:
        """True for the developer's grouped owner."""
        return self.owner_ref == DEVELOPER_REF

    @property
    def name_list(self) -> list[str]:
        """The co-owners' names."""
        return [n.strip() for n in self.names.split(";") if n.strip()]


class Unit(Model):
    """An exclusive unit (专有部分): a flat, a shop or a parking space."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("building_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), index=True)
    number: Mapped[str] = mapped_column(String(64))
    #: exclusive area in m², from the source below
    area_m2: Mapped[Decimal] = mapped_column(Area)
    area_source: Mapped[AreaSource] = mapped_column(str_enum(AreaSource, "area_source"))
    kind: Mapped[UnitKind] = mapped_column(str_enum(UnitKind, "unit_kind"))
    status: Mapped[UnitStatus] = mapped_column(str_enum(UnitStatus, "unit_status"))
    #: the counting owner: the developer for unsold and undelivered units
    owner_id: Mapped[int] = mapped_column(ForeignKey("owner.id"), index=True)
    #: owner_ref as listed in the register row (a buyer of an undelivered unit, say)
    listed_owner_ref: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    building: Mapped[Building] = relationship(back_populates="units")
    owner: Mapped[Owner] = relationship(back_populates="units")

    @property
    def label(self) -> str:
        """Building and unit number, as shown on published lists."""
        return f"{self.building.name}-{self.number}"
