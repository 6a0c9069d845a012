"""Meetings forms (no database lookups: the views fill the choices)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, AnyOf, DataRequired, Length, NumberRange, Optional

from app.forms import as_choices
from app.ids import MAX_ID
from app.law import MeetingKind
from meetings.models import AttendanceMode
from meetings.rules import MAX_OBJECTION_DAYS


def kind_choices() -> list[SelectChoice]:
    """The meeting kinds, labelled in the UI language."""
    return as_choices([(MeetingKind.OWNERS_ASSEMBLY.value, _l("业主大会")),
            (MeetingKind.COMMITTEE_MEETING.value, _l("业委会会议")),
            (MeetingKind.DELIBERATION_MEETING.value, _l("议事会"))])


def mode_choices() -> list[SelectChoice]:
    """How an attendee attends."""
    return as_choices([(AttendanceMode.IN_PERSON.value, _l("现场")),
                       (AttendanceMode.ONLINE.value, _l("线上")),
                       (AttendanceMode.PROXY.value, _l("委托代理"))])


class MeetingForm(FlaskForm):
    """Schedule a meeting."""

    kind = SelectField(_l("会议类型"), choices=kind_choices, validators=[DataRequired()])
    title = StringField(_l("会议名称"), validators=[DataRequired(), Length(max=200)])
    starts_at = DateTimeLocalField(_l("会议时间"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired()])
    place = StringField(_l("地点"), validators=[Optional(), Length(max=200)])
    online_url = StringField(_l("线上会议链接"),
                             validators=[Optional(), URL(require_tld=False), Length(max=500)])
    chair_name = StringField(_l("主持人"), validators=[Optional(), Length(max=120)])
    temporary = BooleanField(_l("临时会议（通知期 7 日）"))


class AgendaForm(FlaskForm):
    """Put a proposal on the agenda."""

    proposal_id = SelectField(_l("议题"), coerce=int, validators=[DataRequired()])


class AttendanceForm(FlaskForm):
    """Tick one attendee: an owner (by owner_ref) or a committee member (by user id)."""

    owner_ref = StringField(_l("业主编号"), validators=[Optional(), Length(max=64)])
    user_id = IntegerField(_l("委员"), validators=[Optional(), NumberRange(1, MAX_ID)])
    mode = SelectField(_l("出席方式"), choices=mode_choices, validators=[DataRequired()])


class MinutesForm(FlaskForm):
    """Edit draft minutes (Markdown)."""

    text = TextAreaField(_l("纪要内容（Markdown）"), validators=[DataRequired(),
                                                              Length(max=200_000)])
    note = StringField(_l("修改说明"), validators=[Optional(), Length(max=200)])


class ResultNoticeForm(FlaskForm):
    """Publish a result notice, optionally with an objection period."""

    objection_days = IntegerField(_l("询异期（天，0 表示立即生效）"), default=0,
                                  validators=[NumberRange(min=0, max=MAX_OBJECTION_DAYS)])


class ConfirmPublishForm(FlaskForm):
    """The confirmation step of a publication: posted only from the page that shows what will
    become public (a POST without it is sent to that page, never published)."""

    confirm = HiddenField(validators=[AnyOf(["yes"])])


class ConfirmNoticeForm(ConfirmPublishForm, ResultNoticeForm):
    """Confirm a result notice with the objection period chosen before."""


class CancelForm(FlaskForm):
    """Cancel a meeting: a reason is required."""

    reason = TextAreaField(_l("取消原因"), validators=[DataRequired(), Length(max=500)])


class ActionForm(FlaskForm):
    """A button that posts (CSRF only)."""


class DecisionsFilterForm(FlaskForm):
    """Search and filter the public register of decisions (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("搜索"), validators=[Optional(), Length(max=100)])
    year = SelectField(_l("年份"), validators=[Optional()])
    matter = SelectField(_l("事项"), validators=[Optional()])
    kind = SelectField(_l("类别"), validators=[Optional()])
