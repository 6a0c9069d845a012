"""Voting forms: open a vote, ballots per method, paper ballots, mandates, conflicts, receipts.

No database lookups: the vote's options come from the view. Ballot forms are built per vote
(`ballot_form`, `paper_ballot_form`) from the fields its voting method describes, and turn
their data into the API's choices shape through the method.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import as_choices
from app.i18n import lang_code
from app.law import text
from voting.counting import METHODS, FormField, VotingMethod, get_method


def method_choices() -> list[SelectChoice]:
    """The voting methods of the registry, as offered when a vote opens, in the UI language."""
    lang = lang_code()
    return as_choices((m.name, text(m.summary, lang)) for m in METHODS.values())


class ConfirmForm(FlaskForm):
    """A button that changes state: only the CSRF token."""


class CloseVoteForm(FlaskForm):
    """Close a vote early: the committee acknowledges what that means."""

    understood = BooleanField(_l("我已了解提前结束的后果，确认结束表决"), validators=[
        DataRequired(message=_l("请勾选确认"))])


class OpenVoteForm(FlaskForm):
    """Open a vote: method and closing time (local time of the community)."""

    method = RadioField(_l("表决方式"), choices=method_choices, default=next(iter(METHODS)),
                        validators=[InputRequired(message=_l("请选择表决方式"))])
    closes_at = DateTimeLocalField(_l("截止时间（北京时间）"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(message=_l("请填写截止时间"))])


class ChoicesMixin:
    """The fields of a ballot as its voting method describes them, and their value as choices.

    `ballot_form` sets `method`, `option_ids`, `field_names` and `hint` on the built class.
    """

    method: VotingMethod[Any]
    option_ids: tuple[int, ...] = ()
    field_names: tuple[str, ...] = ()
    hint: str | None = None

    def choice_fields(self) -> list[Any]:
        """The method's fields, in order."""
        return [self[name] for name in self.field_names]  # type: ignore[index]

    def has_choices(self) -> bool:
        """Whether anything was chosen."""
        return any(f.data not in (None, "", "None") for f in self.choice_fields())

    def choices_value(self) -> dict[str, Any]:
        """The choices in API.md's shape."""
        data = {name: self[name].data for name in self.field_names}  # type: ignore[index]
        return self.method.choices_from_form(data, self.option_ids)


def choices_to_data(method: str, choices: Mapping[str, Any] | None) -> dict[str, Any]:
    """Form data that shows a stored ballot's choices (to change it)."""
    if not choices:
        return {}
    return dict(get_method(method).form_data(choices))


def _field(spec: FormField, required: bool) -> Any:
    """A WTForms field for one field the voting method describes."""
    choices = as_choices(spec.choices)
    if spec.widget == "select":
        return SelectField(spec.label, choices=choices, default="")
    validators = ([InputRequired(message=spec.required)] if required and spec.required
                  else [Optional()])
    return RadioField(spec.label, choices=choices, validators=validators)


def _choice_attrs(method: VotingMethod[Any], options: Sequence[tuple[int, str]],
                  required: bool) -> dict[str, Any]:
    """The class attributes of a ballot form: the method's fields and what reads them."""
    lang = lang_code()
    specs = method.form_fields(options, lang)
    attrs: dict[str, Any] = {
        "method": method, "option_ids": tuple(i for i, _ in options),
        "field_names": tuple(spec.name for spec in specs),
        "hint": text(method.hint, lang) if method.hint else None,
    }
    for spec in specs:
        attrs[spec.name] = _field(spec, required)
    return attrs


class BallotForm(ChoicesMixin, FlaskForm):
    """An electronic ballot (the owner's own, or a mandator's on the proxy screen)."""

    def validate(self, extra_validators: Any = None) -> bool:
        """A ballot whose method needs a choice must make one."""
        ok = super().validate(extra_validators)
        if ok and self.method.nothing_chosen and not self.has_choices():
            self.choice_fields()[0].errors = [text(self.method.nothing_chosen, lang_code())]
            return False
        return ok


