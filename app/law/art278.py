"""Civil Code Art. 278 and the Supreme People's Court interpretation, Arts. 8-9: which rule a
matter needs, the participation quorum, and whether a count meets them. Pure and exact.

Areas are `Decimal` (or `int`), ratios `Fraction`; floats are never accepted.

| Art. 278 item | approval among the owners who take part |
|---|---|
| 1-5, 9 | more than half (> 1/2) of participating area **and** headcount |
| 6, 7, 8 | at least three quarters (>= 3/4) of participating area **and** headcount |

Every matter needs owners holding >= 2/3 of the area in scope **and** >= 2/3 of the headcount
in scope to take part; a proposal touching several items takes the strictest rule; an advisory
poll (no item) has no statutory threshold and no quorum, and an option has majority support
with more than half of the participating area and headcount.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum
from fractions import Fraction
from math import ceil

from app.law.words import N_, text

Number = int | Decimal

#: Participation quorum of Art. 278 para. 2: at least two thirds of area and of headcount.
QUORUM = Fraction(2, 3)
CENT = Decimal("0.01")


class Threshold(StrEnum):
    """The approval rule applied to a vote."""

    MAJORITY = "majority"
    THREE_QUARTERS = "three_quarters"
    ADVISORY = "advisory"


@dataclass(frozen=True)
class Rule:
    """What a threshold demands of the agreeing share of participants."""

    #: the share of participating area and headcount that agreement is measured against
    share: Fraction
    #: True: the share must be exceeded (> 1/2); False: reaching it is enough (>= 3/4)
    strict: bool
    #: larger is stricter; a proposal touching several items takes the largest
    strictness: int
    #: whether the two-thirds participation quorum applies
    quorum_required: bool
    #: the rule in plain words (Chinese source, translated by `text`)
    words: str


RULES: dict[Threshold, Rule] = {
    Threshold.ADVISORY: Rule(
        Fraction(1, 2), strict=True, strictness=0, quorum_required=False,
        words=N_("咨询性表决，无法定门槛：不要求参与率，参与表决的专有部分面积和人数均过半数"
                 "同意即为多数意见")),
    Threshold.MAJORITY: Rule(
        Fraction(1, 2), strict=True, strictness=1, quorum_required=True,
        words=N_("需参与表决的专有部分面积和人数均过半数同意")),
    Threshold.THREE_QUARTERS: Rule(
        Fraction(3, 4), strict=False, strictness=2, quorum_required=True,
        words=N_("需参与表决的专有部分面积和人数均达到四分之三同意")),
}

QUORUM_WORDS = N_("需专有部分面积占比三分之二以上且人数占比三分之二以上的业主参与表决")

#: the shares the law measures by, named (a chart's marker, a sentence that quotes the rule)
SHARE_WORDS: dict[Fraction, str] = {
    QUORUM: N_("三分之二"),
    Fraction(3, 4): N_("四分之三"),
    Fraction(1, 2): N_("半数"),
}

#: participation in one dimension against the two-thirds quorum: (reached, below)
PARTICIPATION_WORDS: dict[str, tuple[str, str]] = {
    "area": (N_("按面积参与率 %(pct)s，达到三分之二"), N_("按面积参与率 %(pct)s，低于三分之二")),
    "headcount": (N_("按人数参与率 %(pct)s，达到三分之二"),
                  N_("按人数参与率 %(pct)s，低于三分之二")),
}

#: an agreeing share against the threshold's share: (met, not met)
VERDICT_WORDS: dict[Threshold, tuple[str, str]] = {
    Threshold.THREE_QUARTERS: (N_("达到四分之三"), N_("低于四分之三")),
    Threshold.MAJORITY: (N_("超过半数"), N_("未超过半数")),
    Threshold.ADVISORY: (N_("超过半数"), N_("未超过半数")),
}

#: whether participation reached the quorum: (reached, not reached)
QUORUM_STATE_WORDS = (N_("参与已达到面积和人数均三分之二。"),
                      N_("参与尚未达到面积和人数均三分之二。"))


@dataclass(frozen=True)
class Matter:
    """One item of Art. 278 para. 1."""

    number: int
    #: the item's name (Chinese source, translated by `text`)
    name: str
    threshold: Threshold


MATTERS: dict[int, Matter] = {m.number: m for m in (
    Matter(1, N_("制定和修改业主大会议事规则"), Threshold.MAJORITY),
    Matter(2, N_("制定和修改管理规约"), Threshold.MAJORITY),
    Matter(3, N_("选举业主委员会或者更换业主委员会成员"), Threshold.MAJORITY),
    Matter(4, N_("选聘和解聘物业服务企业或者其他管理人"), Threshold.MAJORITY),
    Matter(5, N_("使用建筑物及其附属设施的维修资金"), Threshold.MAJORITY),
    Matter(6, N_("筹集建筑物及其附属设施的维修资金"), Threshold.THREE_QUARTERS),
    Matter(7, N_("改建、重建建筑物及其附属设施"), Threshold.THREE_QUARTERS),
    Matter(8, N_("改变共有部分的用途或者利用共有部分从事经营活动"), Threshold.THREE_QUARTERS),
    Matter(9, N_("有关共有和共同管理权利的其他重大事项"), Threshold.MAJORITY),
)}


def _check_matter(item: object) -> int:
    if isinstance(item, bool) or not isinstance(item, int) or item not in MATTERS:
        raise ValueError(f"not an Art. 278 item (1..9): {item!r}")
    return item


def valid_matters(items: Iterable[object]) -> list[int]:
    """The item numbers, sorted and deduplicated; ValueError for anything not in 1..9."""
    return sorted({_check_matter(item) for item in items})


def strictest(thresholds: Iterable[Threshold | str]) -> Threshold:
    """The strictest of several thresholds (none given: advisory)."""
    result = Threshold.ADVISORY
    for candidate in map(Threshold, thresholds):
        if RULES[candidate].strictness > RULES[result].strictness:
            result = candidate
    return result


def threshold_for_matters(items: Iterable[object]) -> Threshold:
    """The strictest threshold of the given Art. 278 items (none: advisory)."""
    return strictest(MATTERS[_check_matter(item)].threshold for item in items)


def approval_share(threshold: Threshold | str) -> Fraction:
    """The share of participants agreement is measured against (1/2 or 3/4)."""
    return RULES[Threshold(threshold)].share


def quorum_required(threshold: Threshold | str) -> bool:
    """Whether the threshold needs the two-thirds participation quorum to pass."""
    return RULES[Threshold(threshold)].quorum_required


def _check_counts(part: Number, total: Number, what: str) -> None:
    for value in (part, total):
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise TypeError(f"{what} must be an int or a Decimal, got {type(value).__name__}")
    if part < 0 or total < 0:
        raise ValueError(f"{what} must not be negative")
    if part > total:
        raise ValueError(f"participating {what} exceeds the total {what}")


def share(part: Number, whole: Number) -> Fraction:
    """part / whole exactly (whole must not be 0)."""
    return Fraction(part) / Fraction(whole)


def quorum_met(part_headcount: int, part_area: Number, total_headcount: int,
               total_area: Number) -> bool:
    """True when participation is >= 2/3 of both area and headcount (empty electorate: False)."""
    _check_counts(part_headcount, total_headcount, "headcount")
    _check_counts(part_area, total_area, "area")
    if total_headcount == 0 or total_area == 0:
        return False
    return (share(part_headcount, total_headcount) >= QUORUM
            and share(part_area, total_area) >= QUORUM)


def quorum_share_met(part: Number, whole: Number) -> bool:
    """True when one dimension alone reaches the 2/3 quorum (whole 0: False)."""
    return whole != 0 and share(part, whole) >= QUORUM


@dataclass(frozen=True)
class Missing:
    """What participation still lacks to reach the quorum in both dimensions."""

    headcount: int
    area: Decimal


def missing_for_quorum(part_headcount: int, part_area: Decimal, total_headcount: int,
                       total_area: Decimal) -> Missing:
    """Headcount max(0, ceil(2H/3) - h) and area max(0, 2A/3 - a) rounded up to the cent."""
    _check_counts(part_headcount, total_headcount, "headcount")
    _check_counts(part_area, total_area, "area")
    need_head = ceil(QUORUM * total_headcount)
    exact_area = QUORUM * Fraction(total_area) - Fraction(part_area)
    if exact_area <= 0:
        area = Decimal("0.00")
    else:
        area = (Decimal(exact_area.numerator) / Decimal(exact_area.denominator)).quantize(
            CENT, rounding=ROUND_CEILING)
    return Missing(max(0, need_head - part_headcount), area)


def _share_met(rule: Rule, part: Number, whole: Number) -> bool:
    ratio = share(part, whole)
    return ratio > rule.share if rule.strict else ratio >= rule.share


def share_met(threshold: Threshold | str, part: Number, whole: Number) -> bool:
    """True when `part / whole` alone reaches the threshold's share (whole 0: False)."""
    if whole == 0:
        return False
    return _share_met(RULES[Threshold(threshold)], part, whole)


