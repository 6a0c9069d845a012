"""Votes, their frozen electorate, ballots (electronic and paper), conflicts and proxy mandates.

Exactly one counted ballot per owner and vote: `Ballot` carries UNIQUE(vote_id, elector_id) and
is written insert-first, so two concurrent casts for one owner can never both land. A paper
ballot that meets an electronic one (or the reverse) is held in `BallotConflict` for the
committee, never merged.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db import utcnow
from app.extensions import Model
from app.types import Area, UTCDateTime, str_enum
from proposals.models import Proposal


class VoteState(enum.StrEnum):
    """Whether ballots are accepted."""

    OPEN = "open"
    CLOSED = "closed"


class Channel(enum.StrEnum):
    """How a ballot reached the committee."""

    ELECTRONIC = "electronic"
    PAPER = "paper"


class ConflictKept(enum.StrEnum):
    """Which ballot the committee kept when resolving a paper/electronic conflict."""

    COUNTED = "counted"
    HELD = "held"



class Vote(Model):
    """An owner vote on one proposal, with the electorate frozen when it opened."""

    __tablename__ = "vote"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), unique=True)
    #: a name of the counting registry (`voting.counting.METHODS`)
    method: Mapped[str] = mapped_column(String(32))
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the proposal's option ids when the vote opened
    option_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    state: Mapped[VoteState] = mapped_column(str_enum(VoteState, "vote_state"),
                                             default=VoteState.OPEN, index=True)
    #: majority | three_quarters | advisory, from the proposal's matters at open
    threshold: Mapped[str] = mapped_column(String(20))
    matters: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: building names in scope; None = the whole community
    scope_buildings: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    parking_counted: Mapped[bool] = mapped_column(Boolean, default=True)
    headcount: Mapped[int] = mapped_column(Integer, default=0)
    area_m2: Mapped[Decimal] = mapped_column(Area, default=Decimal(0))
    units: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: None when closed automatically at closes_at
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    proposal: Mapped[Proposal] = relationship()
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    @property
    def closing(self) -> bool:
        """Past its closing time but not closed yet: the periodic job (`flask jobs drain`)
        closes and counts it; meanwhile it accepts no ballot and reads show it as closing."""
        return self.state == VoteState.OPEN and self.closes_at <= utcnow()


class VoteElector(Model):
    """One person of a vote's electorate as frozen at open: owner, summed area, unit labels."""

    __tablename__ = "vote_elector"
    __table_args__ = (
        UniqueConstraint("vote_id", "owner_ref"),
        Index("ix_vote_elector_vote_owner", "vote_id", "owner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("owner.id"))
    owner_ref: Mapped[str] = mapped_column(String(64))
    area_m2: Mapped[Decimal] = mapped_column(Area)
    unit_count: Mapped[int] = mapped_column(Integer)
    #: "1栋-101, 1栋-102": what published ballot lists show instead of names
    unit_labels: Mapped[str] = mapped_column(Text)


class ProxyMandate(Model):
    """A written authorisation: an owner lets a person vote for them in one vote or a period."""

    __tablename__ = "proxy_mandate"
    __table_args__ = (
        # one active (unrevoked) mandate per owner and vote; periods are serialised by a lock
        # on the mandator's owner row (`voting.services.proxies`), which an index cannot do
        Index("uq_proxy_mandate_active_vote", "vote_id", "mandator_id", unique=True,
              postgresql_where=text("revoked_at IS NULL AND vote_id IS NOT NULL"),
              sqlite_where=text("revoked_at IS NULL AND vote_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    #: one vote, or None for a period (valid_from..valid_until)
    vote_id: Mapped[int | None] = mapped_column(ForeignKey("vote.id"), index=True)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mandator_id: Mapped[int] = mapped_column(ForeignKey("owner.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: the signed mandate, relative to instance/uploads
    document_path: Mapped[str] = mapped_column(String(255))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: when a ballot was first cast under this mandate
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    holder: Mapped[User] = relationship(foreign_keys=[holder_id])


class BallotContent:
    """What a ballot says and how it came in: the same columns on a counted ballot, on each of
    its superseded versions and on a held (conflicting) one."""

    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "ballot_channel"))
    #: the validated choices in API.md's shape; None when blank
    choices: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    #: a blank or illegible paper ballot: participates, abstains on everything
    blank: Mapped[bool] = mapped_column(Boolean, default=False)
    receipt: Mapped[str] = mapped_column(String(32), unique=True)
    cast_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    mandate_id: Mapped[int | None] = mapped_column(ForeignKey("proxy_mandate.id"))
    #: paper ballots: the number printed on the form, and who typed it in
    ballot_no: Mapped[str | None] = mapped_column(String(32))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Ballot(BallotContent, Model):
    """The counted ballot of one elector in one vote (exactly one: UNIQUE(vote, elector))."""

    __tablename__ = "ballot"
    __table_args__ = (
        UniqueConstraint("vote_id", "elector_id"),
        UniqueConstraint("vote_id", "ballot_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"))
    elector_id: Mapped[int] = mapped_column(ForeignKey("vote_elector.id"), index=True)
    #: indexed: the owners' ballot notices are swept by the time a ballot was recorded
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: 1 for the first version; each change keeps the previous one in BallotRevision
    version: Mapped[int] = mapped_column(Integer, default=1)

    elector: Mapped[VoteElector] = relationship()
    cast_by: Mapped[User | None] = relationship(foreign_keys="Ballot.cast_by_id")
    entered_by: Mapped[User | None] = relationship(foreign_keys="Ballot.entered_by_id")
    mandate: Mapped[ProxyMandate | None] = relationship()


class BallotChoice(Model):
    """How a counted ballot counts for one option; the tally is a GROUP BY over these rows.

    `side` is agree | oppose | abstain (a single-choice ballot for another option has no row
    for this option). `rank` (ranked votes only) is the option's group index on the ballot,
    with options left out sharing the lowest rank, so pairwise counts are a self-join.
    """

    __tablename__ = "ballot_choice"
    __table_args__ = (Index("ix_ballot_choice_vote_option", "vote_id", "option_id", "side"),)

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id"), primary_key=True)
    option_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"))
    elector_id: Mapped[int] = mapped_column(ForeignKey("vote_elector.id"))
    side: Mapped[str] = mapped_column(String(8))
    rank: Mapped[int | None] = mapped_column(Integer)


class BallotRevision(BallotContent, Model):
    """A superseded or voided version of a counted ballot, kept for the record."""

    __tablename__ = "ballot_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    #: when this version was recorded (indexed like Ballot.cast_at)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    superseded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: "changed" by its owner, or "void" by the committee resolving a conflict
    reason: Mapped[str] = mapped_column(String(20), default="changed")


class BallotConflict(BallotContent, Model):
    """A second ballot of another channel for an owner who already has one: held, not counted.

    The committee keeps one; the other is void, with who, when and why recorded here.
    """

    __tablename__ = "ballot_conflict"
    __table_args__ = (
        UniqueConstraint("vote_id", "elector_id"),
        UniqueConstraint("vote_id", "ballot_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"))
    elector_id: Mapped[int] = mapped_column(ForeignKey("vote_elector.id"))
    #: the counted ballot the held one collides with
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id"), index=True)
    #: indexed: the owners' ballot notices are swept by the time a ballot was recorded
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    kept: Mapped[ConflictKept | None] = mapped_column(str_enum(ConflictKept, "conflict_kept"))
    #: why the committee kept the one it kept
    reason: Mapped[str] = mapped_column(Text, default="")

    ballot: Mapped[Ballot] = relationship()
    elector: Mapped[VoteElector] = relationship()


class VoteExtension(Model):
    """A vote's closing time moved later by the committee: the published extension notice
    (延期公告), with the reason, the previous and the new close."""

    __tablename__ = "vote_extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), index=True)
    previous_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User | None] = relationship()


class PaperNumber(Model):
    """A paper ballot number assigned in advance to one elector (表决票编号), printed on their
    pre-filled ballot; who received it, from whom and when (the distribution log)."""

    __tablename__ = "paper_number"
    __table_args__ = (
        UniqueConstraint("vote_id", "ballot_no"),
        UniqueConstraint("vote_id", "elector_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"))
    elector_id: Mapped[int] = mapped_column(ForeignKey("vote_elector.id"))
    ballot_no: Mapped[str] = mapped_column(String(32))
    #: the building whose batch prints it (the elector's first unit in scope)
    building: Mapped[str] = mapped_column(String(64), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the distribution log: who received the ballot, who handed it out, when, who recorded it
    received_by: Mapped[str] = mapped_column(String(100), default="")
    handed_out_by: Mapped[str] = mapped_column(String(100), default="")
    handed_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    elector: Mapped[VoteElector] = relationship()


class BatchState(enum.StrEnum):
    """Where a requested PDF batch of pre-filled ballots is."""

    PREPARING = "preparing"
    READY = "ready"
    FAILED = "failed"


class PaperBatch(Model):
    """A PDF of one building's pre-filled ballots, rendered by the task queue's worker."""

    __tablename__ = "paper_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), index=True)
    building: Mapped[str] = mapped_column(String(64))
    state: Mapped[BatchState] = mapped_column(str_enum(BatchState, "paper_batch_state"),
                                              default=BatchState.PREPARING)
    #: the absolute URL the QR codes point at is built from the requesting page's root
    base_url: Mapped[str] = mapped_column(String(255))
    #: the PDF, relative to the upload folder, once ready
    path: Mapped[str | None] = mapped_column(String(255))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str] = mapped_column(Text, default="")


class EntryState(enum.StrEnum):
    """A paper entry under double entry: waiting for the second, matched, or a mismatch."""

    WAITING = "waiting"
    MATCHED = "matched"
    MISMATCH = "mismatch"
    RESOLVED = "resolved"


class PaperEntry(Model):
    """One committee member's entry of a paper ballot where the community asks for double
    entry: the ballot counts once a second, different member entered the same choices."""

    __tablename__ = "paper_entry"
    __table_args__ = (Index("ix_paper_entry_vote_ballot_no", "vote_id", "ballot_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"))
    elector_id: Mapped[int] = mapped_column(ForeignKey("vote_elector.id"))
    ballot_no: Mapped[str] = mapped_column(String(32))
    #: the choices as entered (API.md's shape); None when blank
    choices: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    blank: Mapped[bool] = mapped_column(Boolean, default=False)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    state: Mapped[EntryState] = mapped_column(str_enum(EntryState, "paper_entry_state"),
                                              default=EntryState.WAITING)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the entry it was compared with (the first of the pair)
    first_id: Mapped[int | None] = mapped_column(ForeignKey("paper_entry.id"))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    elector: Mapped[VoteElector] = relationship()
    entered_by: Mapped[User | None] = relationship(foreign_keys="PaperEntry.entered_by_id")
