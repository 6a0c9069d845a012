"""Register services: create communities, import the owner register, read totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from app.audit.services import record_event
from app.errors import N_
from app.extensions import db
from app.pagination import paginate
from app.register.csvfile import RegisterRow, RowError, parse_register
from app.register.electorate import (
    DEVELOPER_REF,
    DEVELOPER_STATUSES,
    Electorate,
    UnitRow,
    compute_electorate,
)
from app.register.errors import RegisterError, RegisterFileError, RegisterRowsError
from app.register.models import (
    AreaSource,
    Building,
    Community,
    Owner,
    ParkingArea,
    Unit,
    UnitKind,
    UnitStatus,
    VoteChangePolicy,
)
from app.register.sheets import register_rows

if TYPE_CHECKING:
    from app.accounts.models import User

SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")
__all__ = [
    "ImportReport",
    "RegisterError",
    "RegisterFileError",
    "RegisterRowsError",
    "RegisterTotals",
    "building_names",
    "community_electorate",
    "count_units",
    "create_community",
    "get_owner",
    "import_register",
    "list_units",
    "preview_register",
    "read_register",
    "register_totals",
    "unit_rows",
]


def create_community(slug: str, name: str, *, proxy_limit: int = 3,
                     vote_change: str = "allowed", parking_area: str = "counted",
                     notice_days: int = 15, actor: User | None = None) -> Community:
    """Create a community with its settings."""
    slug = slug.strip().lower()
    if not slug or len(slug) > 64 or not set(slug) <= SLUG_CHARS or slug.startswith("-"):
        raise RegisterError("invalid_slug", N_("小区标识须为 1-64 个小写字母、数字或连字符"),
                            status=422, field="slug")
    if not name.strip():
        raise RegisterError("invalid_name", N_("请填写小区名称"), status=422, field="name")
    if proxy_limit < 0 or notice_days < 0:
        raise RegisterError("invalid_setting", N_("代理上限和通知天数不能为负数"), status=422)
    exists = db.session.execute(select(Community.id).where(Community.slug == slug)).first()
    if exists:
        raise RegisterError("slug_taken", N_("小区 %(slug)s 已存在"), field="slug", slug=slug)
    community = Community(
        slug=slug, name=name.strip(), proxy_limit=proxy_limit,
        vote_change=VoteChangePolicy(vote_change), parking_area=ParkingArea(parking_area),
        notice_days=notice_days,
    )
    db.session.add(community)
    db.session.flush()
    record_event("community.create", actor=actor, community_id=community.id,
                 target=f"community:{community.id}", details={"slug": slug, "name": name})
    return community


@dataclass
class ImportReport:
    """What an import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    owners_created: int = 0
    not_in_file: int = 0


def read_register(data: bytes | str) -> list[RegisterRow]:
    """The good rows of a register file (.xlsx, or CSV in UTF-8 or GBK/GB18030); refused with
    `RegisterFileError` or `RegisterRowsError` (every fault of every bad row)."""
    rows, errors = parse_register(register_rows(data))
    if errors:
        raise RegisterRowsError(errors)
    if not rows:
        raise RegisterRowsError([RowError(1, "no_rows", N_("文件只有表头，没有房屋"))])
    return rows


@dataclass(frozen=True)
class RowChange:
    """One row of a preview: the unit, and for an update the columns that would change."""

    row: RegisterRow
    changes: tuple[str, ...] = ()


@dataclass
class ImportPreview:
    """What an import of a file would do, computed without writing anything."""

    added: list[RowChange] = field(default_factory=list)
    updated: list[RowChange] = field(default_factory=list)
    unchanged: list[RowChange] = field(default_factory=list)
    #: owners the import would create (by owner_ref)
    new_owners: list[str] = field(default_factory=list)
    not_in_file: int = 0