def approval_met(threshold: Threshold | str, agree_headcount: int, agree_area: Number,
                 part_headcount: int, part_area: Number) -> bool:
    """True when agreement reaches the threshold by both area and headcount of participants."""
    rule = RULES[Threshold(threshold)]
    _check_counts(agree_headcount, part_headcount, "headcount")
    _check_counts(agree_area, part_area, "area")
    if part_headcount == 0 or part_area == 0:
        return False
    return (_share_met(rule, agree_headcount, part_headcount)
            and _share_met(rule, agree_area, part_area))


def option_passes(threshold: Threshold | str, quorum: bool, agree_headcount: int,
                  agree_area: Number, part_headcount: int, part_area: Number) -> bool:
    """Judge one option: the quorum (unless advisory) and approval by area and headcount."""
    if quorum_required(threshold) and not quorum:
        return False
    return approval_met(threshold, agree_headcount, agree_area, part_headcount, part_area)


def more_than_half(count: int, of: int) -> bool:
    """Strictly more than half (e.g. committee members' signatures under minutes)."""
    return of > 0 and Fraction(count, of) > Fraction(1, 2)


def describe_threshold(threshold: Threshold | str, lang: str = "zh") -> str:
    """The threshold's approval rule in plain words."""
    return text(RULES[Threshold(threshold)].words, lang)


