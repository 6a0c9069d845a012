"""Parse and validate a register CSV (API.md format). Pure: no database access."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from app.register.electorate import DEVELOPER_REF

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
AREA_SOURCES = ("registry", "survey", "contract")
KINDS = ("residence", "commercial", "parking")
STATUSES = ("delivered", "unsold", "undelivered")
MAX_AREA = Decimal("100000")


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
    """A bad row: its number as a spreadsheet shows it (the header is row 1) and why."""

    row_number: int
    code: str
    message: str
    #: values for a translated message: "value", "other_row", "choices"
    params: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"row {self.row_number}: {self.message}"


class RegisterFileError(ValueError):
    """The file as a whole cannot be read (encoding, header)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def decode(data: bytes) -> str:
    """Decode UTF-8, accepting a BOM."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegisterFileError(
            "encoding", f"the file is not UTF-8 (byte {exc.start + 1}); save it as CSV UTF-8"
        ) from exc


def parse_register(text: str) -> tuple[list[RegisterRow], list[RowError]]:
    """Read every row; return the good rows and an error for each bad one."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration as exc:
        raise RegisterFileError("empty", "the file is empty") from exc
    header = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise RegisterFileError("header", "missing columns: " + ", ".join(missing))
    index = {name: header.index(name) for name in COLUMNS}
    rows: list[RegisterRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    owner_names: dict[str, tuple[str, int]] = {}
    for line_no, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) < len(header):
            raw = raw + [""] * (len(header) - len(raw))
        values = {name: raw[i].strip() for name, i in index.items()}
        problem = _check(values)
        if problem:
            errors.append(RowError(line_no, *problem))
            continue
        key = (values["building"], values["unit"])
        if key in seen:
            errors.append(
                RowError(
                    line_no,
                    "duplicate_unit",
                    f"unit {key[0]}-{key[1]} already appears in row {seen[key]}",
                    {"value": f"{key[0]}-{key[1]}", "other_row": str(seen[key])},
                )
            )
            continue
        seen[key] = line_no
        ref = values["owner_ref"]
        if ref and values["status"] == "delivered" and values["owner_name"]:
            earlier = owner_names.get(ref)
            if earlier and earlier[0] != values["owner_name"]:
                errors.append(
                    RowError(
                        line_no,
                        "owner_conflict",
                        f"owner_ref {ref} is named {earlier[0]!r} in row {earlier[1]} "
                        f"but {values['owner_name']!r} here",
                        {"value": ref, "other_row": str(earlier[1])},
                    )
                )
                continue
            owner_names.setdefault(ref, (values["owner_name"], line_no))
        rows.append(
            RegisterRow(
                row_number=line_no,
                building=values["building"],
                unit=values["unit"],
                area_m2=Decimal(values["area_m2"]),
                area_source=values["area_source"],
                kind=values["kind"],
                status=values["status"],
                owner_ref=ref,
                owner_name=values["owner_name"],
                phone=values["phone"],
            )
        )
    return rows, errors


def _check(v: dict[str, str]) -> tuple[str, str, dict[str, str]] | None:
    """Return (code, message, params) for the first problem of a row, or None."""
    if not v["building"]:
        return "missing_building", "building is empty", {}
    if not v["unit"]:
        return "missing_unit", "unit is empty", {}
    if len(v["building"]) > 64 or len(v["unit"]) > 64:
        return "too_long", "building and unit must be at most 64 characters", {}
    try:
        area = Decimal(v["area_m2"])
    except InvalidOperation:
        return "bad_area", f"area_m2 {v['area_m2']!r} is not a number", {"value": v["area_m2"]}
    if not area.is_finite() or area <= 0:
        return (
            "bad_area",
            f"area_m2 {v['area_m2']!r} must be greater than 0",
            {"value": v["area_m2"]},
        )
    if area > MAX_AREA:
        return "bad_area", f"area_m2 {v['area_m2']} is implausibly large", {"value": v["area_m2"]}
    if area != area.quantize(Decimal("0.01")):
        return (
            "bad_area",
            f"area_m2 {v['area_m2']} has more than two decimal places",
            {"value": v["area_m2"]},
        )
    if v["area_source"] not in AREA_SOURCES:
        return (
            "bad_area_source",
            (f"area_source {v['area_source']!r} must be one of " + "|".join(AREA_SOURCES)),
            {"value": v["area_source"]},
        )
    if v["kind"] not in KINDS:
        return (
            "bad_kind",
            f"kind {v['kind']!r} must be one of " + "|".join(KINDS),
            {"value": v["kind"]},
        )
    if v["status"] not in STATUSES:
        return (
            "bad_status",
            f"status {v['status']!r} must be one of " + "|".join(STATUSES),
            {"value": v["status"]},
        )
    if v["status"] == "delivered" and not v["owner_ref"]:
        return "missing_owner", "a delivered unit needs an owner_ref", {}
    if v["status"] == "delivered" and v["owner_ref"] == DEVELOPER_REF:
        return "bad_owner_ref", "owner_ref 'developer' is reserved for unsold/undelivered units", {}
    if len(v["owner_ref"]) > 64:
        return "too_long", "owner_ref must be at most 64 characters", {}
    return None
