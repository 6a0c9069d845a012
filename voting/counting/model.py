"""Frozen dataclasses going into and coming out of a tally.

``Result.to_dict()`` produces the result JSON of API.md exactly.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.law import Threshold

__all__ = [
    "ADJUSTED",
    "STRICT",
    "Ballot",
    "Electorate",
    "Option",
    "OptionResult",
    "Result",
    "Tally",
    "Voter",
    "choose_outcome",
    "exact_sum",
    "format_area",
]

#: ``Result.label`` of the strict (legal) count, always the primary result.
STRICT = "strict"
#: ``Result.label`` of the 从众 count: non-voters added to the majority of participants.
ADJUSTED = "non_voters_with_majority"

_CENT = Decimal("0.01")


def exact_sum(values: Iterable[Decimal | int]) -> Decimal:
    """Add decimals exactly; raise ``decimal.Inexact`` rather than round."""
    with decimal.localcontext() as ctx:
        ctx.prec = 100
        ctx.traps[decimal.Inexact] = True
        total = Decimal(0)
        for value in values:
            total += value
        return total


def format_area(area: Decimal | int) -> str:
    """Format an area as API.md wants it: a string with two decimals, e.g. ``"89.50"``."""
    quantized = Decimal(area).quantize(_CENT, rounding=ROUND_HALF_UP)
    return f"{quantized:f}"


def _area(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise TypeError(f"{what} must be a Decimal (never a float), got {type(value).__name__}")
    area = Decimal(value)
    if not area.is_finite() or area < 0:
        raise ValueError(f"{what} must be a finite, non-negative number, got {value}")
    return area


def _ref(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"owner_ref must be a non-empty string, got {value!r}")
    return value


@dataclass(frozen=True)
class Voter:
    """One person of the electorate: their units already grouped, their area summed.

    Grouping (one person per owner, all developer-held units as ``"developer"``) happens
    upstream, in the register's electorate snapshot.
    """

    owner_ref: str
    area: Decimal

    def __post_init__(self) -> None:
        _ref(self.owner_ref)
        object.__setattr__(self, "area", _area(self.area, "Voter.area"))


@dataclass(frozen=True)
class Tally:
    """A headcount and an area."""

    headcount: int
    area: Decimal

    def __post_init__(self) -> None:
        if isinstance(self.headcount, bool) or not isinstance(self.headcount, int):
            raise TypeError("Tally.headcount must be an int")
        if self.headcount < 0:
            raise ValueError("Tally.headcount must not be negative")
        object.__setattr__(self, "area", _area(self.area, "Tally.area"))

    @classmethod
    def zero(cls) -> Tally:
        """Return the empty tally."""
        return cls(0, Decimal(0))

    @classmethod
    def of(cls, voters: Iterable[Voter]) -> Tally:
        """Count voters: one head each, their areas summed."""
        voters = tuple(voters)
        return cls(len(voters), exact_sum(v.area for v in voters))

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.headcount + other.headcount, exact_sum((self.area, other.area)))

    def __sub__(self, other: Tally) -> Tally:
        return Tally(self.headcount - other.headcount, exact_sum((self.area, -other.area)))

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"headcount": int, "area_m2": "0.00"}``."""
        return {"headcount": self.headcount, "area_m2": format_area(self.area)}


@dataclass(frozen=True)
class Electorate:
    """The frozen snapshot of the persons in scope; each owner_ref appears once."""

    voters: tuple[Voter, ...]

    def __post_init__(self) -> None:
        voters = tuple(self.voters)
        seen: set[str] = set()
        for voter in voters:
            if not isinstance(voter, Voter):
                raise TypeError(f"Electorate.voters must hold Voter objects, got {voter!r}")
            if voter.owner_ref in seen:
                raise ValueError(f"owner_ref {voter.owner_ref!r} appears twice in the electorate")
            seen.add(voter.owner_ref)
        object.__setattr__(self, "voters", voters)

    @property
    def headcount(self) -> int:
        """Number of persons in scope."""
        return len(self.voters)

    @property
    def area(self) -> Decimal:
        """Exclusive area in scope."""
        return exact_sum(v.area for v in self.voters)

    @property
    def tally(self) -> Tally:
        """Headcount and area in scope as a ``Tally``."""
        return Tally(self.headcount, self.area)


