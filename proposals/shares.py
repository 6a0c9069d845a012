"""Your share (您的分摊): what an option costs one owner, from their area in the scope.

Pure: Decimals and Fractions in, frozen dataclasses out; no database, no Flask.

- An option is paid by one source (`FundingSource`) or, when mixed, split between four: the
  maintenance fund (专项维修资金), the owners in scope by area, a subsidy and the community's
  common income (公共收益). A split is stated in yuan or in percent of the cost
  (`Split`); its parts add up to the cost (or to 100%) exactly, else `split_problem` says why.
- The owner pays the owners-by-area part × (my area in scope / total area in scope). From the
  fund part, their share is the fund part × the same ratio (drawn from the fund, not paid now).
  Subsidy and common income cost the owner nothing out of pocket.
- Rounding: every figure is computed exactly (`Fraction`: a percentage of the cost is never
  rounded first) and rounded once, half-up, to the fen. Figures are rounded independently,
  so the owner's part and their fund share may each be off by at most ¥0.005 from the exact
  value, and a percentage split's parts shown in yuan may not add to the cost by a fen.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol

from app.law import N_
from proposals.models import FundingSource, SplitUnit

FEN = Decimal("0.01")
HUNDRED = Decimal(100)
PAID_BY_OWNERS = "owners"  #: the owner pays this amount
FROM_FUND = "fund"  #: ¥0 now; this is the owner's proportional part of the fund drawn on
NOTHING = "nothing"  #: ¥0: paid by a subsidy, or nothing to pay
SPLIT = "split"  #: mixed funding with a split: the owner's part and fund share, exactly
SPLIT_MISSING = "split_missing"  #: mixed funding without a split (an old option)
UNKNOWN = "unknown"  #: the option is not costed

#: the split's sources, in the order they are shown: (attribute, column of the option)
SOURCES = ("fund", "owners", "subsidy", "common_income")


def to_fen(value: Fraction | Decimal | int) -> Decimal:
    """An exact non-negative amount rounded half-up to the fen (0.005 -> 0.01)."""
    scaled = Fraction(value) * 100
    cents, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        cents += 1
    return (Decimal(cents) / 100).quantize(FEN)


@dataclass(frozen=True)
class Split:
    """How a mixed option's cost is split: yuan per source, or percent of the cost."""

    unit: SplitUnit
    fund: Decimal = Decimal(0)
    owners: Decimal = Decimal(0)
    subsidy: Decimal = Decimal(0)
    common_income: Decimal = Decimal(0)

    def parts(self) -> dict[str, Decimal]:
        """Each source's stated part (yuan or percent), in `SOURCES` order."""
        return {name: getattr(self, name) for name in SOURCES}

    def total(self) -> Decimal:
        """The parts added up (yuan, or percent)."""
        return sum(self.parts().values(), Decimal(0))

    def amounts(self, cost: Decimal) -> dict[str, Fraction]:
        """Each source's part of `cost` in yuan, exactly (a percentage is not rounded)."""
        if self.unit == SplitUnit.AMOUNT:
            return {name: Fraction(part) for name, part in self.parts().items()}
        return {name: Fraction(cost) * Fraction(part) / 100
                for name, part in self.parts().items()}


class HasSplit(Protocol):
    """What `option_split` reads (a `ProposalOption`)."""

    split_unit: SplitUnit | None
    split_fund: Decimal | None
    split_owners: Decimal | None
    split_subsidy: Decimal | None
    split_common_income: Decimal | None


def option_split(option: HasSplit) -> Split | None:
    """The split stored on an option, or None."""
    if option.split_unit is None:
        return None
    zero = Decimal("0.00")
    return Split(SplitUnit(option.split_unit), option.split_fund or zero,
                 option.split_owners or zero, option.split_subsidy or zero,
                 option.split_common_income or zero)


def split_columns(split: Split | None) -> dict[str, Any]:
    """The option's columns for a split (all None for no split)."""
    if split is None:
        return {"split_unit": None, **{f"split_{name}": None for name in SOURCES}}
    return {"split_unit": split.unit,
            **{f"split_{name}": part for name, part in split.parts().items()}}


@dataclass(frozen=True)
class SplitProblem:
    """Why a split does not fit its option: a domain error's code, message, field, params."""

    code: str
    message: str
    field: str
    params: dict[str, str]


def _yuan(value: Decimal) -> str:
    return f"¥{value:,.2f}"


