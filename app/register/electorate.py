"""The electorate of a matter, computed from register rows by DESIGN.md's counting rules.

Pure and typed: no Flask, no SQLAlchemy. The voting feature freezes its result in a snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

#: The owner_ref under which all of the developer's unsold and undelivered units count.
DEVELOPER_REF = "developer"
DEVELOPER_STATUSES = frozenset({"unsold", "undelivered"})


@dataclass(frozen=True)
class UnitRow:
    """One exclusive unit as the register holds it."""

    unit_id: int
    building: str
    number: str
    area_m2: Decimal
    kind: str  #: residence | commercial | parking
    status: str  #: delivered | unsold | undelivered
    owner_ref: str


@dataclass(frozen=True)
class Elector:
    """One person for headcount, with all their units in scope and the summed area."""

    owner_ref: str
    area_m2: Decimal
    unit_ids: tuple[int, ...]


@dataclass(frozen=True)
class Electorate:
    """Everyone entitled to vote on a matter, and the totals the thresholds use."""

    electors: tuple[Elector, ...]
    headcount: int
    area_m2: Decimal
    units: int

    def by_ref(self) -> dict[str, Elector]:
        """Electors keyed by owner_ref."""
        return {e.owner_ref: e for e in self.electors}


def counting_ref(row: UnitRow) -> str:
    """The owner a unit counts for: the developer for unsold and undelivered units."""
    return DEVELOPER_REF if row.status in DEVELOPER_STATUSES else row.owner_ref


def compute_electorate(
    rows: Iterable[UnitRow],
    *,
    parking_counted: bool = True,
    buildings: Iterable[str] | None = None,
) -> Electorate:
    """Group units in scope into electors: one person per owner, the developer as one.

    `buildings=None` means the whole community. When parking area is not counted, parking
    spaces are left out altogether: they add neither area nor a person.
    """
    scope = None if buildings is None else frozenset(buildings)
    areas: dict[str, Decimal] = {}
    units: dict[str, list[int]] = {}
    count = 0
    for row in rows:
        if scope is not None and row.building not in scope:
            continue
        if row.kind == "parking" and not parking_counted:
            continue
        if row.area_m2 <= 0:
            raise ValueError(f"unit {row.unit_id} has a non-positive area")
        ref = counting_ref(row)
        areas[ref] = areas.get(ref, Decimal(0)) + row.area_m2
        units.setdefault(ref, []).append(row.unit_id)
        count += 1
    electors = tuple(
        Elector(owner_ref=ref, area_m2=areas[ref], unit_ids=tuple(sorted(units[ref])))
        for ref in sorted(areas)
    )
    total = sum((e.area_m2 for e in electors), Decimal(0))
    return Electorate(electors=electors, headcount=len(electors), area_m2=total, units=count)
