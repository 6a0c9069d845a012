"""Deterministic owner-register generator: a plan and a seed in, CSV rows out. Pure."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from decimal import Decimal

from app.register.csvfile import COLUMNS
from app.register.electorate import DEVELOPER_REF, DEVELOPER_STATUSES
from app.types import CENT
from demo.data.names import company_name, couple_names, masked_phone, person_name


@dataclass(frozen=True)
class BuildingPlan:
    """A residential building: stairwells (单元) x floors x flats per stair and floor."""

    name: str
    stairs: int
    floors: int
    per_floor: int
    #: (low, high) m² of each flat position on a floor, left to right
    plans: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RegisterPlan:
    """Everything the generator needs for one community's register."""

    seed: int
    ref_prefix: str
    #: city prefix of shop-owning companies
    city: str
    buildings: tuple[BuildingPlan, ...]
    shop_building: str = ""
    shops: int = 0
    parking_building: str = ""
    parking: int = 0
    #: share of delivered flats bought by an owner who already holds a flat
    second_home: float = 0.04
    #: share of new owners who are co-owners (a couple) of their units
    co_owned: float = 0.18
    unsold_flats: int = 0
    undelivered_flats: int = 0
    unsold_shops: int = 0
    #: share of parking spaces the developer has not sold
    unsold_parking: float = 0.3
    #: names given to the first owners created (demo accounts link to them), in order
    named_owners: tuple[str, ...] = ()


@dataclass(frozen=True)
class Line:
    """One register row."""

    building: str
    unit: str
    area_m2: Decimal
    area_source: str
    kind: str
    status: str
    owner_ref: str
    owner_name: str
    phone: str

    def cells(self) -> list[str]:
        """The row as CSV cells."""
        return [self.building, self.unit, f"{self.area_m2:.2f}", self.area_source, self.kind,
                self.status, self.owner_ref, self.owner_name, self.phone]


@dataclass(frozen=True)
class Summary:
    """Units, headcount and area as the counting rules see them (the test oracle)."""

    units: int
    headcount: int
    area_m2: Decimal


class _Owners:
    """Owners created so far: refs, names, phones."""

    def __init__(self, rng: random.Random, plan: RegisterPlan) -> None:
        self.rng = rng
        self.plan = plan
        self.people: list[tuple[str, str, str]] = []

    def new(self, *, company: str = "") -> tuple[str, str, str]:
        """A fresh owner (ref, names, phone)."""
        index = len(self.people)
        if index < len(self.plan.named_owners):
            names = self.plan.named_owners[index]
        elif company:
            names = company
        elif self.rng.random() < self.plan.co_owned:
            names = couple_names(self.rng)
        else:
            names = person_name(self.rng)
        phone = "" if self.rng.random() < 0.06 else masked_phone(self.rng)
        owner = (f"{self.plan.ref_prefix}{index + 1:04d}", names, phone)
        self.people.append(owner)
        return owner

    def existing(self) -> tuple[str, str, str]:
        """An owner already in the register, chosen at random."""
        return self.rng.choice(self.people)


def _source(rng: random.Random) -> str:
    """Where a unit's area comes from: mostly the real-estate registry."""
    roll = rng.random()
    return "registry" if roll < 0.84 else "survey" if roll < 0.95 else "contract"


def _area(rng: random.Random, low: str, high: str) -> Decimal:
    """A random area in [low, high] with two decimals."""
    cents = rng.randint(int(Decimal(low) * 100), int(Decimal(high) * 100))
    return (Decimal(cents) / 100).quantize(CENT)


def _flat_slots(rng: random.Random, plan: RegisterPlan) -> list[tuple[str, str, Decimal]]:
    """Every flat as (building, number, area); the same position has the same plan."""
    slots = []
    for b in plan.buildings:
        bases = {(s, p): _area(rng, *b.plans[p % len(b.plans)])
                 for s in range(1, b.stairs + 1) for p in range(b.per_floor)}
        for s in range(1, b.stairs + 1):
            for floor in range(1, b.floors + 1):
                for p in range(b.per_floor):
                    number = f"{floor}{p + 1:02d}"
                    if b.stairs > 1:
                        number = f"{s}-{number}"
                    area = bases[(s, p)]
                    if rng.random() < 0.08:
                        area += Decimal(rng.randint(-35, 35)) / 100
                    slots.append((b.name, number, area))
    return slots