class PaperLookupForm(FlaskForm):
    """Step 1 of a paper entry (a GET: it only reads): the ballot's number, or the unit, or
    (for a number not assigned in advance) the owner reference."""

    class Meta:
        csrf = False

    no = StringField(_l("选票编号"), validators=[Optional(), Length(max=32)])
    unit = StringField(_l("或房号（如 1栋-101）"), validators=[Optional(), Length(max=80)])
    owner_ref = StringField(_l("业主编号（编号未预先分配时填写）"),
                            validators=[Optional(), Length(max=64)])


class PaperBallotForm(ChoicesMixin, FlaskForm):
    """Step 2 of a paper entry: the owner read back, the choices or blank, and the explicit
    confirmation of the options left unmarked."""

    ballot_no = StringField(_l("选票编号"), validators=[
        DataRequired(message=_l("请填写选票编号")), Length(max=32)])
    owner_ref = StringField(_l("业主编号"), validators=[Optional(), Length(max=64)])
    blank = BooleanField(_l("空白票或无法辨认（计为弃权）"))
    confirm_unmarked = BooleanField(_l("我已核对纸质票：以上选项确实未勾选，计为弃权"))

    def unmarked(self) -> list[str]:
        """The labels of the fields left empty (each an abstention, confirmed explicitly)."""
        return [str(f.label.text) for f in self.choice_fields()
                if f.data in (None, "", "None")]

    def validate(self, extra_validators: Any = None) -> bool:
        """Either choices or blank, never both, never neither; unmarked options confirmed."""
        ok = super().validate(extra_validators)
        if self.blank.data and self.has_choices():
            self.blank.errors = [_l("空白票不能同时填写选择")]
            return False
        if ok and not self.blank.data and not self.has_choices():
            self.blank.errors = [_l("请填写选票上的选择，或勾选空白票")]
            return False
        if ok and not self.blank.data and self.unmarked() and not self.confirm_unmarked.data:
            self.confirm_unmarked.errors = [_l("有选项未勾选：请核对纸质票后勾选确认")]
            return False
        return ok


F = TypeVar("F", BallotForm, PaperBallotForm)


def _build(base: type[F], method: str, options: Sequence[tuple[int, str]], *, required: bool,
           prefix: str = "", data: Mapping[str, Any] | None = None,
           formdata: Any = None) -> F:
    """A form of `base` with the fields the vote's method describes for its options."""
    cls = type(base.__name__, (base,), _choice_attrs(get_method(method), options, required))
    kwargs: dict[str, Any] = {"prefix": prefix, "data": dict(data or {})}
    if formdata is not None:
        kwargs["formdata"] = formdata
    form: F = cls(**kwargs)
    return form


def ballot_form(method: str, options: Sequence[tuple[int, str]], *, prefix: str = "",
                data: Mapping[str, Any] | None = None, formdata: Any = None) -> BallotForm:
    """An electronic ballot form for this vote's method and options."""
    return _build(BallotForm, method, options, required=True, prefix=prefix, data=data,
                  formdata=formdata)


def paper_ballot_form(method: str, options: Sequence[tuple[int, str]],
                      data: Mapping[str, Any] | None = None) -> PaperBallotForm:
    """A paper ballot form for this vote's method and options (no choice is required)."""
    return _build(PaperBallotForm, method, options, required=False, data=data)


class ResolveEntryForm(FlaskForm):
    """Settle two paper entries that disagree, after checking the paper ballot."""

    keep = RadioField(_l("核对纸质票后"), choices=as_choices([
        ("first", _l("第一次录入正确")), ("second", _l("第二次录入正确")),
        ("neither", _l("两次都不对，作废后重新录入"))]),
        validators=[InputRequired(message=_l("请选择保留哪一次录入"))])
    reason = TextAreaField(_l("理由"), validators=[
        DataRequired(message=_l("请写明理由")), Length(max=2000)])


