"""Read and validate a register CSV (API.md format) against what the models can store.

Each row is checked against a schema read off the models' columns (`ROW_SCHEMA`): the
length of every string column, the values of every enum column, exact areas in hundredths;
then the rules between fields and rows (a delivered unit needs an owner, a unit appears once,
an owner has one name). Every fault of every row is reported, each with a code, a Chinese
source message and its parameters, translated when shown. No database access.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import Column, Enum, String
from sqlalchemy.sql.schema import Table

from app.errors import N_
from app.law.words import ptext, text
from app.register.electorate import DEVELOPER_REF
from app.register.errors import RegisterFileError
from app.register.models import Building, Owner, Unit
from app.types import CENT, Hundredths

COLUMNS = (
    "building",
    "unit",
    "area_m2",
    "area_source",
    "kind",
    "status",
    "owner_ref",
    "owner_name",
    "phone",
)
#: the largest plausible exclusive area of one unit, in m²
MAX_AREA = Decimal("100000")
#: the longest value a message quotes back
QUOTED = 40

#: the message context of the column names ("房号" is one unit's number here)
LABEL_CONTEXT = "register column"


def pN_(context: str, message: str) -> str:  # noqa: N802 - the gettext marker, with a context
    """Mark a source text with its context for extraction; translated later by `ptext`."""
    del context
    return message


#: each CSV column's name as the UI shows it
COLUMN_LABELS = {
    "building": pN_("register column", "楼栋"),
    "unit": pN_("register column", "房号"),
    "area_m2": pN_("register column", "面积"),
    "area_source": pN_("register column", "面积来源"),
    "kind": pN_("register column", "类型"),
    "status": pN_("register column", "状态"),
    "owner_ref": pN_("register column", "业主编号"),
    "owner_name": pN_("register column", "业主姓名"),
    "phone": pN_("register column", "电话"),
}


@dataclass(frozen=True)
class ColumnRule:
    """What one CSV column may hold, read off the model columns it is stored in."""

    name: str
    required: bool
    #: the shortest length of the string columns it goes into (None: unbounded)
    max_length: int | None
    #: the values of the enum column it goes into (None: any text)
    choices: tuple[str, ...] | None
    #: an exact quantity in hundredths (areas)
    hundredths: bool


def _table(model: object) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def _rule(name: str, columns: tuple[Column[object], ...], *, required: bool) -> ColumnRule:
    """The rule of a CSV column from the model columns that store it."""
    lengths: list[int] = []
    choices: tuple[str, ...] | None = None
    hundredths = False
    for column in columns:
        kind = column.type
        if isinstance(kind, Enum):
            choices = tuple(kind.enums)
        elif isinstance(kind, String) and kind.length:
            lengths.append(kind.length)
        elif isinstance(kind, Hundredths):
            hundredths = True
    return ColumnRule(name, required, min(lengths) if lengths else None, choices, hundredths)


def _schema() -> dict[str, ColumnRule]:
    building, unit, owner = _table(Building).c, _table(Unit).c, _table(Owner).c
    stored_in: dict[str, tuple[Column[object], ...]] = {
        "building": (building.name,),
        "unit": (unit.number,),
        "area_m2": (unit.area_m2,),
        "area_source": (unit.area_source,),
        "kind": (unit.kind,),
        "status": (unit.status,),
        "owner_ref": (owner.owner_ref, unit.listed_owner_ref),
        "owner_name": (owner.names,),
        "phone": (owner.phone,),
    }
    optional = {"owner_ref", "owner_name", "phone"}
    return {name: _rule(name, stored_in[name], required=name not in optional)
            for name in COLUMNS}


#: every CSV column's rule, from the models
ROW_SCHEMA: Mapping[str, ColumnRule] = _schema()


@dataclass(frozen=True)
class RegisterRow:
    """One valid row: an exclusive unit and its owner."""

    row_number: int
    building: str
    unit: str
    area_m2: Decimal
    area_source: str
    kind: str
    status: str
    owner_ref: str
    owner_name: str
    phone: str


@dataclass(frozen=True)
class RowError:
    """One fault of a row: its number as a spreadsheet shows it (the header is row 1), a code,
    a Chinese source message and its parameters (`column` names a CSV column)."""

    row_number: int
    code: str
    template: str
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def column(self) -> str:
        """The CSV column the fault is in ("" for faults of the row as a whole)."""
        return str(self.params.get("column", ""))

    def message_in(self, lang: str) -> str:
        """The reason in a language ("zh" or "en"), the column named as the UI names it."""
        params = dict(self.params)
        if self.column:
            params["column"] = ptext(LABEL_CONTEXT, COLUMN_LABELS[self.column], lang)
        return text(self.template, lang, **params)

    def line_in(self, lang: str) -> str:
        """“第 N 行：原因” in a language."""
        return text(N_("第 %(row)s 行：%(reason)s"), lang, row=self.row_number,
                    reason=self.message_in(lang))

    def __str__(self) -> str:
        return f"row {self.row_number}: {self.message_in('en')}"


def decode(data: bytes) -> str:
    """Decode UTF-8, accepting a BOM."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegisterFileError(
            "encoding",
            N_("文件不是 UTF-8 编码（第 %(byte)s 个字节），请在表格软件中另存为“CSV UTF-8”格式"),
            byte=exc.start + 1) from exc


def _quoted(value: str) -> str:
    """A value as a message quotes it: shortened, and “” when empty."""
    if not value:
        return "“”"
    return value if len(value) <= QUOTED else value[:QUOTED] + "…"


