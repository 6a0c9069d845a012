"""What the proposal and comparison pages show, assembled with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from app.accounts.models import Membership
from app.forms import as_choices
from app.i18n import format_area, format_money, format_percent
from app.markdown import render_markdown
from app.permissions import is_staff
from app.register.models import Community
from proposals import permissions as perm
from proposals import queries
from proposals.forms import ActionForm, AttachmentForm, CommentForm, LeaningForm, ReasonForm
from proposals.models import FundingSource, Proposal, ProposalOption, SplitUnit
from proposals.queries import shares_for
from proposals.shares import (
    FROM_FUND,
    NOTHING,
    PAID_BY_OWNERS,
    SPLIT,
    SPLIT_MISSING,
    Share,
    option_split,
    to_fen,
)
from proposals.states import manual_moves
from proposals.vocabulary import funding_label


def proposal_context(community: Community, member: Membership | None, proposal: Proposal, *,
                     page: object = 1, with_discussion: bool = True) -> dict[str, Any]:
    """The template context of a proposal's page."""
    owner = member.owner if member is not None else None
    basis, shares = shares_for(community, proposal, owner)
    staff = is_staff(member)
    context: dict[str, Any] = {
        "community": community, "member": member, "proposal": proposal,
        "body_html": render_markdown(proposal.body), "basis": basis, "shares": shares,
        "is_staff": staff, "can_edit": perm.can_edit_proposal(member, proposal),
        "moves": manual_moves(proposal.state) if staff else [],
        "attachments": queries.attachments_of(proposal),
        "leanings": queries.leaning_counts(proposal),
        "can_lean": perm.can_lean(member, proposal),
        "my_leaning": queries.my_leaning(proposal, member.owner_id if member else None),
        "action_form": ActionForm(),
    }
    if context["can_lean"]:
        lean = LeaningForm()
        lean.option_id.choices = as_choices((o.id, o.title) for o in proposal.options)
        lean.option_id.data = context["my_leaning"]
        context["leaning_form"] = lean
    if context["can_edit"]:
        context["attachment_form"] = AttachmentForm()
    if with_discussion:
        threads = queries.comment_threads(proposal, page)
        ids = queries.thread_ids(threads.items)
        comment_form = CommentForm()
        comment_form.option_id.choices = as_choices([(0, _("整个议题"))] + [
            (o.id, o.title) for o in proposal.options])
        context.update(
            threads=threads, stances=queries.stance_summary(proposal),
            reports=queries.report_counts(ids) if staff else {},
            can_comment=perm.can_comment(member, proposal, community),
            comment_form=comment_form, reason_form=ReasonForm(),
            options_by_id={o.id: o for o in proposal.options},
        )
    return context


@dataclass(frozen=True)
class CompareRow:
    """One attribute of every option, and whether the options differ in it."""

    key: str
    label: str
    cells: list[str]
    differs: bool
    markdown: bool = False


def share_text(share: Share | None) -> str:
    """An owner's share of one option, in words: exactly what they pay, and their share of
    what the maintenance fund pays."""
    if share is None or share.pays is None:
        if share is not None and share.kind == SPLIT_MISSING:
            return _("各来源的分摊尚未确定，暂不能计算")
        return _("未估算")
    if share.kind == PAID_BY_OWNERS:
        return format_money(share.pays)
    if share.kind == FROM_FUND:
        return _("%(pays)s（从专项维修资金支出，按面积折合您的份额 %(part)s）",
                 pays=format_money(share.pays), part=format_money(share.fund_part))
    if share.kind == NOTHING:
        return _("%(pays)s（无需业主出资）", pays=format_money(share.pays))
    if share.kind != SPLIT:
        return _("未估算")
    details = []
    if share.owners_total:
        details.append(_("业主按面积分摊 %(amount)s 中您的部分",
                         amount=format_money(share.owners_total)))
    if share.fund_total:
        details.append(_("另从专项维修资金支出您的份额 %(amount)s",
                         amount=format_money(share.fund_part)))
    if share.other_total:
        details.append(_("补贴和公共收益支付的 %(amount)s 无需您出资",
                         amount=format_money(share.other_total)))
    return _("%(pays)s（%(details)s）", pays=format_money(share.pays),
             details=_("；").join(details))


def source_names() -> dict[str, str]:
    """The split's sources in the UI language."""
    return {"fund": _("专项维修资金"), "owners": _("业主按面积分摊"), "subsidy": _("补贴"),
            "common_income": _("公共收益")}


def split_text(option: ProposalOption) -> str:
    """How an option's cost is split between the sources, in words ("—" when unknown)."""
    cost = option.cost_cny
    split = option_split(option)
    if option.funding_source == FundingSource.MIXED and split is None:
        return _("各来源的分摊尚未确定")
    if option.funding_source != FundingSource.MIXED or split is None:
        return funding_label(option.funding_source)
    names = source_names()
    amounts = split.amounts(cost) if cost is not None else None
    parts = []
    for name, part in split.parts().items():
        if not part:
            continue
        if split.unit == SplitUnit.PERCENT:
            shown = format_percent(part / 100)
            if amounts is not None:
                shown = _("%(percent)s，%(amount)s", percent=shown,
                          amount=format_money(to_fen(amounts[name])))
        else:
            shown = format_money(part)
        parts.append(_("%(source)s %(part)s", source=names[name], part=shown))
    return _("；").join(parts)


def compare_rows(proposal: Proposal, shares: dict[int, Share]) -> list[CompareRow]:
    """The comparison table's rows, one per attribute."""
    options = list(proposal.options)

    def parking(delta: int | None) -> str:
        if delta is None:
            return "—"
        return f"+{delta}" if delta > 0 else str(delta)

    spec: list[tuple[str, str, list[str], bool]] = [
        ("description", _("方案说明"), [o.description for o in options], True),
        ("cost", _("总费用"), [format_money(o.cost_cny) for o in options], False),
        ("funding", _("资金来源"), [split_text(o) for o in options], False),
        ("timeline", _("工期"), [o.timeline or "—" for o in options], False),
        ("green", _("减少的绿地"), [format_area(o.green_area_lost_m2) for o in options], False),
        ("parking", _("车位变化"), [parking(o.parking_delta) for o in options], False),
        ("risks", _("风险"), [o.risks for o in options], True),
        ("pros", _("优点"), [o.pros for o in options], True),
        ("cons", _("缺点"), [o.cons for o in options], True),
    ]
    if shares:
        spec.insert(2, ("share", _("您的分摊"), [share_text(shares.get(o.id)) for o in options],
                        False))
    return [CompareRow(key, label, cells, differ(cells), markdown)
            for key, label, cells, markdown in spec]


def differ(cells: list[str]) -> bool:
    """Whether the options really differ in a row: white space and an empty text ("" or "—")
    do not make a difference."""
    def norm(cell: str) -> str:
        text = " ".join(cell.split())
        return "" if text == "—" else text

    return len({norm(c) for c in cells}) > 1
