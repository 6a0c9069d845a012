"""Reasons in words, Chinese (default) or English, for a ``Result``.

Percentages are computed exactly and rounded half-up to two decimals; the verdicts next to
them come from the exact comparison, never from the rounded figure. Where a share differs
from the boundary it is compared with (2/3, 1/2, 3/4) but would print the same at two
decimals, it is printed with as many more decimals as tell them apart ("74.998%").
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction

from .model import ADJUSTED, OptionResult, Result, format_area
from .thresholds import (
    QUORUM,
    Threshold,
    approval_share,
    describe_threshold,
    normalize_lang,
    quorum_required,
    share_met,
)

__all__ = ["explain", "explain_option", "format_percent", "localize"]

_TEXTS: dict[str, dict[str, str]] = {
    "zh": {
        "rule": "适用规则：{desc}",
        "empty": "表决范围内没有业主，无法形成决定",
        "part_area": "按面积参与率 {pct}，{cmp}三分之二",
        "part_head": "按人数参与率 {pct}，{cmp}三分之二",
        "reached": "达到",
        "below": "低于",
        "quorum_failed": "参与表决的业主未达到专有部分面积和人数均三分之二，各方案均不通过",
        "advisory_quorum": "咨询性表决不要求参与率达到三分之二",
        "agree": "同意",
        "agree_ranked": "列为首选的",
        "opt_area": "{title} {agree}面积占参与面积 {pct}，{verdict}",
        "opt_head": "{title} {agree}人数占参与人数 {pct}，{verdict}",
        "half_met": "超过半数",
        "half_not": "未超过半数",
        "tq_met": "达到四分之三",
        "tq_not": "低于四分之三",
        "opt_passed": "{title} 通过",
        "opt_failed": "{title} 未通过",
        "opt_failed_quorum": "{title} 未通过：参与率未达到三分之二",
        "opt_nobody": "{title} 无人参与表决，未通过",
        "outcome_one": "结果：{title} 通过",
        "outcome_best": "结果：{title} 通过（在通过的方案中同意面积最大）",
        "outcome_none": "结果：没有方案通过",
        "ranking": "Schulze 排序（以票差为链强度）：{order}",
        "adjusted": "从众计票（未参与表决的业主计入参与者的多数意见）："
        "仅供参考，以严格计票结果为准",
        "added": "计入未参与表决的业主 {n} 人，面积 {area} 平方米",
    },
    "en": {
        "rule": "Rule applied: {desc}",
        "empty": "There are no owners in scope; nothing can be decided",
        "part_area": "Participation by area {pct}, {cmp} two thirds",
        "part_head": "Participation by headcount {pct}, {cmp} two thirds",
        "reached": "reaches",
        "below": "below",
        "quorum_failed": "Owners holding two thirds of the area and of the headcount did not "
        "take part, so no option passes",
        "advisory_quorum": "An advisory poll requires no participation quorum",
        "agree": "agreeing",
        "agree_ranked": "first-ranking",
        "opt_area": "{title}: {agree} area is {pct} of the participating area, {verdict}",
        "opt_head": "{title}: {agree} headcount is {pct} of the participating headcount, {verdict}",
        "half_met": "more than half",
        "half_not": "not more than half",
        "tq_met": "reaches three quarters",
        "tq_not": "below three quarters",
        "opt_passed": "{title} passes",
        "opt_failed": "{title} fails",
        "opt_failed_quorum": "{title} fails: participation below two thirds",
        "opt_nobody": "{title}: nobody took part, fails",
        "outcome_one": "Outcome: {title} passes",
        "outcome_best": "Outcome: {title} passes (largest agreeing area among the options "
        "that passed)",
        "outcome_none": "Outcome: no option passed",
        "ranking": "Schulze order (margins as link strength): {order}",
        "adjusted": "Adjusted count (non-voters counted with the majority of participants): "
        "for reference only; the strict count prevails",
        "added": "{n} non-voting owners with {area} m² added",
    },
}


def _hundredths(share: Fraction, places: int) -> int:
    """Round ``share`` in percent to ``places`` decimals, half-up, as an integer count."""
    scale: int = 10**places
    scaled = share * 100 * scale + Fraction(1, 2)
    return scaled.numerator // scaled.denominator  # floor


def format_percent(
    part: int | Decimal, whole: int | Decimal, boundary: Fraction | None = None
) -> str:
    """Return ``part / whole`` as a percentage, two decimals rounded half-up: "61.20%".

    With ``boundary`` (e.g. 2/3), a share that differs from it but would print the same
    gets more decimals ("74.998%"), so the figure never contradicts the verdict beside it.
    """
    if whole == 0:
        raise ZeroDivisionError("percentage of zero")
    share = Fraction(part) / Fraction(whole)
    places = 2
    if boundary is not None and share != boundary:
        while places < 12 and _hundredths(share, places) == _hundredths(boundary, places):
            places += 1
    n = _hundredths(share, places)
    sign = "-" if n < 0 else ""
    n = abs(n)
    scale = 10**places
    return f"{sign}{n // scale}.{n % scale:0{places}d}%"


def _verdict(texts: dict[str, str], threshold: Threshold, met: bool) -> str:
    if threshold is Threshold.THREE_QUARTERS:
        return texts["tq_met" if met else "tq_not"]
    return texts["half_met" if met else "half_not"]


def explain_option(result: Result, option: OptionResult, lang: str = "zh") -> tuple[str, ...]:
    """Explain one option's verdict: agreeing shares of participation and pass or fail."""
    texts = _TEXTS[normalize_lang(lang)]
    part = result.participation
    title = option.title
    if part.headcount == 0 or part.area == 0:
        return (texts["opt_nobody"].format(title=title),)
    agree = texts["agree_ranked" if result.method == "ranked" else "agree"]
    threshold = result.threshold
    boundary = approval_share(threshold)
    area_met = share_met(threshold, option.agree.area, part.area)
    head_met = share_met(threshold, option.agree.headcount, part.headcount)
    lines = [
        texts["opt_area"].format(
            title=title,
            agree=agree,
            pct=format_percent(option.agree.area, part.area, boundary),
            verdict=_verdict(texts, threshold, area_met),
        ),
        texts["opt_head"].format(
            title=title,
            agree=agree,
            pct=format_percent(option.agree.headcount, part.headcount, boundary),
            verdict=_verdict(texts, threshold, head_met),
        ),
    ]
    if option.passed:
        lines.append(texts["opt_passed"].format(title=title))
    elif area_met and head_met and quorum_required(threshold) and not result.quorum_met:
        lines.append(texts["opt_failed_quorum"].format(title=title))
    else:
        lines.append(texts["opt_failed"].format(title=title))
    return tuple(lines)