def describe_quorum(lang: str = "zh") -> str:
    """The two-thirds participation quorum in plain words."""
    return text(QUORUM_WORDS, lang)


def describe_share(share: Fraction, lang: str = "zh") -> str:
    """A share the law measures by, named: "三分之二", "四分之三", "半数"."""
    return text(SHARE_WORDS[share], lang)


def describe_quorum_state(met: bool, lang: str = "zh") -> str:
    """Whether participation reached the two-thirds quorum by area and headcount, in words."""
    return text(QUORUM_STATE_WORDS[0] if met else QUORUM_STATE_WORDS[1], lang)


def describe_participation(dimension: str, reached: bool, pct: str, lang: str = "zh") -> str:
    """Participation by "area" or "headcount" (`pct` formatted) against the quorum."""
    words = PARTICIPATION_WORDS[dimension]
    return text(words[0] if reached else words[1], lang, pct=pct)


def describe_verdict(threshold: Threshold | str, met: bool, lang: str = "zh") -> str:
    """Whether an agreeing share meets the threshold's share, in words."""
    words = VERDICT_WORDS[Threshold(threshold)]
    return text(words[0] if met else words[1], lang)


def describe_quorum_outcome(threshold: Threshold | str, met: bool,
                            lang: str = "zh") -> str | None:
    """What the quorum meant for the vote: none required, or failed (every option fails)."""
    if not quorum_required(threshold):
        return text(N_("咨询性表决不要求参与率达到三分之二"), lang)
    if not met:
        return text(N_("参与表决的业主未达到专有部分面积和人数均三分之二，各方案均不通过"), lang)
    return None


def describe_failed_for_quorum(title: str, lang: str = "zh") -> str:
    """An option that had the approval but fails because participation missed the quorum."""
    return text(N_("%(title)s 未通过：参与率未达到三分之二"), lang, title=title)


def describe_missing(headcount_words: str, area_words: str, lang: str = "zh") -> str:
    """What participation still lacks to the quorum, the figures already formatted."""
    return text(N_("距三分之二还差 %(n)s 人、%(a)s。"), lang, n=headcount_words, a=area_words)


def describe_matters_rules(lang: str = "zh") -> str:
    """Which items need which approval, for whoever picks a proposal's matters."""
    strict = [m.number for m in MATTERS.values() if m.threshold == Threshold.THREE_QUARTERS]
    numbers = text(N_("%(first)s、%(last)s"), lang, first=text(N_("、"), lang).join(
        str(n) for n in strict[:-1]), last=strict[-1]) if len(strict) > 1 else str(strict[0])
    return text(N_("涉及第%(items)s项的，需%(strict)s同意；其他事项需过%(majority)s同意；"
                   "都不选则为咨询性征求意见。"), lang, items=numbers,
                strict=describe_share(RULES[Threshold.THREE_QUARTERS].share, lang),
                majority=describe_share(RULES[Threshold.MAJORITY].share, lang))


def describe_rule(threshold: Threshold | str, lang: str = "zh") -> str:
    """The whole rule a matter is decided by: approval and, where it applies, the quorum."""
    words = describe_threshold(threshold, lang)
    if not quorum_required(threshold):
        return words
    return text(N_("%(approval)s；%(quorum)s"), lang, approval=words,
                quorum=describe_quorum(lang))


def describe_early_close(threshold: Threshold | str, quorum: bool, options: int,
                         lang: str = "zh") -> str:
    """What closing a vote now means for its options, in words (the committee confirms it)."""
    if quorum_required(threshold) and not quorum:
        if options == 1:
            return text(N_("参与率不足三分之二，该方案将不通过"), lang)
        if options == 2:
            return text(N_("参与率不足三分之二，两个方案都将不通过"), lang)
        return text(N_("参与率不足三分之二，全部 %(n)s 个方案都将不通过"), lang, n=options)
    if quorum_required(threshold):
        return text(N_("参与已达到三分之二：按现有选票计票，每个方案%(rule)s才通过"), lang,
                    rule=describe_threshold(threshold, lang))
    return text(N_("咨询性表决不要求参与率：按现有选票计票，得出多数意见"), lang)


def matter_name(number: int, lang: str = "zh") -> str:
    """An Art. 278 item's name in the language."""
    return text(MATTERS[_check_matter(number)].name, lang)
