"""Proposal, option, comment and moderation forms (no database lookups: choices come from views)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from app.errors import InvalidInput
from app.forms import as_choices
from app.ids import MAX_ID
from app.law import MATTERS, matter_name
from app.numbers import to_hundredths
from proposals.models import FundingSource, SplitUnit
from proposals.shares import Split, split_problem


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes, one per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _amount(form: Form, field: StringField) -> None:
    """A money or area amount: a non-negative number with at most two decimals."""
    del form
    try:
        to_hundredths(field.data, str(field.label.text))
    except InvalidInput as exc:
        raise ValidationError(exc.message) from None


#: stance tags of a comment, or none
STANCE_CHOICES = as_choices([("", _l("不标注")), ("support", _l("支持")), ("oppose", _l("反对")),
                             ("question", _l("提问"))])


def funding_choices() -> list[SelectChoice]:
    """The funding sources in the UI language."""
    return as_choices([("none", _l("未定")), ("owners_by_area", _l("业主按面积分摊")),
            ("maintenance_fund", _l("专项维修资金")), ("subsidy", _l("政府补贴或其他资助")),
            ("mixed", _l("混合来源"))])


def split_unit_choices() -> list[SelectChoice]:
    """How a split is typed: yuan, or percent of the cost."""
    return as_choices([("amount", _l("按金额（元），合计须等于总费用")),
                       ("percent", _l("按比例（%），合计须为 100%"))])


def matter_choices() -> list[SelectChoice]:
    """Art. 278 items, numbered (the names in Chinese, as the law reads)."""
    return as_choices((n, f"{n}. {matter_name(n)}") for n in MATTERS)


class OptionFields(Form):
    """The fields of an option (方案)."""

    title = StringField(_l("方案名称"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("方案说明"), validators=[Length(max=20000)])
    cost_cny = StringField(_l("总费用（元）"), validators=[Optional(), _amount])
    funding_source = SelectField(_l("资金来源"), choices=funding_choices, default="none")
    split_unit = RadioField(_l("混合来源的分摊方式"), choices=split_unit_choices,
                            default="amount")
    split_fund = StringField(_l("专项维修资金"), validators=[Optional(), _amount])
    split_owners = StringField(_l("业主按面积分摊"), validators=[Optional(), _amount])
    split_subsidy = StringField(_l("补贴"), validators=[Optional(), _amount])
    split_common_income = StringField(_l("公共收益"), validators=[Optional(), _amount])
    timeline = StringField(_l("工期"), validators=[Length(max=200)])
    green_area_lost_m2 = StringField(_l("减少的绿地面积（平方米）"),
                                     validators=[Optional(), _amount])
    parking_delta = IntegerField(_l("车位变化（增加为正，减少为负）"),
                                 validators=[Optional(), NumberRange(-100000, 100000)])
    risks = TextAreaField(_l("风险"), validators=[Length(max=20000)])
    pros = TextAreaField(_l("优点"), validators=[Length(max=20000)])
    cons = TextAreaField(_l("缺点"), validators=[Length(max=20000)])

    #: the split's fields, in the order they are shown
    SPLIT_FIELDS = ("split_fund", "split_owners", "split_subsidy", "split_common_income")

    def split(self) -> Split | None:
        """The split typed (None when every part is empty); call after field validation."""
        typed = {name: getattr(self, name).data for name in self.SPLIT_FIELDS}
        if not any((value or "").strip() for value in typed.values()):
            return None
        unit = SplitUnit.PERCENT if self.split_unit.data == "percent" else SplitUnit.AMOUNT
        parts = {name.removeprefix("split_"): to_hundredths(value, name) or Decimal(0)
                 for name, value in typed.items()}
        return Split(unit, **parts)

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields, then the split against the cost and the funding source (the
        services' own check, so the error shows under the field it is about)."""
        if not super().validate(extra_validators):
            return False
        try:
            cost = to_hundredths(self.cost_cny.data, "cost_cny")
            funding = FundingSource(self.funding_source.data or "none")
        except (InvalidInput, ValueError):
            return True  # the fields' own validators have said so
        problem = split_problem(cost, funding, self.split())
        if problem is None:
            return True
        target = getattr(self, problem.field)
        target.errors = [*target.errors, gettext(problem.message, **problem.params)]
        return False

    def values(self) -> dict[str, object]:
        """The option's values for the services."""
        return {"title": self.title.data or "", "description": self.description.data or "",
                "cost_cny": self.cost_cny.data or None,
                "funding_source": self.funding_source.data, "split": self.split(),
                "timeline": self.timeline.data or "",
                "green_area_lost_m2": self.green_area_lost_m2.data or None,
                "parking_delta": self.parking_delta.data, "risks": self.risks.data or "",
                "pros": self.pros.data or "", "cons": self.cons.data or ""}


