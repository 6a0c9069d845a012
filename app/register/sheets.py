"""Register files as committees keep them: Excel/WPS workbooks (.xlsx, the first sheet) and CSV
saved as UTF-8 or GBK/GB18030 (detected); and the template to start from. No database access.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from app.errors import N_
from app.register.csvfile import COLUMNS
from app.register.errors import RegisterFileError

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: the two example rows of the template: an owner's flat, and a developer's unsold space
TEMPLATE_ROWS = (
    ("1栋", "1-101", "89.50", "registry", "residence", "delivered", "o1", "张三;李四",
     "13800000000"),
    ("地下车库", "P-001", "12.50", "contract", "parking", "unsold", "", "", ""),
)
#: the encodings tried, in order, for a CSV that is not UTF-8 (GB18030 reads all of GBK)
FALLBACK_ENCODINGS = ("gb18030",)


def decode_csv(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (a BOM accepted), else GBK/GB18030 as Excel and WPS save it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    for encoding in FALLBACK_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RegisterFileError(
        "encoding",
        N_("文件既不是 UTF-8 也不是 GBK 编码（第 %(byte)s 个字节），请另存为 Excel 工作簿（.xlsx）"
           "或“CSV UTF-8”格式"),
        byte=first_bad + 1)


def _cell(value: object) -> str:
    """A cell as the text a CSV would hold: numbers exact (89.5 -> "89.5", 101 -> "101")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
        if number == number.to_integral_value():
            return str(number.quantize(Decimal(1)))
        return format(number, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def xlsx_rows(data: bytes) -> list[list[str]]:
    """The first sheet's rows as text cells."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise RegisterFileError("bad_xlsx", N_("无法读取这个 Excel 文件，请确认它是 .xlsx 工作簿")
                                ) from exc
    try:
        sheet = workbook.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def register_rows(data: bytes | str) -> list[list[str]]:
    """The rows of a register file (header first), whatever form it came in."""
    if isinstance(data, bytes):
        if data.startswith(b"PK\x03\x04"):  # a zip: a workbook, or a damaged one (never CSV)
            return xlsx_rows(data)
        data = decode_csv(data)
    if data.startswith("\ufeff"):
        data = data[1:]
    return list(csv.reader(io.StringIO(data, newline="")))


def template_csv() -> bytes:
    """The CSV template: the header and two example rows, UTF-8 with a BOM (Excel opens it)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(rows: Sequence[Sequence[str]] = TEMPLATE_ROWS) -> bytes:
    """The Excel template: the header and two example rows, every cell text (so "1-101" and
    "0203" keep their form)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "register"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(list(row))
    for column in sheet.iter_cols():
        for cell in column:
            cell.number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
