"""Register import errors in the UI language, built from their codes and parameters."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from app.register.csvfile import (
    AREA_SOURCES,
    KINDS,
    MAX_AREA,
    STATUSES,
    RegisterFileError,
    RowError,
)


def _area_reason(value: str) -> str:
    """Which of the area checks a value failed."""
    try:
        area = Decimal(value)
    except InvalidOperation:
        return _("面积 %(value)s 不是数字", value=value or "“”")
    if not area.is_finite() or area <= 0:
        return _("面积 %(value)s 必须大于 0", value=value)
    if area > MAX_AREA:
        return _("面积 %(value)s 过大（不超过 %(max)s 平方米）", value=value, max=MAX_AREA)
    return _("面积 %(value)s 的小数超过两位", value=value)


def row_reason(error: RowError) -> str:
    """The reason a row was refused, translated."""
    p = error.params
    value = p.get("value", "")
    reasons = {
        "missing_building": lambda: _("楼栋为空"),
        "missing_unit": lambda: _("房号为空"),
        "too_long": lambda: _("楼栋、房号或业主编号过长（最多 64 个字符）"),
        "bad_area": lambda: _area_reason(value),
        "bad_area_source": lambda: _("面积来源 %(value)s 无效，应为 %(choices)s",
                                     value=value or "“”", choices=" | ".join(AREA_SOURCES)),
        "bad_kind": lambda: _("类型 %(value)s 无效，应为 %(choices)s",
                              value=value or "“”", choices=" | ".join(KINDS)),
        "bad_status": lambda: _("状态 %(value)s 无效，应为 %(choices)s",
                                value=value or "“”", choices=" | ".join(STATUSES)),
        "missing_owner": lambda: _("已交付的房屋必须填写业主编号 owner_ref"),
        "bad_owner_ref": lambda: _("业主编号 developer 只能用于未售或未交付的房屋"),
        "duplicate_unit": lambda: _("房屋 %(value)s 与第 %(other)s 行重复",
                                    value=value, other=p.get("other_row", "?")),
        "owner_conflict": lambda: _("业主编号 %(value)s 在第 %(other)s 行的姓名与本行不同",
                                    value=value, other=p.get("other_row", "?")),
        "no_rows": lambda: _("文件只有表头，没有房屋"),
    }
    build = reasons.get(error.code)
    return build() if build else error.message


def row_error_text(error: RowError) -> str:
    """“第 N 行：原因”."""
    return _("第 %(row)s 行：%(reason)s", row=error.row_number, reason=row_reason(error))


def file_error_text(error: RegisterFileError) -> str:
    """Why the file as a whole could not be read, translated."""
    if error.code == "encoding":
        return _("文件不是 UTF-8 编码，请在表格软件中另存为“CSV UTF-8”格式")
    if error.code == "empty":
        return _("文件是空的")
    if error.code == "header":
        missing = error.message.split(":", 1)[-1].strip()
        return _("表头缺少这些列：%(columns)s", columns=missing)
    return error.message


def kind_label(kind: object) -> str:
    """A unit kind in the UI language."""
    return {"residence": _("住宅"), "commercial": _("商业"), "parking": _("车位")}.get(
        str(getattr(kind, "value", kind)), str(kind))


def status_label(status: object) -> str:
    """A unit status in the UI language."""
    return {"delivered": _("已交付"), "unsold": _("未售"), "undelivered": _("已售未交付")}.get(
        str(getattr(status, "value", status)), str(status))


def source_label(source: object) -> str:
    """An area source in the UI language."""
    return {"registry": _("不动产登记"), "survey": _("实测"), "contract": _("合同")}.get(
        str(getattr(source, "value", source)), str(source))