def _area_fault(value: str) -> tuple[str, str] | None:
    """(code, message) when a typed area is not an exact positive number of hundredths."""
    try:
        area = Decimal(value)
    except InvalidOperation:
        return "bad_area", N_("面积 %(value)s 不是数字")
    if not area.is_finite() or area <= 0:
        return "bad_area", N_("面积 %(value)s 必须大于 0")
    if area > MAX_AREA:
        return "bad_area", N_("面积 %(value)s 过大（不超过 %(max)s 平方米）")
    if area != area.quantize(CENT):
        return "bad_area", N_("面积 %(value)s 的小数超过两位")
    return None


def column_faults(row_number: int, values: Mapping[str, str]) -> list[RowError]:
    """Every fault of a row's values against `ROW_SCHEMA`, column by column."""
    faults: list[RowError] = []
    for name, rule in ROW_SCHEMA.items():
        value = values[name]

        def fault(code: str, template: str, name: str = name, **params: object) -> None:
            faults.append(RowError(row_number, code, template, {"column": name, **params}))

        if "\x00" in value:
            fault("bad_character", N_("%(column)s含有空字符（NUL）"))
            continue
        if not value:
            if rule.required:
                fault(f"missing_{name}", N_("%(column)s为空"))
            continue
        if rule.max_length is not None and len(value) > rule.max_length:
            fault("too_long", N_("%(column)s过长：%(length)s 个字符，最多 %(max)s 个"),
                  length=len(value), max=rule.max_length)
        if rule.choices is not None and value not in rule.choices:
            fault(f"bad_{name}", N_("%(column)s %(value)s 无效，应为 %(choices)s"),
                  value=_quoted(value), choices=" | ".join(rule.choices))
        if rule.hundredths:
            problem = _area_fault(value)
            if problem:
                fault(problem[0], problem[1], value=_quoted(value), max=MAX_AREA)
    return faults


def row_faults(row_number: int, values: Mapping[str, str]) -> list[RowError]:
    """Faults between the fields of one row: who owns a delivered unit."""
    if values["status"] != "delivered":
        return []
    if not values["owner_ref"]:
        return [RowError(row_number, "missing_owner",
                         N_("已交付的房屋必须填写业主编号 owner_ref"), {})]
    if values["owner_ref"] == DEVELOPER_REF:
        return [RowError(row_number, "bad_owner_ref",
                         N_("业主编号 developer 只能用于未售或未交付的房屋"), {})]
    return []


@dataclass
class _Seen:
    """What earlier rows held, for the faults between rows."""

    units: dict[tuple[str, str], int] = field(default_factory=dict)
    owner_names: dict[str, tuple[str, int]] = field(default_factory=dict)

    def faults(self, row_number: int, values: Mapping[str, str],
               bad: set[str]) -> list[RowError]:
        """A unit listed twice; an owner named differently than in an earlier row."""
        faults: list[RowError] = []
        if not bad & {"building", "unit"}:
            key = (values["building"], values["unit"])
            if key in self.units:
                faults.append(RowError(row_number, "duplicate_unit",
                                       N_("房屋 %(value)s 与第 %(other)s 行重复"),
                                       {"value": _quoted("-".join(key)),
                                        "other": self.units[key]}))
            else:
                self.units[key] = row_number
        ref, name = values["owner_ref"], values["owner_name"]
        if ref and name and values["status"] == "delivered" \
                and not bad & {"owner_ref", "owner_name", "status"}:
            earlier = self.owner_names.setdefault(ref, (name, row_number))
            if earlier[0] != name:
                faults.append(RowError(row_number, "owner_conflict",
                                       N_("业主编号 %(value)s 在第 %(other)s 行的姓名与本行不同"),
                                       {"value": _quoted(ref), "other": earlier[1]}))
        return faults


def _header(reader: Iterator[list[str]]) -> dict[str, int]:
    """The position of each column in the header row; refuses a missing column."""
    try:
        header = [(h or "").strip().lower() for h in next(reader)]
    except StopIteration as exc:
        raise RegisterFileError("empty", N_("文件是空的")) from exc
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise RegisterFileError("header", N_("表头缺少这些列：%(columns)s"),
                                columns=", ".join(missing))
    return {name: header.index(name) for name in COLUMNS}


def parse_register(data: str | Sequence[Sequence[str]]
                   ) -> tuple[list[RegisterRow], list[RowError]]:
    """Read every row (CSV text, or rows of cells read from a workbook); return the good rows
    and every fault of the bad ones."""
    if isinstance(data, str):
        if data.startswith("\ufeff"):
            data = data[1:]
        reader: Iterator[list[str]] = csv.reader(io.StringIO(data, newline=""))
    else:
        reader = iter([list(row) for row in data])
    index = _header(reader)
    width = max(index.values()) + 1
    rows: list[RegisterRow] = []
    errors: list[RowError] = []
    seen = _Seen()
    for line_no, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        raw = raw + [""] * (width - len(raw))
        values = {name: (raw[i] or "").strip() for name, i in index.items()}
        faults = column_faults(line_no, values)
        bad = {f.column for f in faults}
        if not bad & {"status", "owner_ref"}:
            faults += row_faults(line_no, values)
        faults += seen.faults(line_no, values, bad)
        if faults:
            errors += faults
            continue
        rows.append(RegisterRow(
            row_number=line_no, building=values["building"], unit=values["unit"],
            area_m2=Decimal(values["area_m2"]), area_source=values["area_source"],
            kind=values["kind"], status=values["status"], owner_ref=values["owner_ref"],
            owner_name=values["owner_name"], phone=values["phone"]))
    return rows, errors


__all__ = ["COLUMNS", "COLUMN_LABELS", "MAX_AREA", "ROW_SCHEMA", "ColumnRule",
           "RegisterFileError", "RegisterRow", "RowError", "column_faults", "decode",
           "parse_register", "row_faults"]
