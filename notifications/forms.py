"""Forms of the notification pages (no database lookups: choices are set by the views)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from app.forms import as_choices

TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"


class ActionForm(FlaskForm):
    """A button that changes something (CSRF only)."""


class PreferencesForm(FlaskForm):
    """Digest and quiet hours; the channel checkboxes are named `<kind>:<channel>`."""

    digest = SelectField(_l("发送方式"), choices=[])
    quiet_start = StringField(_l("免打扰开始"), validators=[
        DataRequired(), Regexp(TIME_PATTERN, message=_l("请按“时:分”填写，例如 22:00"))])
    quiet_end = StringField(_l("免打扰结束"), validators=[
        DataRequired(), Regexp(TIME_PATTERN, message=_l("请按“时:分”填写，例如 22:00"))])

    def set_choices(self) -> None:
        """The digest choices in the UI language."""
        self.digest.choices = as_choices([("immediate", _l("即时发送")),
                                          ("daily", _l("每日摘要（站内信箱仍即时）"))])


class ContactForm(FlaskForm):
    """A new address on one channel: a code is sent to it."""

    channel = SelectField(_l("渠道"), choices=[])
    address = StringField(_l("地址或号码"), validators=[DataRequired(), Length(max=200)])

    def set_choices(self) -> None:
        """The channels with addresses."""
        self.channel.choices = as_choices([("email", _l("电子邮件")), ("sms", _l("短信")),
                                           ("wechat", _l("微信（openid）"))])


class VerifyForm(FlaskForm):
    """The code received at the new address."""

    channel = HiddenField(validators=[DataRequired()])
    code = StringField(_l("验证码"), validators=[DataRequired(), Length(min=4, max=12)])
