"""Voting forms: open a vote, ballots per method, paper ballots, mandates, conflicts, receipts.

No database lookups: the vote's options come from the view. Ballot forms are built per vote
(`ballot_form`), one field per option, and turn their data into the API's choices shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.forms import as_choices

METHODS = ("approve_each", "single_choice", "ranked")
SIDES = ("agree", "oppose", "abstain")


def method_choices() -> list[SelectChoice]:
    """The voting methods in the UI language."""
    return as_choices([("approve_each", _l("逐项表决：每个方案同意 / 反对 / 弃权")),
            ("single_choice", _l("单选：选一个方案，或反对全部、弃权")),
            ("ranked", _l("排序：给方案排先后（咨询性，Schulze 方法）"))])


def side_choices() -> list[SelectChoice]:
    """Agree, oppose, abstain."""
    return as_choices([("agree", _l("同意")), ("oppose", _l("反对")), ("abstain", _l("弃权"))])


class ConfirmForm(FlaskForm):
    """A button that changes state: only the CSRF token."""


class OpenVoteForm(FlaskForm):
    """Open a vote: method and closing time (local time of the community)."""

    method = RadioField(_l("表决方式"), choices=method_choices, default="approve_each",
                        validators=[InputRequired(message=_l("请选择表决方式"))])
    closes_at = DateTimeLocalField(_l("截止时间（北京时间）"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(message=_l("请填写截止时间"))])


class ChoicesMixin:
    """Fields `opt_<id>` / `choice` / `rank_<id>` of a ballot, and their value as choices."""

    method: str = "approve_each"
    option_ids: tuple[int, ...] = ()

    def choice_fields(self) -> list[Any]:
        """The per-option fields (or the single choice field), in option order."""
        if self.method == "single_choice":
            return [self["choice"]]  # type: ignore[index]
        prefix = "opt_" if self.method == "approve_each" else "rank_"
        return [self[f"{prefix}{i}"] for i in self.option_ids]  # type: ignore[index]

    def has_choices(self) -> bool:
        """Whether anything was chosen."""
        return any(f.data not in (None, "", "None") for f in self.choice_fields())

    def choices_value(self) -> dict[str, Any]:
        """The choices in API.md's shape."""
        if self.method == "single_choice":
            value = self["choice"].data  # type: ignore[index]
            return {"option": value if value in ("oppose_all", "abstain") else int(value)}
        if self.method == "approve_each":
            return {str(i): self[f"opt_{i}"].data for i in self.option_ids  # type: ignore[index]
                    if self[f"opt_{i}"].data in SIDES}  # type: ignore[index]
        ranks: dict[int, list[int]] = {}
        for option_id in self.option_ids:
            rank = self[f"rank_{option_id}"].data  # type: ignore[index]
            if rank:
                ranks.setdefault(int(rank), []).append(option_id)
        return {"ranking": [ranks[r] for r in sorted(ranks)]}


def choices_to_data(method: str, choices: Mapping[str, Any] | None) -> dict[str, Any]:
    """Form data that shows a stored ballot's choices (to change it)."""
    if not choices:
        return {}
    if method == "single_choice":
        return {"choice": str(choices.get("option", ""))}
    if method == "approve_each":
        return {f"opt_{k}": v for k, v in choices.items()}
    data: dict[str, Any] = {}
    for index, group in enumerate(choices.get("ranking", []), start=1):
        for option_id in group:
            data[f"rank_{option_id}"] = str(index)
    return data


def _choice_attrs(method: str, options: Sequence[tuple[int, str]],
                  required: bool) -> dict[str, Any]:
    """The per-option fields of a ballot for this method."""
    need = ([InputRequired(message=_l("请选择同意、反对或弃权"))] if required else [Optional()])
    attrs: dict[str, Any] = {"method": method, "option_ids": tuple(i for i, _ in options)}
    if method == "approve_each":
        for option_id, title in options:
            attrs[f"opt_{option_id}"] = RadioField(title, choices=side_choices, validators=need)
    elif method == "single_choice":
        choices = [(str(i), t) for i, t in options]
        choices += [("oppose_all", _l("反对全部方案")), ("abstain", _l("弃权"))]
        attrs["choice"] = RadioField(
            _l("你的选择"), choices=as_choices(choices),
            validators=[InputRequired(message=_l("请选择一个方案，或反对全部、弃权"))]
            if required else [Optional()])
    else:
        ranks = [("", _l("不排"))] + [(str(n), str(n)) for n in range(1, len(options) + 1)]
        for option_id, title in options:
            attrs[f"rank_{option_id}"] = SelectField(title, choices=as_choices(ranks), default="")
    return attrs


class BallotForm(ChoicesMixin, FlaskForm):
    """An electronic ballot (the owner's own, or a mandator's on the proxy screen)."""

    def validate(self, extra_validators: Any = None) -> bool:
        """A ranked ballot must rank at least one option."""
        ok = super().validate(extra_validators)
        if ok and self.method == "ranked" and not self.has_choices():
            self.choice_fields()[0].errors = [_l("请至少给一个方案排上名次")]
            return False
        return ok


class PaperBallotForm(ChoicesMixin, FlaskForm):
    """A paper ballot typed in by the committee: number, owner, choices or blank."""

    ballot_no = StringField(_l("选票编号"), validators=[
        DataRequired(message=_l("请填写选票编号")), Length(max=32)])
    owner_ref = StringField(_l("业主编号"), validators=[
        DataRequired(message=_l("请填写业主编号")), Length(max=64)])
    blank = BooleanField(_l("空白票或无法辨认（计为弃权）"))

    def validate(self, extra_validators: Any = None) -> bool:
        """Either choices or blank, never both, never neither."""
        ok = super().validate(extra_validators)
        if self.blank.data and self.has_choices():
            self.blank.errors = [_l("空白票不能同时填写选择")]
            return False
        if ok and not self.blank.data and not self.has_choices():
            self.blank.errors = [_l("请填写选票上的选择，或勾选空白票")]
            return False
        return ok


def ballot_form(method: str, options: Sequence[tuple[int, str]], *, paper: bool = False,
                prefix: str = "", data: Mapping[str, Any] | None = None,
                formdata: Any = None) -> BallotForm | PaperBallotForm:
    """A ballot form for this vote's method and options."""
    base = PaperBallotForm if paper else BallotForm
    cls = type(base.__name__, (base,), _choice_attrs(method, options, required=not paper))
    kwargs: dict[str, Any] = {"prefix": prefix, "data": dict(data or {})}
    if formdata is not None:
        kwargs["formdata"] = formdata
    return cls(**kwargs)


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
        DataRequired(message=_l("请填写回执码")), Length(max=32)])


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