@dataclass(frozen=True)
class Ballot:
    """One owner's ballot; ``blank`` (paper, illegible) abstains on everything, ignoring choices."""

    owner_ref: str
    choices: object = None
    blank: bool = False

    def __post_init__(self) -> None:
        _ref(self.owner_ref)


@dataclass(frozen=True)
class Option:
    """An option of the vote, as the tally needs it."""

    option_id: int
    title: str


@dataclass(frozen=True)
class OptionResult:
    """How one option fared; ``reasons`` explain its verdict."""

    option_id: int
    title: str
    agree: Tally
    oppose: Tally
    abstain: Tally
    passed: bool
    reasons: tuple[str, ...] = ()

    def to_dict(self, *, extended: bool = False) -> dict[str, Any]:
        """Return the option object of API.md (``extended`` adds ``reasons``)."""
        data: dict[str, Any] = {
            "id": self.option_id,
            "title": self.title,
            "agree": self.agree.to_dict(),
            "oppose": self.oppose.to_dict(),
            "abstain": self.abstain.to_dict(),
            "passed": self.passed,
        }
        if extended:
            data["reasons"] = list(self.reasons)
        return data


def choose_outcome(options: Iterable[OptionResult]) -> int | None:
    """Of passed options, the one with largest agree area, then headcount, then lowest id."""
    passed = [o for o in options if o.passed]
    if not passed:
        return None
    best = max(passed, key=lambda o: (o.agree.area, o.agree.headcount, -o.option_id))
    return best.option_id


@dataclass(frozen=True)
class Result:
    """The outcome of a tally; maps 1:1 to API.md's result JSON via ``to_dict``.

    ``ranking`` and ``pairwise`` are set for ranked votes only (``pairwise[a][b]`` is the
    number of ballots ranking a strictly above b). ``adjusted`` holds the 从众 count when it
    was asked for; its ``label`` is ``ADJUSTED``, the primary result's is ``STRICT``, and
    ``non_voters_added`` (adjusted only) tells how many non-voters were deemed to take part.
    """

    threshold: Threshold
    electorate: Tally
    participation: Tally
    quorum_met: bool
    options: tuple[OptionResult, ...]
    outcome_passed: bool
    outcome_option_id: int | None
    reasons: tuple[str, ...] = ()
    ranking: tuple[tuple[int, ...], ...] | None = None
    pairwise: dict[int, dict[int, int]] | None = None
    adjusted: Result | None = None
    method: str = ""
    label: str = STRICT
    non_voters_added: Tally | None = None

    def option(self, option_id: int) -> OptionResult:
        """Return the result of one option (KeyError if unknown)."""
        for result in self.options:
            if result.option_id == option_id:
                return result
        raise KeyError(option_id)

    def to_dict(self, state: str = "closed", *, extended: bool = False) -> dict[str, Any]:
        """Return API.md's result JSON; while not closed only state, electorate, participation.

        ``extended`` adds fields API.md allows but does not name: ``method``, ``label``,
        option ``reasons``, ``pairwise`` (string keys) and ``adjusted``.
        """
        participation = self.participation.to_dict()
        participation["quorum_met"] = self.quorum_met
        data: dict[str, Any] = {
            "state": state,
            "threshold": self.threshold.value,
            "electorate": self.electorate.to_dict(),
            "participation": participation,
        }
        if state != "closed":
            del data["threshold"]
            return data
        data["options"] = [o.to_dict(extended=extended) for o in self.options]
        data["outcome"] = {
            "passed": self.outcome_passed,
            "option_id": self.outcome_option_id,
            "reasons": list(self.reasons),
        }
        if self.ranking is not None:
            data["ranking"] = [list(group) for group in self.ranking]
        if extended:
            data["method"] = self.method
            data["label"] = self.label
            if self.pairwise is not None:
                data["pairwise"] = {
                    str(a): {str(b): n for b, n in row.items()} for a, row in self.pairwise.items()
                }
            if self.adjusted is not None:
                data["adjusted"] = self.adjusted.to_dict(state, extended=True)
        return data