class ResolveConflictForm(FlaskForm):
    """Keep the counted or the held ballot, and say why."""

    keep = RadioField(_l("保留哪一张"), choices=as_choices([("counted", _l("保留已计入的选票")),
                                                         ("held", _l("改为计入后到的选票"))]),
                      validators=[InputRequired(message=_l("请选择保留哪一张"))])
    reason = TextAreaField(_l("理由"), validators=[
        DataRequired(message=_l("请写明理由")), Length(max=2000)])


class ReceiptForm(FlaskForm):
    """Look up a receipt code."""

    code = StringField(_l("回执码"), validators=[
        DataRequired(message=_l("请填写回执码")), Length(max=64)],
        description=_l("大小写、空格和横线都不影响查验，"
                       "例如 abcd efgh jkmn 与 ABCD-EFGH-JKMN 相同。"),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


class MandateForm(FlaskForm):
    """Authorise a proxy: who, for this vote or a period, and the signed mandate."""

    holder = StringField(_l("代理人的用户名"), validators=[
        DataRequired(message=_l("请填写代理人的用户名")), Length(max=80)])
    owner_ref = StringField(_l("委托业主编号（业委会代录时填写）"),
                            validators=[Optional(), Length(max=64)])
    scope = RadioField(_l("委托范围"), choices=as_choices([("vote", _l("仅本次表决")),
                                                        ("period", _l("一段时间内的所有表决"))]),
                       default="vote")
    valid_from = DateField(_l("开始日期"), validators=[Optional()])
    valid_until = DateField(_l("结束日期"), validators=[Optional()])
    document = FileField(_l("签字的委托书（PDF 或图片）"), validators=[
        FileRequired(message=_l("请上传签字的委托书")),
        FileAllowed(["pdf", "png", "jpg", "jpeg", "webp"], _l("只接受 PDF 或图片"))])

    def validate(self, extra_validators: Any = None) -> bool:
        """A period needs both dates, in order."""
        ok = super().validate(extra_validators)
        if ok and self.scope.data == "period":
            if not self.valid_from.data or not self.valid_until.data:
                self.valid_until.errors = [_l("请填写开始和结束日期")]
                return False
            if self.valid_from.data > self.valid_until.data:
                self.valid_until.errors = [_l("结束日期不能早于开始日期")]
                return False
        return ok


class ExtendVoteForm(FlaskForm):
    """Move the close later: the new closing time (community time) and the published reason."""

    closes_at = DateTimeLocalField(_l("新的截止时间（北京时间）"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(message=_l("请填写截止时间"))])
    reason = TextAreaField(_l("延期理由（将公布）"), validators=[
        DataRequired(message=_l("请写明延期理由")), Length(max=2000)])


class VoteSettingsForm(FlaskForm):
    """The community's voting settings."""

    min_days = IntegerField(_l("表决期最短天数"), validators=[
        InputRequired(message=_l("请填写天数")), NumberRange(min=1, max=365)])
    max_days = IntegerField(_l("表决期最长天数（延期不能超过）"), validators=[
        InputRequired(message=_l("请填写天数")), NumberRange(min=1, max=365)])
    at_opening = BooleanField(
        _l("开始表决时也须在此范围内：截止时间距开始不少于最短天数、不超过最长天数"))
    double_entry = BooleanField(_l("纸质票双人录入：两位不同的业委会成员录入一致后才计入"))


class BatchForm(FlaskForm):
    """Ask for one building's PDF of pre-filled ballots, in Chinese (the default) or English."""

    building = StringField(_l("楼栋"), validators=[DataRequired(), Length(max=64)])
    lang = SelectField(_l("表决票语言"), choices=as_choices([("zh", "中文"), ("en", "English")]),
                       default="zh")


class DistributionForm(FlaskForm):
    """Log a pre-assigned ballot handed out: its number, who received it, who handed it out."""

    ballot_no = StringField(_l("选票编号"), validators=[
        DataRequired(message=_l("请填写选票编号")), Length(max=32)])
    received_by = StringField(_l("领票人"), validators=[
        DataRequired(message=_l("请填写领票人")), Length(max=100)])
    handed_out_by = StringField(_l("发放人（不填则为本人）"),
                                validators=[Optional(), Length(max=100)])
