"""The register's enum values in the UI language (template helpers)."""

from __future__ import annotations

from flask_babel import gettext as _


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


def column_label(name: str) -> str:
    """A register column's name in the UI language (楼栋, 房号, ...)."""
    from app.i18n import lang_code
    from app.law.words import ptext
    from app.register.csvfile import COLUMN_LABELS, LABEL_CONTEXT

    return ptext(LABEL_CONTEXT, COLUMN_LABELS[name], lang_code())
