"""Turnout forms: assign a building volunteer, log a visit, remind a building. No lookups:
the view sets the choices."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import as_choices
from turnout.models import VisitOutcome

#: the visit outcomes in the order the form offers them
OUTCOME_LABELS = {
    VisitOutcome.VISITED: _l("已走访"),
    VisitOutcome.NOT_HOME: _l("不在家"),
    VisitOutcome.WILL_VOTE_ONLINE: _l("将在线投票"),
    VisitOutcome.PAPER_HANDED_OUT: _l("已发放纸质票"),
    VisitOutcome.PAPER_COLLECTED: _l("已收回纸质票"),
    VisitOutcome.REFUSED: _l("拒绝参与"),
}


class AssignVolunteerForm(FlaskForm):
    """Make a member the volunteer of a building."""

    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=80)])
    building = SelectField(_l("楼栋"), coerce=int, validators=[DataRequired()])


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token."""


class VisitForm(FlaskForm):
    """What came of a visit to an outstanding owner."""

    elector = HiddenField(validators=[DataRequired(), Length(max=12)])
    outcome = SelectField(_l("走访结果"), validators=[DataRequired()])
    note = TextAreaField(_l("备注"), validators=[Optional(), Length(max=500)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.outcome.choices = as_choices((o.value, label) for o, label in OUTCOME_LABELS.items())
