"""Account forms (no database lookups here)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


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
        _l("再次输入密码"), validators=[DataRequired(), EqualTo("password", _l("两次输入的密码不一致"))]
    )