def split_problem(cost: Decimal | None, funding: FundingSource,
                  split: Split | None) -> SplitProblem | None:
    """None when the split fits the option's cost and funding source; else what is wrong.

    A mixed option needs a split; any other source must have none. Amounts add up to the
    cost exactly (so the cost must be given); percentages add up to exactly 100.
    """
    if split is None:
        if funding == FundingSource.MIXED:
            return SplitProblem("split_missing",
                                N_("混合来源的方案须填写各来源的分摊（金额或比例）"),
                                "split_unit", {})
        return None
    if funding != FundingSource.MIXED:
        return SplitProblem("split_not_mixed",
                            N_("只有资金来源为“混合来源”的方案才填写分摊；"
                               "请改选混合来源，或清空各来源的分摊"), "funding_source", {})
    if split.total() == 0:
        return SplitProblem("split_empty", N_("请至少为一个来源填写分摊"), "split_unit", {})
    if split.unit == SplitUnit.PERCENT:
        if split.total() != HUNDRED:
            return SplitProblem("split_percent_sum",
                                N_("各来源的比例合计为 %(total)s%%，须正好为 100%%"),
                                "split_unit", {"total": f"{split.total():.2f}"})
        return None
    if cost is None:
        return SplitProblem("split_needs_cost", N_("按金额分摊时须填写总费用"), "cost_cny", {})
    if split.total() != cost:
        return SplitProblem(
            "split_amount_sum",
            N_("各来源的金额合计为 %(total)s，与总费用 %(cost)s 不符（相差 %(diff)s）"),
            "split_unit", {"total": _yuan(split.total()), "cost": _yuan(cost),
                           "diff": _yuan(abs(split.total() - cost))})
    return None


@dataclass(frozen=True)
class Share:
    """One owner's share of one option's cost (amounts to the fen; None where unknown)."""

    option_id: int
    kind: str
    #: what the owner pays out of pocket: the owners-by-area part × their area ratio
    pays: Decimal | None
    #: the owner's proportional part of what is drawn from the maintenance fund
    fund_part: Decimal | None = None
    #: the option's owners-by-area part, its fund part, and subsidy + common income (yuan)
    owners_total: Decimal | None = None
    fund_total: Decimal | None = None
    other_total: Decimal | None = None


@dataclass(frozen=True)
class ShareBasis:
    """The owner's area against the total area in scope."""

    in_scope: bool
    my_area: Decimal
    total_area: Decimal

    @property
    def ratio(self) -> Fraction:
        """My area / total area, exactly (0 when nothing is in scope)."""
        return Fraction(self.my_area) / Fraction(self.total_area) if self.total_area \
            else Fraction(0)


def _split_of(cost: Decimal, funding: FundingSource, split: Split | None) -> Split | None:
    """The split a single-source option implies (the whole cost from that source)."""
    if funding == FundingSource.OWNERS_BY_AREA:
        return Split(SplitUnit.AMOUNT, owners=cost)
    if funding == FundingSource.MAINTENANCE_FUND:
        return Split(SplitUnit.AMOUNT, fund=cost)
    if funding == FundingSource.SUBSIDY:
        return Split(SplitUnit.AMOUNT, subsidy=cost)
    if funding == FundingSource.MIXED:
        return split
    return Split(SplitUnit.AMOUNT) if cost == 0 else None


def compute_share(option_id: int, cost: Decimal | None, funding: FundingSource,
                  basis: ShareBasis, split: Split | None = None) -> Share:
    """The owner's share of an option: their part of what owners pay by area, and their
    share of what the maintenance fund pays; each exact, then rounded half-up to the fen."""
    if cost is None:
        return Share(option_id, UNKNOWN, None)
    effective = _split_of(cost, funding, split)
    if effective is None:
        return Share(option_id, SPLIT_MISSING if funding == FundingSource.MIXED else UNKNOWN,
                     None)
    amounts = effective.amounts(cost)
    ratio = basis.ratio
    owners, fund = amounts["owners"], amounts["fund"]
    other = amounts["subsidy"] + amounts["common_income"]
    share = Share(option_id, SPLIT, to_fen(owners * ratio), to_fen(fund * ratio),
                  to_fen(owners), to_fen(fund), to_fen(other))
    if funding == FundingSource.OWNERS_BY_AREA:
        return _with_kind(share, PAID_BY_OWNERS)
    if funding == FundingSource.MAINTENANCE_FUND:
        return _with_kind(share, FROM_FUND)
    if funding != FundingSource.MIXED or (owners == 0 and fund == 0):
        return _with_kind(share, NOTHING)
    return share


def _with_kind(share: Share, kind: str) -> Share:
    return Share(share.option_id, kind, share.pays, share.fund_part, share.owners_total,
                 share.fund_total, share.other_total)
