"""Reasons in words, Chinese (default) or English, for a ``Result``.

The sentences are Chinese source texts marked with `N_` and translated with `app.law.text`;
the quorum's and the thresholds' words are the law's own (`app.law`). Percentages come from
`app.law.format_percent`: computed exactly and rounded half-up to two decimals; the verdicts
beside them come from the exact comparison, never from the rounded figure, and a share that
differs from the boundary it is compared with (2/3, 1/2, 3/4) but would print the same gets as
many more decimals as tell them apart ("74.998%").
"""

from __future__ import annotations

import dataclasses

from app.law import (
    QUORUM,
    approval_share,
    describe_failed_for_quorum,
    describe_participation,
    describe_quorum_outcome,
    describe_threshold,
    describe_verdict,
    format_percent,
    normalize_lang,
    quorum_required,
    share,
    share_met,
    text,
)
from app.law.words import N_

from .model import ADJUSTED, OptionResult, Result, format_area
from .registry import METHODS

__all__ = ["AGREE_AREA", "AGREE_HEADCOUNT", "explain", "explain_option", "format_percent",
           "localize"]

#: an option's agreeing area in the reasons (a method may word it its own way)
AGREE_AREA = N_("%(title)s 同意面积占参与面积 %(pct)s，%(verdict)s")
#: an option's agreeing headcount in the reasons
AGREE_HEADCOUNT = N_("%(title)s 同意人数占参与人数 %(pct)s，%(verdict)s")



def explain_option(result: Result, option: OptionResult, lang: str = "zh") -> tuple[str, ...]:
    """Explain one option's verdict: agreeing shares of participation and pass or fail."""
    lang = normalize_lang(lang)
    part = result.participation
    title = option.title
    if part.headcount == 0 or part.area == 0:
        return (text(N_("%(title)s 无人参与表决，未通过"), lang, title=title),)
    method = METHODS.get(result.method)
    area_words = method.agree_area_words if method is not None else AGREE_AREA
    head_words = method.agree_headcount_words if method is not None else AGREE_HEADCOUNT
    threshold = result.threshold
    boundary = approval_share(threshold)
    area_met = share_met(threshold, option.agree.area, part.area)
    head_met = share_met(threshold, option.agree.headcount, part.headcount)
    lines = [
        text(area_words, lang, title=title,
             pct=format_percent(option.agree.area, part.area, boundary),
             verdict=describe_verdict(threshold, area_met, lang)),
        text(head_words, lang, title=title,
             pct=format_percent(option.agree.headcount, part.headcount, boundary),
             verdict=describe_verdict(threshold, head_met, lang)),
    ]
    if option.passed:
        lines.append(text(N_("%(title)s 通过"), lang, title=title))
    elif area_met and head_met and quorum_required(threshold) and not result.quorum_met:
        lines.append(describe_failed_for_quorum(title, lang))
    else:
        lines.append(text(N_("%(title)s 未通过"), lang, title=title))
    return tuple(lines)


def _participation(result: Result, lang: str) -> list[str]:
    electorate, part = result.electorate, result.participation
    if electorate.headcount == 0 or electorate.area == 0:
        return [text(N_("表决范围内没有业主，无法形成决定"), lang)]
    lines = []
    for dimension, num, den in (("area", part.area, electorate.area),
                                ("headcount", part.headcount, electorate.headcount)):
        lines.append(describe_participation(dimension, share(num, den) >= QUORUM,
                                            format_percent(num, den, QUORUM), lang))
    outcome = describe_quorum_outcome(result.threshold, result.quorum_met, lang)
    if outcome is not None:
        lines.append(outcome)
    return lines


def _ranking(result: Result, lang: str) -> list[str]:
    if result.ranking is None:
        return []
    titles = {o.option_id: o.title for o in result.options}
    gt, eq = (" ＞ ", " ＝ ") if lang == "zh" else (" > ", " = ")
    order = gt.join(eq.join(titles.get(i, str(i)) for i in group) for group in result.ranking)
    return [text(N_("Schulze 排序（以票差为链强度）：%(order)s"), lang, order=order)]


def explain(result: Result, lang: str = "zh") -> tuple[str, ...]:
    """Explain the outcome: rule, participation against 2/3, each option, the conclusion."""
    lang = normalize_lang(lang)
    lines: list[str] = []
    if result.label == ADJUSTED:
        lines.append(text(N_("从众计票（未参与表决的业主计入参与者的多数意见）："
                             "仅供参考，以严格计票结果为准"), lang))
        if result.non_voters_added is not None:
            added = result.non_voters_added
            lines.append(text(N_("计入未参与表决的业主 %(n)s 人，面积 %(area)s 平方米"), lang,
                              n=added.headcount, area=format_area(added.area)))
    lines.append(text(N_("适用规则：%(desc)s"), lang,
                      desc=describe_threshold(result.threshold, lang)))
    lines.extend(_participation(result, lang))
    for option in result.options:
        lines.extend(explain_option(result, option, lang))
    lines.extend(_ranking(result, lang))
    winner = result.outcome_option_id
    if winner is None:
        lines.append(text(N_("结果：没有方案通过"), lang))
    else:
        title = result.option(winner).title
        if sum(o.passed for o in result.options) > 1:
            lines.append(text(N_("结果：%(title)s 通过（在通过的方案中同意面积最大）"), lang,
                              title=title))
        else:
            lines.append(text(N_("结果：%(title)s 通过"), lang, title=title))
    return tuple(lines)


def localize(result: Result, lang: str = "zh") -> Result:
    """Return the result with every reason (options, outcome, adjusted) written in ``lang``."""
    options = tuple(
        dataclasses.replace(o, reasons=explain_option(result, o, lang)) for o in result.options
    )
    adjusted = localize(result.adjusted, lang) if result.adjusted is not None else None
    with_options = dataclasses.replace(result, options=options, adjusted=adjusted)
    return dataclasses.replace(with_options, reasons=explain(with_options, lang))
