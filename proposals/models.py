"""Proposals (议题), their options (方案) and the timeline of state transitions."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db import utcnow
from app.extensions import Model
from app.register.models import Community
from app.storage import download_name
from app.types import Area, Money, UTCDateTime, str_enum


class ProposalState(enum.StrEnum):
    """Where a proposal is in its life."""

    DRAFT = "draft"
    DELIBERATION = "deliberation"
    VOTING = "voting"
    CLOSED = "closed"
    ADOPTED = "adopted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class FundingSource(enum.StrEnum):
    """Who pays for an option."""

    MAINTENANCE_FUND = "maintenance_fund"
    OWNERS_BY_AREA = "owners_by_area"
    SUBSIDY = "subsidy"
    MIXED = "mixed"
    NONE = "none"


class SplitUnit(enum.StrEnum):
    """How a mixed option's split is stated: yuan per source, or percent of the cost."""

    AMOUNT = "amount"
    PERCENT = "percent"


class Proposal(Model):
    """A matter the owners deliberate and decide."""

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    #: Markdown source; rendered with markdown-it-py and sanitised with nh3
    body: Mapped[str] = mapped_column(Text, default="")
    #: Civil Code Art. 278 items (1-9) the proposal touches; [] = advisory
    matters: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: building names in scope; None = the whole community
    scope_buildings: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    state: Mapped[ProposalState] = mapped_column(
        str_enum(ProposalState, "proposal_state"), default=ProposalState.DRAFT, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    community: Mapped[Community] = relationship()
    author: Mapped[User | None] = relationship()
    options: Mapped[list[ProposalOption]] = relationship(
        back_populates="proposal", order_by="ProposalOption.position, ProposalOption.id",
        cascade="all, delete-orphan")
    transitions: Mapped[list[ProposalTransition]] = relationship(
        back_populates="proposal", order_by="ProposalTransition.id")

    @property
    def is_advisory(self) -> bool:
        """An advisory poll touches no Art. 278 matter."""
        return not self.matters


class ProposalOption(Model):
    """One option (方案) of a proposal, with what it costs and what it takes away."""

    __tablename__ = "proposal_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: total cost in yuan; None when not costed
    cost_cny: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    funding_source: Mapped[FundingSource] = mapped_column(
        str_enum(FundingSource, "funding_source"), default=FundingSource.NONE)
    #: how a mixed option's cost is split (`proposals.shares.Split`); None = no split given.
    #: The four parts are yuan (amount) or percent of the cost (percent), two places each;
    #: they add up to the cost, or to 100.
    split_unit: Mapped[SplitUnit | None] = mapped_column(
        str_enum(SplitUnit, "split_unit", length=10), nullable=True)
    #: from the maintenance fund (专项维修资金)
    split_fund: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    #: paid by the owners in scope, by area
    split_owners: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    #: a subsidy (government or other)
    split_subsidy: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    #: the community's common income (公共收益, Civil Code Art. 282)
    split_common_income: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    timeline: Mapped[str] = mapped_column(String(200), default="")
    #: green space lost, m²
    green_area_lost_m2: Mapped[Decimal | None] = mapped_column(Area, nullable=True)
    #: parking spaces gained (+) or lost (-)
    parking_delta: Mapped[int | None] = mapped_column(Integer, nullable=True)
    risks: Mapped[str] = mapped_column(Text, default="")
    pros: Mapped[str] = mapped_column(Text, default="")
    cons: Mapped[str] = mapped_column(Text, default="")
    #: the "keep things as they are" option
    is_status_quo: Mapped[bool] = mapped_column(Boolean, default=False)

    proposal: Mapped[Proposal] = relationship(back_populates="options")


class ProposalTransition(Model):
    """A change of state: who moved the proposal, when, from where to where."""

    __tablename__ = "proposal_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    from_state: Mapped[ProposalState | None] = mapped_column(
        str_enum(ProposalState, "proposal_state"), nullable=True)
    to_state: Mapped[ProposalState] = mapped_column(str_enum(ProposalState, "proposal_state"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[Proposal] = relationship(back_populates="transitions")
    actor: Mapped[User | None] = relationship()


class ProposalAttachment(Model):
    """A file attached to a proposal (a quote, a site plan): PDF or image, under instance/."""

    __tablename__ = "proposal_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    #: the name the uploader gave, shown to readers
    filename: Mapped[str] = mapped_column(String(200))
    #: random name under instance/uploads/<community_id>/
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    #: the type recognised from the content (never the uploader's name)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship()

    @property
    def download_name(self) -> str:
        """The name it is served under: the uploader's, with the detected type's extension."""
        return download_name(self.filename, self.content_type)


class Leaning(Model):
    """An owner's non-binding leaning (意向) towards one option; changeable, never a vote."""

    __tablename__ = "proposal_leaning"
    __table_args__ = (UniqueConstraint("proposal_id", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("proposal_option.id"), index=True)
    #: one leaning per register owner (co-owners share it)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owner.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
