"""Account forms (no database lookups here)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from app.accounts.models import Role


class LoginForm(FlaskForm):
    """Sign in with username and password."""

    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=200)])


class SignupForm(FlaskForm):
    """Create an account with an owner's one-time claim code."""

    code = StringField(_l("认领码"), validators=[DataRequired(), Length(min=6, max=40)])
    username = StringField(_l("用户名"), validators=[DataRequired(), Length(min=3, max=80)])
    display_name = StringField(_l("称呼"), validators=[Length(max=120)])
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(min=8, max=200)])
    confirm = PasswordField(
        _l("再次输入密码"),
        validators=[DataRequired(), EqualTo("password", _l("两次输入的密码不一致"))],
    )


class IssueClaimCodesForm(FlaskForm):
    """Choose the owners to print claim codes for."""

    owner_refs = TextAreaField(
        _l("业主编号"), validators=[Optional(), Length(max=20000)],
        description=_l("每行一个或用逗号、空格分隔"),
    )
    all_unlinked = BooleanField(_l("所有尚未关联账户的业主"))


class ConfirmForm(FlaskForm):
    """A bare form carrying the CSRF token for a one-click action."""


class RoleForm(FlaskForm):
    """Change a member's role."""

    role = SelectField(_l("角色"), choices=[SelectChoice(r.value) for r in Role],
                       validators=[DataRequired()])