def preview_register(community: Community, data: bytes | str) -> ImportPreview:
    """What `import_register` would add, update and leave unchanged; reads only. Classifies
    a unit as `import_register` does: updated when a unit column or its counting owner
    changes, or the owner's name or phone."""
    rows = read_register(data)
    buildings = {b.id: b.name for b in db.session.execute(
        select(Building).where(Building.community_id == community.id)).scalars()}
    owners = {o.owner_ref: o for o in db.session.execute(
        select(Owner).where(Owner.community_id == community.id)).scalars()}
    owner_refs = {o.id: ref for ref, o in owners.items()}
    units = {(buildings[u.building_id], u.number): u for u in db.session.execute(
        select(Unit).where(Unit.community_id == community.id)).scalars()}
    preview = ImportPreview()
    seen: set[tuple[str, str]] = set()
    for row in rows:
        ref = DEVELOPER_REF if row.status in DEVELOPER_STATUSES else row.owner_ref
        if ref not in owners and ref not in preview.new_owners:
            preview.new_owners.append(ref)
        key = (row.building, row.unit)
        seen.add(key)
        unit = units.get(key)
        if unit is None:
            preview.added.append(RowChange(row))
            continue
        changes = [name for name, old, new in (
            ("area_m2", unit.area_m2, row.area_m2),
            ("area_source", unit.area_source.value, row.area_source),
            ("kind", unit.kind.value, row.kind),
            ("status", unit.status.value, row.status),
            ("owner_ref", unit.listed_owner_ref, row.owner_ref)) if old != new]
        if "owner_ref" not in changes and owner_refs.get(unit.owner_id) != ref:
            changes.append("owner_ref")
        owner = owners.get(ref)
        if owner is not None and ref != DEVELOPER_REF:
            if row.owner_name and owner.names != row.owner_name:
                changes.append("owner_name")
            if row.phone and owner.phone != row.phone:
                changes.append("phone")
        (preview.updated if changes else preview.unchanged).append(
            RowChange(row, tuple(changes)))
    preview.not_in_file = len([k for k in units if k not in seen])
    return preview


def import_register(community: Community, data: bytes | str, *, actor: User | None = None,
                    filename: str = "") -> ImportReport:
    """Import or update the register from CSV; all-or-nothing: on any bad row, change nothing.

    Refused with `RegisterFileError` (the file cannot be read) or `RegisterRowsError` (every
    fault of every bad row). Units are matched by (building, unit) and updated in place; units
    missing from the file are kept (and counted in `not_in_file`): a unit is never deleted by
    an import.
    """
    rows = read_register(data)
    report = ImportReport()

    buildings = {b.name: b for b in db.session.execute(
        select(Building).where(Building.community_id == community.id)).scalars()}
    owners = {o.owner_ref: o for o in db.session.execute(
        select(Owner).where(Owner.community_id == community.id)).scalars()}
    units = {(u.building_id, u.number): u for u in db.session.execute(
        select(Unit).where(Unit.community_id == community.id)).scalars()}
    touched: set[int] = set()

    for row in rows:
        building = buildings.get(row.building)
        if building is None:
            building = Building(community_id=community.id, name=row.building)
            db.session.add(building)
            db.session.flush()
            buildings[row.building] = building
        owner = _owner_for(community, row, owners, report)
        unit = units.get((building.id, row.unit))
        values = {
            "area_m2": row.area_m2, "area_source": AreaSource(row.area_source),
            "kind": UnitKind(row.kind), "status": UnitStatus(row.status),
            "listed_owner_ref": row.owner_ref,
        }
        if unit is None:
            unit = Unit(community_id=community.id, building_id=building.id, number=row.unit,
                        owner=owner, **values)
            db.session.add(unit)
            report.created += 1
        else:
            # a new owner has no id until the flush at the end: the unit surely changed hands
            changed = owner.id is None or unit.owner_id != owner.id or any(
                getattr(unit, k) != v for k, v in values.items())
            if changed:
                for k, v in values.items():
                    setattr(unit, k, v)
                unit.owner = owner
                report.updated += 1
            else:
                report.unchanged += 1
            touched.add(unit.id)
    report.not_in_file = len([u for u in units.values() if u.id not in touched])
    db.session.flush()
    record_event("register.import", actor=actor, community_id=community.id,
                 target=f"community:{community.id}",
                 details={"file": filename, "rows": len(rows), "created": report.created,
                          "updated": report.updated, "owners_created": report.owners_created,
                          "not_in_file": report.not_in_file})
    return report


def _owner_for(community: Community, row: RegisterRow, owners: dict[str, Owner],
               report: ImportReport) -> Owner:
    """The counting owner of a row, created on first sight; names and phone kept current."""
    ref = DEVELOPER_REF if row.status in DEVELOPER_STATUSES else row.owner_ref
    owner = owners.get(ref)
    if owner is None:
        owner = Owner(community_id=community.id, owner_ref=ref,
                      names="开发建设单位" if ref == DEVELOPER_REF else row.owner_name,
                      phone="" if ref == DEVELOPER_REF else row.phone)
        db.session.add(owner)  # inserted with the units, in one flush at the end
        owners[ref] = owner
        report.owners_created += 1
    elif ref != DEVELOPER_REF:
        if row.owner_name and owner.names != row.owner_name:
            owner.names = row.owner_name
        if row.phone and owner.phone != row.phone:
            owner.phone = row.phone
    return owner


