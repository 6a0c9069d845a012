"""Register forms (no database lookups here)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SearchField, SelectField
from wtforms.validators import DataRequired, Length, Optional


class UploadRegisterForm(FlaskForm):
    """Upload the owner register: an Excel workbook, or CSV in UTF-8 or GBK."""

    file = FileField(
        _l("名册文件（Excel .xlsx 或 CSV）"),
        validators=[FileRequired(_l("请选择文件")),
                    FileAllowed(["xlsx", "csv", "txt"], _l("只接受 .xlsx 或 .csv 文件"))],
    )


class ConfirmImportForm(FlaskForm):
    """Confirm the previewed import: the file travels back in a signed token."""

    token = HiddenField(validators=[DataRequired()])


class UnitFilterForm(FlaskForm):
    """Filter the unit list by building and a search term (GET, no CSRF)."""

    class Meta:
        csrf = False

    building = SelectField(_l("楼栋"), choices=[], validate_choice=False, default="")
    q = SearchField(_l("搜索房号、业主编号或姓名"), validators=[Optional(), Length(max=100)],
                    default="")