class ProposalFields(FlaskForm):
    """Title, summary, body, matters and scope."""

    title = StringField(_l("议题标题"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("摘要"), validators=[Length(max=2000)])
    body = TextAreaField(_l("正文（支持 Markdown）"), validators=[Length(max=100000)])
    matters = MultiCheckboxField(_l("涉及《民法典》第二百七十八条的事项（不选则为咨询性征求意见）"),
                                 choices=matter_choices, coerce=int)
    scope = RadioField(_l("表决范围"), choices=as_choices([("all", _l("全体业主")),
                                                          ("buildings", _l("指定楼栋"))]),
                       default="all")
    buildings = MultiCheckboxField(_l("楼栋"), choices=[])

    def scope_buildings(self) -> list[str] | None:
        """None for the whole community, else the chosen buildings."""
        return None if self.scope.data != "buildings" else list(self.buildings.data or [])


class ProposalForm(ProposalFields):
    """A new proposal with up to four options."""

    options = FieldList(FormField(OptionFields), min_entries=2, max_entries=4)
    add_status_quo = BooleanField(_l("增加“维持现状”方案"))
    publish = BooleanField(_l("立即发布，进入讨论阶段"))


class OptionForm(OptionFields, FlaskForm):
    """Add or edit one option."""

    title = StringField(_l("方案名称"), validators=[DataRequired(), Length(max=200)])
    is_status_quo = BooleanField(_l("这是“维持现状”方案"))


class TransitionForm(FlaskForm):
    """Move the proposal to another state."""

    to_state = HiddenField(validators=[DataRequired()])
    note = StringField(_l("说明（可选）"), validators=[Length(max=2000)])


class AttachmentForm(FlaskForm):
    """Upload a quote or site plan."""

    file = FileField(_l("附件（PDF、PNG、JPEG 或 WebP，不超过 10 MB）"),
                     validators=[FileRequired()])


class CommentForm(FlaskForm):
    """Post a comment or a reply."""

    body = TextAreaField(_l("评论内容"), validators=[DataRequired(), Length(max=10000)])
    stance = SelectField(_l("立场"), choices=STANCE_CHOICES,
                         default="")
    option_id = SelectField(_l("针对的方案"), coerce=int, choices=[], default=0)
    #: the comment replied to (a reply form sets it)
    parent_id = IntegerField(widget=HiddenInput(), validators=[Optional(), NumberRange(1, MAX_ID)])
    official = BooleanField(_l("作为业委会官方回复置顶"))


class CommentEditForm(FlaskForm):
    """Edit one's comment."""

    body = TextAreaField(_l("评论内容"), validators=[DataRequired(), Length(max=10000)])
    stance = SelectField(_l("立场"), choices=STANCE_CHOICES,
                         default="")


class ReasonForm(FlaskForm):
    """A report or a hide, with a reason."""

    reason = StringField(_l("原因"), validators=[Length(max=500)])


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token."""


class LeaningForm(FlaskForm):
    """Mark the option one leans to (not a vote)."""

    #: its own id: the comment form's option select on the same page is also named option_id
    option_id = RadioField(_l("我倾向的方案"), coerce=int, choices=[], id="leaning-option")