def generate(plan: RegisterPlan) -> list[Line]:
    """The register rows of a plan; the same plan always gives the same rows."""
    rng = random.Random(plan.seed)
    owners = _Owners(rng, plan)
    lines: list[Line] = []
    flats = _flat_slots(rng, plan)
    first_free = len(plan.named_owners)
    developer = set(rng.sample(range(first_free, len(flats)),
                               plan.unsold_flats + plan.undelivered_flats))
    undelivered = set(sorted(developer)[: plan.undelivered_flats])
    for i, (building, number, area) in enumerate(flats):
        if i in developer:
            status = "undelivered" if i in undelivered else "unsold"
            ref, names, phone = owners.new() if status == "undelivered" else ("", "", "")
        else:
            status = "delivered"
            second = owners.people and i >= first_free and rng.random() < plan.second_home
            ref, names, phone = owners.existing() if second else owners.new()
        lines.append(Line(building, number, area, _source(rng), "residence", status,
                          ref, names, phone))
    for n in range(1, plan.shops + 1):
        status = "unsold" if n > plan.shops - plan.unsold_shops else "delivered"
        ref, names, phone = "", "", ""
        if status == "delivered":
            roll = rng.random()
            if roll < 0.25:
                ref, names, phone = owners.existing()
            else:
                company = company_name(rng, plan.city) if roll < 0.45 else ""
                ref, names, phone = owners.new(company=company)
        lines.append(Line(plan.shop_building, f"S{n:02d}", _area(rng, "38.00", "186.00"),
                          _source(rng), "commercial", status, ref, names, phone))
    for n in range(1, plan.parking + 1):
        if rng.random() < plan.unsold_parking:
            status, (ref, names, phone) = "unsold", ("", "", "")
        else:
            status = "delivered"
            ref, names, phone = owners.existing() if rng.random() < 0.85 else owners.new()
        source = "registry" if rng.random() < 0.9 else "contract"
        lines.append(Line(plan.parking_building, f"P{n:03d}", _area(rng, "12.00", "15.00"),
                          source, "parking", status, ref, names, phone))
    _ensure_holders(plan, lines)
    return lines


def _ensure_holders(plan: RegisterPlan, lines: list[Line]) -> None:
    """The named owners must hold delivered units (demo accounts link to them)."""
    held = {ln.owner_ref for ln in lines if ln.status == "delivered"}
    for i in range(len(plan.named_owners)):
        if f"{plan.ref_prefix}{i + 1:04d}" not in held:
            raise ValueError(f"named owner {i + 1} holds no unit; change the plan's seed")


def to_csv(lines: list[Line]) -> str:
    """The rows as register CSV text (API.md format)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for line in lines:
        writer.writerow(line.cells())
    return out.getvalue()


def developer_unit(line: Line) -> bool:
    """Whether a unit counts for the developer."""
    return line.status in DEVELOPER_STATUSES


def summarize(lines: list[Line], *, parking_counted: bool = True,
              buildings: tuple[str, ...] | None = None) -> Summary:
    """Units, headcount and area in scope: owners count once, the developer once."""
    scoped = [ln for ln in lines
              if (buildings is None or ln.building in buildings)
              and (parking_counted or ln.kind != "parking")]
    people = {DEVELOPER_REF if developer_unit(ln) else ln.owner_ref for ln in scoped}
    area = sum((ln.area_m2 for ln in scoped), Decimal(0))
    return Summary(units=len(scoped), headcount=len(people), area_m2=area)


def holdings(lines: list[Line]) -> dict[str, list[Line]]:
    """Delivered units by owner_ref."""
    result: dict[str, list[Line]] = {}
    for line in lines:
        if line.status == "delivered":
            result.setdefault(line.owner_ref, []).append(line)
    return result