def unit_rows(community: Community) -> list[UnitRow]:
    """All units of a community as pure rows for the electorate computation."""
    result = db.session.execute(
        select(Unit.id, Building.name, Unit.number, Unit.area_m2, Unit.kind, Unit.status,
               Owner.owner_ref)
        .join(Building, Unit.building_id == Building.id)
        .join(Owner, Unit.owner_id == Owner.id)
        .where(Unit.community_id == community.id)
        .order_by(Unit.id)
    )
    return [UnitRow(unit_id=r[0], building=r[1], number=r[2], area_m2=r[3], kind=r[4].value,
                    status=r[5].value, owner_ref=r[6]) for r in result]


def community_electorate(community: Community,
                         buildings: list[str] | None = None) -> Electorate:
    """The electorate of the community (or of some of its buildings) under its settings."""
    return compute_electorate(
        unit_rows(community),
        parking_counted=community.parking_area == ParkingArea.COUNTED,
        buildings=buildings,
    )


def count_units(community: Community) -> int:
    """Number of units in the register."""
    return db.session.execute(
        select(func.count(Unit.id)).where(Unit.community_id == community.id)
    ).scalar_one()


@dataclass(frozen=True)
class RegisterTotals:
    """The community's electorate, and the same totals per building and per kind of unit."""

    overall: Electorate
    by_building: list[tuple[str, Electorate]]
    by_kind: list[tuple[str, Electorate]]
    parking_counted: bool


def register_totals(community: Community) -> RegisterTotals:
    """Units, headcount and area overall, per building and per kind (one query)."""
    rows = unit_rows(community)
    counted = community.parking_area == ParkingArea.COUNTED
    buildings = sorted({r.building for r in rows})
    kinds = [k.value for k in UnitKind if any(r.kind == k.value for r in rows)]
    return RegisterTotals(
        overall=compute_electorate(rows, parking_counted=counted),
        by_building=[(b, compute_electorate(rows, parking_counted=counted, buildings=[b]))
                     for b in buildings],
        by_kind=[(k, compute_electorate([r for r in rows if r.kind == k],
                                        parking_counted=counted)) for k in kinds],
        parking_counted=counted,
    )


def _escape_like(term: str) -> str:
    """Escape LIKE wildcards in a search term."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_units(community: Community, *, building: str = "", query: str = "", page: object = 1,
               per_page: int = 50) -> Pagination:
    """A page of units (each with its building and owner loaded), filtered by building and a
    search of unit number, owner_ref and name.

    Two queries whatever the page size (three past the last page): the count and the page of
    units joined to their buildings and owners.
    """
    conditions = [Unit.community_id == community.id]
    if building:
        conditions.append(Building.name == building)
    term = query.strip()
    if term:
        pattern = f"%{_escape_like(term.lower())}%"
        conditions.append(
            func.lower(Unit.number).like(pattern, escape="\\")
            | func.lower(Owner.owner_ref).like(pattern, escape="\\")
            | func.lower(Unit.listed_owner_ref).like(pattern, escape="\\")
            | func.lower(Owner.names).like(pattern, escape="\\")
        )
    statement = (select(Unit)
                 .join(Building, Unit.building_id == Building.id)
                 .join(Owner, Unit.owner_id == Owner.id)
                 .where(*conditions)
                 .options(contains_eager(Unit.building), contains_eager(Unit.owner))
                 .order_by(Building.name, Unit.number, Unit.id))
    return paginate(statement, page, per_page)


def building_names(community: Community) -> list[str]:
    """Names of the community's buildings, sorted."""
    return list(db.session.execute(
        select(Building.name).where(Building.community_id == community.id)
        .order_by(Building.name)).scalars())


def get_owner(community: Community, owner_ref: str) -> Owner | None:
    """An owner of this community by owner_ref."""
    return db.session.execute(
        select(Owner).where(Owner.community_id == community.id, Owner.owner_ref == owner_ref)
        .options(selectinload(Owner.units).selectinload(Unit.building))
    ).scalar_one_or_none()