def _participation(result: Result, texts: dict[str, str]) -> list[str]:
    electorate, part = result.electorate, result.participation
    if electorate.headcount == 0 or electorate.area == 0:
        return [texts["empty"]]
    lines = []
    for key, num, den in (
        ("part_area", part.area, electorate.area),
        ("part_head", part.headcount, electorate.headcount),
    ):
        reached = Fraction(num) / Fraction(den) >= QUORUM
        cmp = texts["reached" if reached else "below"]
        lines.append(texts[key].format(pct=format_percent(num, den, QUORUM), cmp=cmp))
    if not quorum_required(result.threshold):
        lines.append(texts["advisory_quorum"])
    elif not result.quorum_met:
        lines.append(texts["quorum_failed"])
    return lines


def _ranking(result: Result, texts: dict[str, str], lang: str) -> list[str]:
    if result.ranking is None:
        return []
    titles = {o.option_id: o.title for o in result.options}
    gt, eq = (" ＞ ", " ＝ ") if lang == "zh" else (" > ", " = ")
    order = gt.join(eq.join(titles.get(i, str(i)) for i in group) for group in result.ranking)
    return [texts["ranking"].format(order=order)]


def explain(result: Result, lang: str = "zh") -> tuple[str, ...]:
    """Explain the outcome: rule, participation against 2/3, each option, the conclusion."""
    lang = normalize_lang(lang)
    texts = _TEXTS[lang]
    lines: list[str] = []
    if result.label == ADJUSTED:
        lines.append(texts["adjusted"])
        if result.non_voters_added is not None:
            added = result.non_voters_added
            lines.append(texts["added"].format(n=added.headcount, area=format_area(added.area)))
    lines.append(texts["rule"].format(desc=describe_threshold(result.threshold, lang)))
    lines.extend(_participation(result, texts))
    for option in result.options:
        lines.extend(explain_option(result, option, lang))
    lines.extend(_ranking(result, texts, lang))
    winner = result.outcome_option_id
    if winner is None:
        lines.append(texts["outcome_none"])
    else:
        several = sum(o.passed for o in result.options) > 1
        key = "outcome_best" if several else "outcome_one"
        lines.append(texts[key].format(title=result.option(winner).title))
    return tuple(lines)


def localize(result: Result, lang: str = "zh") -> Result:
    """Return the result with every reason (options, outcome, adjusted) written in ``lang``."""
    options = tuple(
        dataclasses.replace(o, reasons=explain_option(result, o, lang)) for o in result.options
    )
    adjusted = localize(result.adjusted, lang) if result.adjusted is not None else None
    with_options = dataclasses.replace(result, options=options, adjusted=adjusted)
    return dataclasses.replace(with_options, reasons=explain(with_options, lang))
